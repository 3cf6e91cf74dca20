#!/bin/sh
# make deb: the one-folder PyInstaller bundle (dist/laoxie/, `make bundle`) as a .deb
# for Debian-based office desktops (统信UOS, 麒麟, Debian, Ubuntu; x86-64):
#   /opt/laoxie/                 the bundle (Python, Qt and the data folders inside)
#   /usr/bin/laoxie              -> /opt/laoxie/laoxie
#   /usr/share/applications/laoxie.desktop, the icon in hicolor (SVG and 256 px PNG)
# gzip, not xz: older dpkg on UOS/Kylin reads it, and it packs 4x faster.
# Depends: the system libraries Qt's xcb platform loads (the bundle carries Qt
# itself) and a Chinese TrueType font; apt installs them with the package.
#   sh packaging/linux/build_deb.sh VERSION   ->  dist/laoxie_VERSION_amd64.deb
set -eu
VERSION=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUNDLE=$ROOT/dist/laoxie
[ -x "$BUNDLE/laoxie" ] || { echo "build_deb: $BUNDLE/laoxie is missing: make bundle first"; exit 1; }
STAGE=$ROOT/build/deb/laoxie_${VERSION}_amd64
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/icons/hicolor/256x256/apps" \
         "$STAGE/usr/share/doc/laoxie"
cp -a "$BUNDLE" "$STAGE/opt/laoxie"
ln -s /opt/laoxie/laoxie "$STAGE/usr/bin/laoxie"
install -m 644 "$ROOT/packaging/linux/laoxie.desktop" "$STAGE/usr/share/applications/laoxie.desktop"
install -m 644 "$ROOT/resources/icons/laoxie.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/laoxie.svg"
# The 256 px PNG is the .ico's largest image (resources/icons/laoxie.ico, made by make_icon.py).
python3 - "$ROOT/resources/icons/laoxie.ico" "$STAGE/usr/share/icons/hicolor/256x256/apps/laoxie.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
count = struct.unpack_from("<HHH", data)[2]
entries = [struct.unpack_from("<BBBBHHII", data, 6 + 16 * i) for i in range(count)]
size, offset = next((e[6], e[7]) for e in entries if e[0] == 0)  # width 0 means 256
open(sys.argv[2], "wb").write(data[offset:offset + size])
PY
cat > "$STAGE/usr/share/doc/laoxie/copyright" <<TXT
劳协 laoxie $VERSION. The bundle carries CPython (PSF licence), Qt and PySide6 (LGPLv3)
and the Python packages listed in /opt/laoxie/_internal/*.dist-info, each under its licence.
TXT
SIZE=$(du -sk "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CTL
Package: laoxie
Version: $VERSION
Architecture: amd64
Maintainer: laoxie <laoxie@localhost>
Installed-Size: $SIZE
Section: misc
Priority: optional
Depends: libc6 (>= 2.31), libgl1, libegl1, libopengl0, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1,
 libfreetype6, libdbus-1-3, libglib2.0-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libxrender1, libxi6,
 libx11-xcb1, fonts-wqy-zenhei | fonts-arphic-uming | fonts-wqy-microhei
Description: 劳协 — labor-cooperation loan reviews for county HR offices
 An offline desktop tool for the county human-resources offices of Jilin
 province that review enterprises under the labor-cooperation loan policy
 (吉人社联〔2022〕19号). The database stays in ~/.local/share/laoxie.
CTL
cat > "$STAGE/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
exit 0
SH
chmod 755 "$STAGE/DEBIAN/postinst"
cp "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
mkdir -p "$ROOT/dist"
dpkg-deb --root-owner-group -Zgzip --build "$STAGE" "$ROOT/dist/laoxie_${VERSION}_amd64.deb"
ls -l "$ROOT/dist/laoxie_${VERSION}_amd64.deb"
