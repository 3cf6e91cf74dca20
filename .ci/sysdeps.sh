#!/bin/sh
# System packages Qt (PySide6 wheels) needs on Debian/Ubuntu, plus a CJK
# TrueType font for the window and the letters.  Installs them when run as
# root; otherwise prints the exact apt-get line and stops.
set -eu
PACKAGES="libgl1 libegl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6 \
fonts-wqy-zenhei ${LAOXIE_EXTRA_PACKAGES:-}"

command -v dpkg-query >/dev/null 2>&1 || { echo "sysdeps: not a Debian/Ubuntu system; install Qt's libraries and a CJK font yourself"; exit 0; }

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ]; then
    echo "sysdeps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "sysdeps: these system packages are missing. Run:"
    echo "    sudo apt-get install -y$missing"
    exit 1
fi
