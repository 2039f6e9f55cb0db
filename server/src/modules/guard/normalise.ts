import * as OpenCC from 'opencc-js';

// The text normaliser shared by banned words, keyword replies and the
// benchmark's reference. One fold table over UTF-16 code units, built once:
//  - full-width ASCII (Ａ-Ｚ, ０-９, ！…) → half width, upper case → lower case;
//  - Traditional → Simplified, character by character, from opencc-js's
//    Hong Kong/Taiwan → mainland dictionaries (phrase-level conversions such as
//    軟體 → 软件 are out of scope: a banned word is matched by its characters);
//  - spaces, punctuation, symbols and zero-width characters fold to SKIP, so
//    "微 信", "微-信" and "微\u200b信" read as "微信".
// Letters, digits and CJK characters are kept; everything else is skipped.
// Multi-character variants (V信 → 微信) are data (variants.ts), expanded into
// the pattern set at build time so the scan never rewrites text.

export const SKIP = 0;

let table: Uint16Array | null = null;

function isKept(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x61 && code <= 0x7a) || // a-z (upper case folds here first)
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) || // Latin letters with accents
    (code >= 0x370 && code <= 0x52f) || // Greek, Cyrillic
    (code >= 0x3040 && code <= 0x30ff) || // kana
    (code >= 0x3400 && code <= 0x4dbf) || // CJK extension A
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul
    (code >= 0xd800 && code <= 0xdfff) || // surrogates: kept as they are (emoji and rare CJK pass through unchanged)
    (code >= 0xf900 && code <= 0xfaff) // CJK compatibility ideographs
  );
}

function buildTable(): Uint16Array {
  const fold = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    let c = code;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0; // full width → ASCII
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    else if (c >= 0xc0 && c <= 0x24f) {
      const lower = String.fromCharCode(c).toLowerCase();
      if (lower.length === 1) c = lower.charCodeAt(0);
    }
    fold[code] = isKept(c) ? c : SKIP;
  }
  const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });
  const toSimplifiedTw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  for (const [from, to] of [[0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff]] as const) {
    for (let code = from; code <= to; code++) {
      const ch = String.fromCharCode(code);
      let simplified = toSimplified(ch);
      if (simplified === ch) simplified = toSimplifiedTw(ch);
      if (simplified.length === 1 && simplified !== ch) fold[code] = simplified.charCodeAt(0);
    }
  }
  return fold;
}

/** The fold table (built on first use, ~150 ms): code unit → folded code unit, or SKIP. */
export function foldTable(): Uint16Array {
  table ??= buildTable();
  return table;
}

/** The normalised form of a text: folded, with skipped characters removed. */
export function normalise(text: string): string {
  const fold = foldTable();
  let out = '';
  let chunk: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = fold[text.charCodeAt(i)]!;
    if (c === SKIP) continue;
    chunk.push(c);
    if (chunk.length === 4096) {
      out += String.fromCharCode(...chunk);
      chunk = [];
    }
  }
  return out + String.fromCharCode(...chunk);
}
