#!/bin/sh
# scripts/check_fresh.sh — `make check-fresh`: does the project install what
# it needs? Bootstraps a minimal Debian 12 with nothing but git, make, gcc
# and libc6-dev (debootstrap, into $FRESH_DIR/root), clones this repository's
# HEAD into it, and there, chrooted:
#   1. as a user without root, `make` stops at once with the apt-get line
#      of the missing build packages and nothing else;
#   2. as root, `make demo` (installing the build packages) ends with the
#      result, and from a second clean clone, with those packages present,
#      takes under a minute;
#   3. `make test` (installing the tests' tools) passes;
#   4. `make deb` builds the package and apt-get installs it with its
#      dependencies; the installed programs run and their man pages open.
# Needs root and the Debian mirror ($DEBIAN_MIRROR); installs debootstrap. Not part
# of make test: it takes about 15 minutes. The log is $FRESH_DIR/check.log;
# the root is left in place for a look ($FRESH_KEEP=0 removes it).
set -u
FRESH_DIR=${FRESH_DIR:-/var/tmp/obs-fresh}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DEBIAN_SUITE:-bookworm}
src=$(cd "$(dirname "$0")/.." && pwd)
root=$FRESH_DIR/root
log=$FRESH_DIR/check.log
passed=0
failed=0

[ "$(id -u)" = 0 ] || { echo "check-fresh: needs root (debootstrap, chroot)" >&2; exit 2; }
if ! command -v debootstrap >/dev/null; then
    echo "check-fresh: installing debootstrap"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap; } \
        >/dev/null || { echo "check-fresh: needs debootstrap: apt-get install -y debootstrap" >&2; exit 2; }
fi

umount_all() {
    for m in dev/pts dev proc sys; do
        mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
    done
}
trap umount_all EXIT
trap 'exit 130' INT TERM

step() {   # step NAME: the outcome of the command just run ($?)
    if [ "$1" = 0 ]; then
        passed=$((passed + 1))
        echo "ok   $2"
    else
        failed=$((failed + 1))
        echo "FAIL $2 (see $log)"
    fi
}

extra_ca=
in_root() {   # in_root COMMAND: run a shell command chrooted, as root
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb \
        ${extra_ca:+NODE_EXTRA_CA_CERTS=$extra_ca} /bin/sh -c "$1"
}

mkdir -p "$FRESH_DIR"
umount_all
rm -rf "$root"
: >"$log"
echo "check-fresh: debootstrap $SUITE into $root ($MIRROR)"
t0=$(date +%s)
debootstrap --variant=minbase --include=git,make,gcc,libc6-dev "$SUITE" "$root" "$MIRROR" >>"$log" 2>&1
step $? "debootstrap a minimal Debian ($SUITE) with git, make, gcc, libc6-dev ($(($(date +%s) - t0)) s)" ||
    exit 1
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's own trust goes along (a proxy's certificate authority, where the
# network has one): the local CAs, which update-ca-certificates adds when
# ca-certificates is installed, and Node's extra CA file. Nothing of the
# project is copied in this way.
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
    cp "$NODE_EXTRA_CA_CERTS" "$root/etc/host-extra-ca.pem"
    extra_ca=/etc/host-extra-ca.pem
fi
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

head=$(git -C "$src" rev-parse --short HEAD)
git clone -q "$src" "$root/root/obs" >>"$log" 2>&1
git clone -q "$src" "$root/root/obs2" >>"$log" 2>&1
echo "check-fresh: a clean clone of $head (committed work only)"

# 1. without root: the apt-get line, nothing else
in_root 'useradd -m builder && git clone -q /root/obs /home/builder/obs && chown -R builder /home/builder/obs' >>"$log" 2>&1
in_root 'su builder -c "cd ~/obs && make"' >"$FRESH_DIR/nonroot.out" 2>&1
rc=$?
cat "$FRESH_DIR/nonroot.out" >>"$log"
[ "$rc" -ne 0 ] && grep -q '^  apt-get update && apt-get install -y --no-install-recommends ' "$FRESH_DIR/nonroot.out" &&
    [ "$(wc -l <"$FRESH_DIR/nonroot.out")" -le 3 ] && ! grep -q 'error:' "$FRESH_DIR/nonroot.out"
step $? "1. make without root stops with the apt-get line and nothing else ($(wc -l <"$FRESH_DIR/nonroot.out") lines)"

# 2. make demo as root: installs the build's packages, ends with the result
t0=$(date +%s)
in_root 'cd /root/obs && make demo' >"$FRESH_DIR/demo.out" 2>&1
rc=$?
cat "$FRESH_DIR/demo.out" >>"$log"
[ "$rc" = 0 ] && tail -n 24 "$FRESH_DIR/demo.out" | grep -q '^ obstop '
step $? "2. make demo (installing the build packages) ends with the result ($(($(date +%s) - t0)) s)"
t0=$(date +%s)
in_root 'cd /root/obs2 && make demo' >"$FRESH_DIR/demo2.out" 2>&1
rc=$?
demo_s=$(($(date +%s) - t0))
[ "$rc" = 0 ] && [ "$demo_s" -lt 60 ]
step $? "2. make demo from a clean clone with the build packages present: $demo_s s (under 60)"

# 3. make test: installs the tests' tools, passes
t0=$(date +%s)
in_root 'cd /root/obs && make test' >"$FRESH_DIR/test.out" 2>&1
rc=$?
cat "$FRESH_DIR/test.out" >>"$log"
grep -E '^(FAIL|ok  ) ' "$FRESH_DIR/test.out" | grep '^FAIL' | sed 's/^/    /'
step "$rc" "3. make test: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$FRESH_DIR/test.out" | tail -n 1) ($(($(date +%s) - t0)) s)"

# 4. the package: built, installed by apt with its dependencies, run
in_root 'cd /root/obs && make deb && apt-get install -y ./build/obs_*.deb &&
         obsagent --version && obsq --version && obstop --version && man -w obsq obs-store &&
         cd /tmp && obsagent --once -q -d /root/p.db /root/obs/tests/realworld/logs >/dev/null;
         obsq -d /root/p.db summary' >"$FRESH_DIR/deb.out" 2>&1
rc=$?
cat "$FRESH_DIR/deb.out" >>"$log"
step "$rc" "4. make deb; apt-get install ./build/obs_*.deb; the installed programs run"

umount_all
[ "${FRESH_KEEP:-1}" = 0 ] && rm -rf "$root"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
