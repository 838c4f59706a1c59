// A small, obviously correct BPE trainer for differential tests of train(): it recounts every
// pair of every word after each merge. The rule is docs/training.md's: the pair with the highest
// count wins, ties going to the smallest (left id, right id) with ids in the chosen order; a merge
// joins the pair's occurrences left to right in every word; a merge whose bytes are already a
// token names that token.
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
export { GPT2_PATTERN };

const printable = (b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
/** GPT-2's byte-to-character code point of byte b. */
export function gpt2Char(b) {
  if (printable(b)) return b;
  let n = 0;
  for (let x = 0; x < b; x++) if (!printable(x)) n++;
  return 256 + n;
}

/** Chunk -> count for documents split by a JavaScript RegExp (flags gu) of the pattern. */
export function countChunks(documents, pattern) {
  const re = new RegExp(pattern, 'gu');
  const counts = new Map();
  for (const doc of documents) for (const m of doc.matchAll(re)) if (m[0] !== '') counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

/**
 * Merges as [left, right, result] in train()'s output ids (bytes 0-255, merged tokens 256+ in the
 * order first made), with tie-break order 'bytes' or 'huggingface'.
 */
export function referenceMerges(chunkCounts, { vocabSize, tieBreak = 'bytes', specials = 0, minFrequency = 0 }) {
  const encoder = new TextEncoder();
  const words = [];
  const seen = new Set();
  for (const [chunk, count] of chunkCounts) {
    const bytes = [...encoder.encode(chunk)];
    bytes.forEach((b) => seen.add(b));
    words.push({ ids: bytes, count });
  }
  const tokens = []; // output id -> byte string (as an array)
  for (let b = 0; b < 256; b++) tokens.push([b]);
  const idOf = new Map(tokens.map((t, id) => [t.join(','), id]));
  // The order that breaks ties: per output id, its sort key.
  const order = (id) => (id >= 256 ? 1e6 + id : tieBreak === 'bytes' ? id : gpt2Char(id));
  const base = specials + (tieBreak === 'bytes' ? 256 : seen.size);
  let made = 0;
  const merges = [];
  while (base + made < vocabSize) {
    const pairs = new Map();
    for (const w of words) {
      for (let i = 0; i + 1 < w.ids.length; i++) {
        const key = `${w.ids[i]},${w.ids[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + w.count);
      }
    }
    let best;
    for (const [key, count] of pairs) {
      const [l, r] = key.split(',').map(Number);
      if (!best || count > best.count || (count === best.count && (order(l) < order(best.l) || (order(l) === order(best.l) && order(r) < order(best.r))))) best = { l, r, count };
    }
    if (!best || best.count < 1 || minFrequency > best.count) break;
    const joined = [...tokens[best.l], ...tokens[best.r]];
    let id = idOf.get(joined.join(','));
    if (id === undefined) {
      id = tokens.length;
      tokens.push(joined);
      idOf.set(joined.join(','), id);
      made++;
    }
    merges.push([best.l, best.r, id]);
    for (const w of words) {
      const out = [];
      for (let i = 0; i < w.ids.length; ) {
        if (i + 1 < w.ids.length && w.ids[i] === best.l && w.ids[i + 1] === best.r) {
          out.push(id);
          i += 2;
        } else out.push(w.ids[i++]);
      }
      w.ids = out;
    }
  }
  return merges;
}
