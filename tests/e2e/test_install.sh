#!/bin/sh
# tests/e2e/test_install.sh — installing, from a clean copy of the tree (its
# files as git sees them, nothing built; in CI that is a fresh clone):
# `make install DESTDIR=… PREFIX=/usr` puts the programs, man pages, bash
# and zsh completion, the systemd unit and /etc/default/obsagent where they
# belong, and the installed programs run from there; `make uninstall`
# removes them and keeps a changed environment file; `make deb` builds a
# package whose Depends name the libraries the programs link, which dpkg
# would install here, and whose contents run from a temporary root. Every
# man page renders without a warning (man --warnings, groff -ww), obs-store(5)
# describes every table of a new store, and the unit passes systemd-analyze
# verify and rates OK in its security review.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
SRC=$(cd "$(dirname "$0")/../.." && pwd)
for tool in git man groff dpkg-deb dpkg-shlibdeps systemd-analyze; do
    command -v "$tool" >/dev/null || { fail "$tool is not installed (make deps-test)"; finish; }
done

# ---- a clean copy -------------------------------------------------------------
COPY=$T/src
mkdir -p "$COPY"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' - |
    tar --null -T - -cf -) | tar -xf - -C "$COPY" || { fail "copy the tree"; finish; }
check "the copy has no build" test ! -e "$COPY/build"
R=$T/root
# the copy is built as users build it: under `make test SANITIZE=…` the
# sanitizer setting would reach this make through MAKEFLAGS and build into
# build-san/, which is not what is installed or packaged
copy_make() { make -C "$COPY" SANITIZE= "$@"; }
copy_make -j2 install DESTDIR="$R" PREFIX=/usr >"$T/install.out" 2>&1
rc=$?
[ "$rc" = 0 ] && pass "make install DESTDIR PREFIX=/usr from a clean copy: exit 0" ||
    fail "make install DESTDIR PREFIX=/usr from a clean copy: exit $rc" "$T/install.out"
for f in usr/bin/obsagent usr/bin/obsq usr/bin/obstop usr/share/man/man1/obsagent.1 usr/share/man/man1/obsq.1 \
    usr/share/man/man1/obstop.1 usr/share/man/man5/obs-store.5 usr/share/bash-completion/completions/obsq \
    usr/share/bash-completion/completions/obsagent usr/share/bash-completion/completions/obstop \
    usr/share/zsh/site-functions/_obsq usr/lib/systemd/system/obsagent.service etc/default/obsagent; do
    check "installed: /$f" test -s "$R/$f"
done
check "installed: the programs are executable" test -x "$R/usr/bin/obsq"
check_eq "nothing installed outside DESTDIR" "$(find "$R" -newer "$T/install.out" -prune 2>/dev/null | wc -l)" 0
VERSION=$(sed -n 's/^#define OBS_VERSION "\(.*\)"/\1/p' "$SRC/common/obs.h")
check_eq "installed obsq runs" "$("$R/usr/bin/obsq" --version)" "obsq $VERSION"
"$LAMBDAGEN" --out "$T/logs" --functions 2 --invocations 20 --seed 9 >/dev/null
mkdir -m 700 "$T/data"
check "installed obsagent imports" "$R/usr/bin/obsagent" --once -q -d "$T/data/obs.db" "$T/logs"
"$R/usr/bin/obsq" -d "$T/data/obs.db" summary >"$T/sum.out" 2>&1
check_grep "installed obsq reads it" "$T/sum.out" "^\\(all 2\\) +40 "
check "installed obstop draws it" "$R/usr/bin/obstop" -d "$T/data/obs.db" --dump --window all
check_grep "the unit runs the installed obsagent" "$R/usr/lib/systemd/system/obsagent.service" \
    '^ExecStart=/usr/bin/obsagent \$OBSAGENT_OPTIONS \$OBSAGENT_PATHS$'
check_grep "the unit reads /etc/default/obsagent" "$R/usr/lib/systemd/system/obsagent.service" \
    '^EnvironmentFile=-/etc/default/obsagent$'
check_grep "the environment file names the store" "$R/etc/default/obsagent" '^OBS_DB=/var/lib/obs/obs.db$'

# the unit, with ExecStart pointing at the staged binary (it is not in /usr/bin)
sed "s|/usr/bin/obsagent|$R/usr/bin/obsagent|" "$R/usr/lib/systemd/system/obsagent.service" >"$T/obsagent.service"
systemd-analyze verify --man=no "$T/obsagent.service" >"$T/verify.out" 2>&1
check_eq "systemd-analyze verify: exit 0" "$?" 0
check_eq "systemd-analyze verify: no complaint" "$(cat "$T/verify.out")" ""
check "systemd-analyze security: exposure at most 2.0 (OK)" \
    systemd-analyze security --offline=true --threshold=20 "$T/obsagent.service"

