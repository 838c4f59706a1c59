// Two lists of pieces per text, ours and a reference's: how many texts differ, and the first
// difference with the four pieces from where the lists part (shown through `show`).
export function comparePieceLists(texts, ours, theirs, show = (piece) => piece) {
  let mismatches = 0;
  let first;
  for (const text of texts) {
    const a = ours(text);
    const b = theirs(text);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    mismatches++;
    const at = a.findIndex((p, k) => p !== b[k]);
    first ??= { text: text.slice(0, 80), at, ours: a.slice(at, at + 4).map(show), theirs: b.slice(at, at + 4).map(show) };
  }
  return { mismatches, first };
}

/** A PreTokenizerSequence's pieces of `text` (its UTF-8), each as hex. */
export function sequencePieces(sequence, text) {
  const { bytes, ends } = sequence.pieces(Buffer.from(text, 'utf8'));
  const out = [];
  let start = 0;
  for (const end of ends) {
    out.push(Buffer.from(bytes.subarray(start, end)).toString('hex'));
    start = end;
  }
  return out;
}
