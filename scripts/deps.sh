#!/bin/sh
# scripts/deps.sh — check for, and install, the Debian packages obs needs.
#   scripts/deps.sh --check    exit 0 when everything is present, 1 otherwise
#   scripts/deps.sh            install what is missing (apt-get, as root), or
#                              print the exact command to run when not root
# Build: cJSON, SQLite 3 (FTS5), ncursesw, PCRE2, pkg-config, a C compiler.
# Tests: sqlite3 (the CLI, to read the store back in end-to-end tests), tmux.
set -eu

PKG_MODULES="sqlite3 libcjson libpcre2-8 ncursesw"
DEB_PACKAGES="build-essential pkg-config libsqlite3-dev libcjson-dev libpcre2-dev libncurses-dev sqlite3 tmux"
TOOLS="cc make pkg-config sqlite3 tmux"

missing_packages() {
    for p in $DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
    done
}

all_present() {
    for t in $TOOLS; do command -v "$t" >/dev/null 2>&1 || return 1; done
    pkg-config --exists $PKG_MODULES 2>/dev/null || return 1
}

if [ "${1:-}" = "--check" ]; then
    all_present
    exit $?
fi

if all_present; then
    echo "deps: all build and test dependencies are installed"
    exit 0
fi

missing=$(missing_packages)
[ -n "$missing" ] || missing="$DEB_PACKAGES"
cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
    all_present || { echo "deps: still missing after install; check the output above" >&2; exit 1; }
else
    echo "deps: missing packages: $missing" >&2
    echo "deps: run as root:  $cmd" >&2
    exit 1
fi
