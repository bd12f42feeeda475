#!/bin/sh
# packaging/deb.sh — `make deb`: the Debian package of obs, from a tree
# already built. The programs, man pages, completions, the systemd unit and
# /etc/default/obsagent (a conffile) are installed by `make install` into a
# staging root with Debian's paths; man pages are compressed and the
# programs stripped as Debian policy asks; Depends is what dpkg-shlibdeps
# finds from the shared libraries the programs link. The package is written
# to $BUILD/obs_VERSION-1_ARCH.deb.
set -eu
BUILD=${BUILD:-build}
VERSION=${VERSION:?}
MAKE=${MAKE:-make}
arch=$(dpkg --print-architecture)
mkdir -p "$BUILD"
stage=$(cd "$BUILD" && pwd)/deb
root=$stage/src/debian/obs   # where dpkg-shlibdeps expects a package's files
deb=$BUILD/obs_${VERSION}-1_${arch}.deb

rm -rf "$stage"
mkdir -p "$root"
printf 'Source: obs\n\nPackage: obs\nArchitecture: any\n' >"$stage/src/debian/control"
$MAKE -s --no-print-directory install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc \
    ZSHCOMPDIR=/usr/share/zsh/vendor-completions SYSTEMDUNITDIR=/lib/systemd/system >/dev/null
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root"/usr/bin/*
gzip -9n "$root"/usr/share/man/man*/*
mkdir -p "$root/usr/share/doc/obs"
cp README.md "$root/usr/share/doc/obs/README.md"

# dpkg-shlibdeps reads the debian/control of the source it is run in
depends=$(cd "$stage/src" && dpkg-shlibdeps -O -edebian/obs/usr/bin/obsagent -edebian/obs/usr/bin/obsq \
    -edebian/obs/usr/bin/obstop 2>"$stage/shlibdeps.err" |
    sed -n 's/^shlibs:Depends=//p') || { cat "$stage/shlibdeps.err" >&2; exit 1; }
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependency" >&2; cat "$stage/shlibdeps.err" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: obs
Version: ${VERSION}-1
Architecture: ${arch}
Maintainer: obs developers <obs@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: ${depends}
Section: utils
Priority: optional
Description: CloudWatch-grade insight into AWS Lambda logs, offline
 obsagent imports and follows Lambda logs (text and JSON formats, EMF
 metrics) into one SQLite file and runs as a sidecar (obsagent.service);
 obsq runs CloudWatch Logs Insights queries on it; obstop is a terminal
 dashboard of the functions' invocations, errors, durations and cost.
CONTROL
echo /etc/default/obsagent >"$root/DEBIAN/conffiles"
for script in postinst postrm; do
    cat >"$root/DEBIAN/$script" <<'SCRIPT'
#!/bin/sh
# obsagent.service is installed, not enabled: its paths need setting first
set -e
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl daemon-reload || true
fi
SCRIPT
    chmod 0755 "$root/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "  DEB     $deb"
echo "          Depends: $depends"
