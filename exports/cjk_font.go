package exports

import _ "embed"

// cjkFont draws the Chinese of the printed code cards: Noto Sans CJK SC
// Regular cut down to GB 2312 (OFL 1.1; exports/fonts/README.md).
//
//go:embed fonts/NotoSansSC-GB2312.otf
var cjkFont []byte