# ---- make uninstall ---------------------------------------------------------
echo "OBSAGENT_PATHS=/srv/logs" >>"$R/etc/default/obsagent"
copy_make uninstall DESTDIR="$R" PREFIX=/usr >"$T/uninstall.out" 2>&1
check_eq "make uninstall: exit 0" "$?" 0
check_eq "make uninstall: no file left but the changed environment file" \
    "$(find "$R" -type f | sed "s|^$R||")" "/etc/default/obsagent"
check_grep "... which it says it kept" "$T/uninstall.out" "kept .*/etc/default/obsagent"

# ---- other prefixes -------------------------------------------------------------
copy_make install DESTDIR="$T/local" >/dev/null 2>&1
check "PREFIX defaults to /usr/local" test -x "$T/local/usr/local/bin/obsagent"
check "... with its configuration in /usr/local/etc" test -s "$T/local/usr/local/etc/default/obsagent"
check_grep "... which the unit reads" "$T/local/usr/local/lib/systemd/system/obsagent.service" \
    '^EnvironmentFile=-/usr/local/etc/default/obsagent$'

# ---- man pages --------------------------------------------------------------------
for page in man1/obsagent.1 man1/obsq.1 man1/obstop.1 man5/obs-store.5; do
    f=$COPY/build/man/$(basename "$page")
    MANWIDTH=80 man --warnings -l "$f" >"$T/man.out" 2>"$T/man.err"
    check_eq "$page renders (man --warnings): exit 0" "$?" 0
    check_eq "$page: no warning" "$(cat "$T/man.err")" ""
    check_eq "$page: no groff warning (-ww)" "$(groff -ww -z -man "$f" 2>&1)" ""
    check "$page: has text" test "$(wc -l <"$T/man.out")" -gt 40
done
# obs-store(5) describes every table and view of a store
for t in $(sql "$T/data/obs.db" "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
                                   AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'events_fts_%'"); do
    check_grep "obs-store(5) describes $t" "$COPY/build/man/obs-store.5" "^\\.B $t\$"
done
check_grep "obs-store(5) gives the schema version of this program" "$COPY/build/man/obs-store.5" \
    "^is the schema's version \\($(sql "$T/data/obs.db" 'PRAGMA user_version') for obs"
check_grep "README points to the man pages" "$SRC/README.md" "obsagent\\(1\\).*obsq\\(1\\).*obstop\\(1\\).*obs-store\\(5\\)"

# ---- make deb ------------------------------------------------------------------------
copy_make deb >"$T/deb.out" 2>&1
rc=$?
[ "$rc" = 0 ] && pass "make deb: exit 0" || fail "make deb: exit $rc" "$T/deb.out"
DEB=$(ls "$COPY"/build/obs_*.deb 2>/dev/null | head -n 1)
check "make deb: a package" test -s "$DEB"
dpkg-deb -f "$DEB" Depends >"$T/depends"
# every library a program names (DT_NEEDED) is a package the package depends on
for prog in obsagent obsq obstop; do
    for so in $(readelf -d "$COPY/build/$prog" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        lib=$(ldd "$COPY/build/$prog" | awk -v so="$so" '$1 == so { print $3 }')
        pkg=$(dpkg -S "$lib" 2>/dev/null | head -n 1 | cut -d: -f1)
        [ -n "$pkg" ] || pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n 1 | cut -d: -f1)
        case $pkg in
        "") fail "Depends: no package owns $so ($lib), which $prog needs" ;;
        *) check_grep "Depends names $pkg ($prog needs $so)" "$T/depends" "(^|, )$pkg( |,|\$)" ;;
        esac
    done
done
check_eq "the package's version" "$(dpkg-deb -f "$DEB" Version)" "$VERSION-1"
check_eq "/etc/default/obsagent is a conffile" "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)" \
    "/etc/default/obsagent"
dpkg --dry-run -i "$DEB" >"$T/dry.out" 2>&1
check_eq "dpkg would install it here (its dependencies are met)" "$?" 0
P=$T/pkgroot
dpkg-deb -x "$DEB" "$P"
check_eq "from the package: obsagent runs" "$("$P/usr/bin/obsagent" --version)" "obsagent $VERSION"
check_eq "from the package: obstop runs" "$("$P/usr/bin/obstop" --version)" "obstop $VERSION"
"$P/usr/bin/obsq" -d "$T/data/obs.db" summary >"$T/psum.out" 2>&1
check_grep "from the package: obsq reads a store" "$T/psum.out" "^\\(all 2\\) +40 "
check "from the package: man pages compressed" test -s "$P/usr/share/man/man1/obsq.1.gz"
check_eq "from the package: its man page opens" "$(MANWIDTH=80 man -l "$P/usr/share/man/man5/obs-store.5.gz" 2>&1 | head -n 1 | tr -s ' ')" \
    "OBS-STORE(5) File Formats OBS-STORE(5)"
check "from the package: zsh completion where Debian's zsh looks" test -s "$P/usr/share/zsh/vendor-completions/_obsq"
check "from the package: the unit where Debian's systemd looks" test -s "$P/lib/systemd/system/obsagent.service"
check "from the package: programs stripped" sh -c "! file '$P/usr/bin/obsq' 2>/dev/null | grep -q 'not stripped'"
finish
