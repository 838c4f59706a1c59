// NFC without normalizing what is NFC already. No code point below U+0300 has a nonzero combining
// class or NFC_Quick_Check No/Maybe (the first Maybe is U+0300), so the position before such a
// character is a normalization boundary: the text between boundaries normalizes on its own. Only
// each run of code points from U+0300 up, with the one character before it (a starter that may
// compose with the run), goes to String.prototype.normalize. V8's normalize walks a whole two-byte
// string (any text with one character above U+00FF) at several times the cost of this scan: 14-30
// ms against 4 for its non-Latin part alone on bench/models-pattern.mjs's 1.67 MB text.
const NOT_BELOW_0300 = /[^\u0000-\u02FF]+/g;

/**
 * text.normalize('NFC'), exactly. A run that normalizes to itself (most do) is not copied: when
 * none changes, the text itself comes back. Otherwise the parts are joined once (a flat string):
 * a rope of `+=` slices cost later reads (isWellFormed, measured) a third more.
 */
export function nfc(text: string): string {
  NOT_BELOW_0300.lastIndex = 0;
  let m = NOT_BELOW_0300.exec(text);
  if (!m) return text;
  const parts: string[] = [];
  let copied = 0; // text before this is in `parts`
  let previousEnd = 0;
  for (; m; m = NOT_BELOW_0300.exec(text)) {
    const start = m.index > previousEnd ? m.index - 1 : previousEnd;
    const end = m.index + m[0].length;
    const run = text.slice(start, end);
    const normalized = run.normalize('NFC');
    if (normalized !== run) {
      parts.push(text.slice(copied, start), normalized);
      copied = end;
    }
    previousEnd = end;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
