#!/bin/sh
# make deb-test: install dist/laoxie_VERSION_amd64.deb into a clean Debian 12 chroot
# (debootstrap minbase: no Python, no Qt, no fonts), let apt bring its dependencies,
# and run it there as an ordinary user: self-test, demo, the window (offscreen: it
# signs in, paints once and quits), then remove the package: the user's data stays.
#   sh packaging/linux/deb_test.sh dist/laoxie_VERSION_amd64.deb
# The bare Debian is made once and kept as a tarball in ~/.cache/laoxie-deb
# ($LAOXIE_DEB_CACHE); each run unpacks a fresh copy.  Needs root (chroot, mount).
set -eu
DEB=$(realpath "$1")
CACHE=${LAOXIE_DEB_CACHE:-$HOME/.cache/laoxie-deb}
BASE=$CACHE/bookworm-minbase.tar
MIRROR=${LAOXIE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { echo "deb-test: $*"; }

command -v debootstrap >/dev/null || { echo "deb-test: debootstrap is missing"; exit 1; }
mkdir -p "$CACHE"
if [ ! -f "$BASE" ]; then
    say "making a bare Debian 12 (once; kept in $BASE)"
    rm -rf "$CACHE/rootfs"
    debootstrap --variant=minbase bookworm "$CACHE/rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
    tar -C "$CACHE/rootfs" -cf "$BASE.part" . && mv "$BASE.part" "$BASE"
    rm -rf "$CACHE/rootfs"
fi

CHROOT=$(mktemp -d /tmp/laoxie-deb-test.XXXXXX)
cleanup() {
    for m in dev/pts dev proc; do umount "$CHROOT/$m" 2>/dev/null || true; done
    rm -rf "$CHROOT"
}
trap cleanup EXIT INT TERM
tar -C "$CHROOT" -xf "$BASE"
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
mount -t proc proc "$CHROOT/proc"
mount --bind /dev "$CHROOT/dev"
mount --bind /dev/pts "$CHROOT/dev/pts"
cp "$DEB" "$CHROOT/tmp/laoxie.deb"
in_chroot() { chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
as_clerk() { chroot "$CHROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/home/clerk LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen LAOXIE_PASSWORD=laoxie-demo setpriv --reuid=1000 --regid=1000 --init-groups "$@"; }

say "installing $(basename "$DEB") with its dependencies"
in_chroot sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/laoxie.deb >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }'
in_chroot useradd -m -u 1000 -s /bin/sh clerk
test -x "$CHROOT/opt/laoxie/laoxie" && test -L "$CHROOT/usr/bin/laoxie"
test -f "$CHROOT/usr/share/applications/laoxie.desktop" && test -f "$CHROOT/usr/share/icons/hicolor/256x256/apps/laoxie.png"
say "ok  installed: /opt/laoxie, /usr/bin/laoxie, the desktop entry and the icon"

out=$(as_clerk laoxie --self-test)
echo "$out" | grep -q '自检通过' || { echo "$out"; echo "deb-test: FAILED: self-test"; exit 1; }
say "ok  laoxie --self-test"
out=$(as_clerk laoxie demo --json)
echo "$out" | grep -q '"ok": true' || { echo "$out"; echo "deb-test: FAILED: demo"; exit 1; }
test -f "$CHROOT/home/clerk/.local/share/laoxie/laoxie.sqlite3"
say "ok  laoxie demo: the database is in ~/.local/share/laoxie"
out=$(as_clerk env LAOXIE_USER=clerk LAOXIE_EXIT_AFTER_PAINT=1 laoxie gui)
echo "$out" | grep -q '^first-paint' || { echo "$out"; echo "deb-test: FAILED: the window"; exit 1; }
say "ok  the window signs in and paints ($out s after the process started)"

in_chroot dpkg -r laoxie >/dev/null
test ! -e "$CHROOT/opt/laoxie" && test ! -e "$CHROOT/usr/bin/laoxie"
test -f "$CHROOT/home/clerk/.local/share/laoxie/laoxie.sqlite3"
say "ok  removed: the program is gone, the office data stays"
say "all passed"
