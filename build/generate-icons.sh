#!/usr/bin/env bash
# Renders every icon from build/icon.svg. Needs Debian's librsvg2-bin (rsvg-convert),
# imagemagick (convert) and icnsutils (png2icns):
#   apt-get install -y librsvg2-bin imagemagick icnsutils
# The outputs are committed; run this again only after changing icon.svg.
#
#   build/icons/NxN.png        Linux icon set (electron-builder takes the directory)
#   build/icon.png             512 px, the fallback electron-builder looks for
#   build/icon.ico             Windows, 16–256 px in one file
#   build/icon.icns            macOS
#   build/runtime-icons/       what the running app loads (copied to resources/icons/):
#     tray-{ok,attention,stopped}.png (+@2x)          Linux/Windows tray, in colour
#     tray-{ok,attention,stopped}Template.png (+@2x)  macOS menu bar template images
#     window.png                                      the window icon (Linux/Windows)
set -euo pipefail
cd "$(dirname "$0")"
CONVERT=/usr/bin/convert
SRC=icon.svg
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir -p icons runtime-icons
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$SRC" -o "icons/${size}x${size}.png"
done
cp icons/512x512.png icon.png
$CONVERT icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png icons/128x128.png icons/256x256.png icon.ico
png2icns icon.icns icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png icons/256x256.png icons/512x512.png >/dev/null
cp icons/256x256.png runtime-icons/window.png

# The glyph alone, black, for macOS template images (the menu bar recolours them).
echo '.tile { display: none; } .glyph { fill: #000000; }' >"$TMP/template.css"

for scale in 1 2; do
  size=$((16 * scale))
  suffix=$([ "$scale" = 2 ] && echo '@2x' || echo '')
  # Colour tray (Linux, Windows): the app icon; a badge for attention; grey and faded when stopped.
  rsvg-convert -w "$size" -h "$size" "$SRC" -o "runtime-icons/tray-ok$suffix.png"
  cp "runtime-icons/tray-ok$suffix.png" "runtime-icons/tray-attention$suffix.png"
  dot=$((size * 3 / 16))
  $CONVERT "runtime-icons/tray-attention$suffix.png" -fill '#f59e0b' -stroke white -strokewidth "$scale" \
    -draw "circle $((size - dot - 1)),$((dot + 1)) $((size - 1)),$((dot + 1))" "runtime-icons/tray-attention$suffix.png"
  $CONVERT "runtime-icons/tray-ok$suffix.png" -modulate 100,0 -channel A -evaluate multiply 0.55 +channel "runtime-icons/tray-stopped$suffix.png"
  # macOS templates: black glyph; attention adds a dot, stopped is faded.
  rsvg-convert -w "$size" -h "$size" --stylesheet "$TMP/template.css" "$SRC" -o "runtime-icons/tray-okTemplate$suffix.png"
  # The dot sits in a transparent ring cut out of the glyph, so it reads as a separate mark.
  $CONVERT "runtime-icons/tray-okTemplate$suffix.png" \
    \( +clone -alpha transparent -fill white -draw "circle $((size - dot - 1)),$((dot + 1)) $((size - 1 + scale)),$((dot + 1))" \) -compose DstOut -composite \
    -compose Over -fill black -draw "circle $((size - dot - 1)),$((dot + 1)) $((size - 1)),$((dot + 1))" "runtime-icons/tray-attentionTemplate$suffix.png"
  $CONVERT "runtime-icons/tray-okTemplate$suffix.png" -channel A -evaluate multiply 0.4 +channel "runtime-icons/tray-stoppedTemplate$suffix.png"
done
echo "icons written under $(pwd)"
