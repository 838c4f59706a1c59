// NFC without normalizing what is NFC already. No code point below U+0300 has a nonzero combining
// class or NFC_Quick_Check No/Maybe (the first Maybe is U+0300), so the position before such a
// character is a normalization boundary: the text between boundaries normalizes on its own. Only
// each run of code points from U+0300 up, with the one character before it (a starter that may
// compose with the run), goes to String.prototype.normalize. V8's normalize walks a whole two-byte
// string (any text with one character above U+00FF) at several times the cost of this scan: 14-30
// ms against 4 for its non-Latin part alone on bench/models-pattern.mjs's 1.67 MB text.
const NOT_BELOW_0300 = /[^\u0000-\u02FF]+/g;

/** A run that NFC changes: text.slice(start, end) normalizes to `normalized`. */
export interface NfcEdit {
  start: number;
  end: number;
  normalized: string;
}

/** The runs of `text` that NFC changes, in order and apart; null when text is NFC already. */
export function nfcEdits(text: string): NfcEdit[] | null {
  NOT_BELOW_0300.lastIndex = 0;
  let m = NOT_BELOW_0300.exec(text);
  if (!m) return null;
  let edits: NfcEdit[] | null = null;
  let previousEnd = 0;
  for (; m; m = NOT_BELOW_0300.exec(text)) {
    const start = m.index > previousEnd ? m.index - 1 : previousEnd;
    const end = m.index + m[0].length;
    const run = text.slice(start, end);
    const normalized = run.normalize('NFC');
    if (normalized !== run) (edits ??= []).push({ start, end, normalized });
    previousEnd = end;
  }
  return edits;
}

/**
 * text.normalize('NFC'), exactly. A run that normalizes to itself (most do) is not copied: when
 * none changes, the text itself comes back. Otherwise the parts are joined once (a flat string):
 * a rope of `+=` slices cost later reads (isWellFormed, measured) a third more.
 */
export function nfc(text: string): string {
  const edits = nfcEdits(text);
  if (!edits) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const e of edits) {
    parts.push(text.slice(copied, e.start), e.normalized);
    copied = e.end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * text.normalize('NFC') as the text itself when that is NFC already, else as its UTF-8 bytes. A
 * caller that hands text to the core as UTF-8 anyway skips the normalized string: on a 1.7 MB
 * two-byte text with a few decomposed letters, building it (a fresh 3.4 MB flat string) cost more
 * CPU than the split of the whole text.
 */
export function nfcUtf8(text: string): string | Uint8Array {
  const edits = nfcEdits(text);
  if (!edits) return text;
  // Sized by the text's UTF-8 plus three bytes per UTF-16 unit of the normalized runs (their most).
  let size = Buffer.byteLength(text);
  for (const e of edits) size += 3 * e.normalized.length;
  const out = new Uint8Array(size);
  let at = 0;
  let copied = 0;
  const put = (part: string) => {
    at += utf8.encodeInto(part, out.subarray(at)).written;
  };
  for (const e of edits) {
    put(text.slice(copied, e.start));
    put(e.normalized);
    copied = e.end;
  }
  put(text.slice(copied));
  return out.subarray(0, at);
}

const utf8 = new TextEncoder();
