#!/bin/sh
# Rebuilds exports/fonts/NotoSansSC-GB2312.otf from Debian's fonts-noto-cjk
# (apt-get install fonts-noto-cjk python3-fonttools): Noto Sans CJK SC
# Regular cut down to GB 2312 and ASCII (exports/fonts/charset.txt).
set -eu
cd "$(dirname "$0")/../exports/fonts"
/usr/bin/python3 -m fontTools.subset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
  --font-number=2 --text-file=charset.txt --output-file=NotoSansSC-GB2312.otf \
  --layout-features='' --no-hinting --name-IDs='1,2,3,4,5,6,13,14' \
  --drop-tables+=GSUB,GPOS,VORG,vhea,vmtx
