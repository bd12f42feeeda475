#!/bin/sh
# scripts/deps.sh — check for, and install, the Debian packages obs needs,
# by what they are needed for:
#   scripts/deps.sh [--check] GROUP...    GROUP: build, test, bench, fuzz, deb, all
#     --check   exit 0 when everything is present, 1 otherwise; print nothing
#     else      install what is missing (apt-get, as root), or, when not root,
#               print the exact command to run and exit 1
# Each need is checked by what uses it (a pkg-config module or a command),
# so a tool installed some other way (e.g. a newer Node.js) counts.
#   build:  a C compiler, make, pkg-config; cJSON, SQLite 3 (FTS5), PCRE2,
#           ncursesw, libuv, libmicrohttpd, libcurl, zlib. `make` and
#           `make demo` need nothing else.
#   test:   what `make test` runs beside the programs: the sqlite3 CLI (reads
#           the store back), tmux (terminal tests), node + npm (the real EMF
#           client libraries from the npm registry), prometheus + promtool
#           (scrape and parse /metrics), bc and GNU time (/usr/bin/time -v),
#           man (man pages render without warnings), zsh (its completion
#           script loads), systemd-analyze (the unit file), git (the clean
#           copy of the tree), dpkg-shlibdeps (the package's dependencies),
#           chromium (obsq report's HTML opened headless), clickhouse-server
#           and curl (the forwarder and obsq --engine against a real
#           ClickHouse, tests/e2e/test_clickhouse.sh)
#   deb:    dpkg-shlibdeps (make deb: Depends from the shared libraries)
#   bench:  ripgrep (the text-search baseline of bench/bench_query.sh),
#           libzstd (bench/bench_compress.c, BENCH_COMPRESS=1; the only
#           program linked with it, built by make bench alone);
#           make bench also installs the test group: bench_clickhouse.sh
#           starts clickhouse-server and uses curl and node as the tests do
#   fuzz:   clang and its libFuzzer runtime (make fuzz; libclang-rt-dev is
#           only recommended by clang, and we install without recommends)
set -eu

# need = "group:kind:name:debian-package"
NEEDS="
build:cmd:cc:gcc
build:cmd:make:make
build:cmd:pkg-config:pkg-config
build:hdr:stdio.h:libc6-dev
build:pc:sqlite3:libsqlite3-dev
build:pc:libcjson:libcjson-dev
build:pc:libpcre2-8:libpcre2-dev
build:pc:ncursesw:libncurses-dev
build:pc:libuv:libuv1-dev
build:pc:libmicrohttpd:libmicrohttpd-dev
build:pc:libcurl:libcurl4-openssl-dev
build:pc:zlib:zlib1g-dev
test:cmd:sqlite3:sqlite3
test:cmd:tmux:tmux
test:cmd:node:nodejs
test:cmd:npm:npm
test:cmd:prometheus:prometheus
test:cmd:promtool:prometheus
test:cmd:bc:bc
test:file:/usr/bin/time:time
test:cmd:man:man-db
test:cmd:zsh:zsh
test:cmd:systemd-analyze:systemd
test:cmd:git:git
test:cmd:dpkg-shlibdeps:dpkg-dev
test:cmd:chromium:chromium
test:file:/usr/sbin/clickhouse-server:clickhouse-server
test:cmd:curl:curl
deb:cmd:dpkg-shlibdeps:dpkg-dev
bench:cmd:rg:ripgrep
bench:pc:libzstd:libzstd-dev
fuzz:cmd:clang:clang
fuzz:rt:fuzzer:libclang-rt-dev
"

check=0
groups=
for a in "$@"; do
    case $a in
    --check) check=1 ;;
    build | test | bench | fuzz | deb) groups="$groups $a" ;;
    all) groups="$groups build test bench fuzz deb" ;;
    *) echo "usage: scripts/deps.sh [--check] build|test|bench|fuzz|deb|all..." >&2; exit 2 ;;
    esac
done
[ -n "$groups" ] || groups="build test bench fuzz deb"

wanted() {
    for g in $groups; do [ "$g" = "$1" ] && return 0; done
    return 1
}

missing_packages() {
    for need in $NEEDS; do
        group=${need%%:*}
        rest=${need#*:}
        kind=${rest%%:*}
        rest=${rest#*:}
        name=${rest%%:*}
        pkg=${rest#*:}
        wanted "$group" || continue
        case $kind in
        cmd) command -v "$name" >/dev/null 2>&1 && continue ;;
        file) [ -x "$name" ] && continue ;;
        hdr) [ -f "/usr/include/$name" ] && continue ;;
        pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$name" 2>/dev/null && continue ;;
        rt) command -v clang >/dev/null 2>&1 &&
            [ -f "$(clang -print-runtime-dir)/libclang_rt.$name-$(uname -m).a" ] && continue ;;
        esac
        echo "$pkg"
    done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

missing=$(missing_packages)
if [ "$check" = 1 ]; then
    [ -z "$missing" ]
    exit $?
fi
[ -z "$missing" ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" = 0 ]; then
    echo "deps:$groups: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    left=$(missing_packages)
    [ -z "$left" ] || { echo "deps: still missing after install: $left" >&2; exit 1; }
else
    echo "obs needs these Debian packages ($(echo $groups | tr ' ' ',')); as root, run:" >&2
    echo "  $cmd" >&2
    exit 1
fi
