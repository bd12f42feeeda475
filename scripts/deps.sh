#!/bin/sh
# scripts/deps.sh — check for, and install, the Debian packages obs needs.
#   scripts/deps.sh --check    exit 0 when everything is present, 1 otherwise
#   scripts/deps.sh            install what is missing (apt-get, as root), or
#                              print the exact command to run when not root
# Each need is checked by what the build uses (a pkg-config module or a
# command), so a tool installed some other way (e.g. a newer Node.js) counts.
#   build:  cJSON, SQLite 3 (FTS5), PCRE2, ncursesw, libuv, libmicrohttpd, libcurl, zlib,
#           pkg-config, cc, make
#   tests:  sqlite3 CLI (reads the store back), tmux (terminal tests),
#           node + npm (real EMF client libraries from the npm registry),
#           prometheus + promtool (scrape and parse /metrics)
#   bench:  ripgrep (the text-search baseline of bench/bench_query.sh)
#   fuzz:   clang and its libFuzzer runtime (make fuzz; libclang-rt-dev is
#           only recommended by clang, and we install without recommends)
set -eu

# need = "kind:name:debian-package"
NEEDS="
cmd:cc:build-essential
cmd:make:build-essential
cmd:pkg-config:pkg-config
pc:sqlite3:libsqlite3-dev
pc:libcjson:libcjson-dev
pc:libpcre2-8:libpcre2-dev
pc:ncursesw:libncurses-dev
pc:libuv:libuv1-dev
pc:libmicrohttpd:libmicrohttpd-dev
pc:libcurl:libcurl4-openssl-dev
pc:zlib:zlib1g-dev
cmd:sqlite3:sqlite3
cmd:tmux:tmux
cmd:node:nodejs
cmd:npm:npm
cmd:prometheus:prometheus
cmd:promtool:prometheus
cmd:rg:ripgrep
cmd:clang:clang
rt:fuzzer:libclang-rt-dev
"

missing_packages() {
    for need in $NEEDS; do
        kind=${need%%:*}
        rest=${need#*:}
        name=${rest%%:*}
        pkg=${rest#*:}
        case $kind in
        cmd) command -v "$name" >/dev/null 2>&1 && continue ;;
        pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$name" 2>/dev/null && continue ;;
        rt) command -v clang >/dev/null 2>&1 &&
            [ -f "$(clang -print-runtime-dir)/libclang_rt.$name-$(uname -m).a" ] && continue ;;
        esac
        echo "$pkg"
    done | sort -u | tr '\n' ' '
}

missing=$(missing_packages)
if [ "${1:-}" = "--check" ]; then
    [ -z "$missing" ]
    exit $?
fi
if [ -z "$missing" ]; then
    echo "deps: all build and test dependencies are installed"
    exit 0
fi

cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
    left=$(missing_packages)
    [ -z "$left" ] || { echo "deps: still missing after install: $left" >&2; exit 1; }
else
    echo "deps: missing packages: $missing" >&2
    echo "deps: run as root:  $cmd" >&2
    exit 1
fi
