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

/** Flat [left, right, result, ...] merges (train()'s `merges`) as triples. */
export function asTriples(merges) {
  const out = [];
  for (let k = 0; k < merges.length; k += 3) out.push([merges[k], merges[k + 1], merges[k + 2]]);
  return out;
}

/**
 * Chunk -> count for documents split by a JavaScript RegExp (flags gu) of the pattern: its matches,
 * and the text between them (docs/training.md: as Hugging Face's Split "Isolated" keeps it).
 */
export function countChunks(documents, pattern) {
  const re = new RegExp(pattern, 'gu');
  const counts = new Map();
  const add = (chunk) => counts.set(chunk, (counts.get(chunk) ?? 0) + 1);
  for (const doc of documents) {
    let at = 0;
    for (const m of doc.matchAll(re)) {
      if (m[0] === '') continue;
      if (m.index > at) add(doc.slice(at, m.index));
      add(m[0]);
      at = m.index + m[0].length;
    }
    if (doc.length > at) add(doc.slice(at));
  }
  return counts;
}

/**
 * A recounting trainer's state, in train()'s output ids (bytes 0-255, merged tokens 256+ in the
 * order first made): the words (each chunk's ids and count), every token's bytes, the sort key
 * that breaks ties in order 'bytes' or 'huggingface', and the ids before the first merge.
 */
export function trainerState(chunkCounts, { tieBreak = 'bytes', specials = 0 } = {}) {
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
  const order = (id) => (id >= 256 ? 1e6 + id : tieBreak === 'bytes' ? id : gpt2Char(id));
  return { words, tokens, idOf, order, base: specials + (tieBreak === 'bytes' ? 256 : seen.size), made: 0 };
}

/** Pair "left,right" -> its count over all words. */
export function pairCounts(words) {
  const pairs = new Map();
  for (const w of words) {
    for (let i = 0; i + 1 < w.ids.length; i++) {
      const key = `${w.ids[i]},${w.ids[i + 1]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + w.count);
    }
  }
  return pairs;
}

/** The pair with the highest count, ties to the smallest (left, right) by `order`; undefined if none. */
export function bestPair(pairs, order) {
  let best;
  for (const [key, count] of pairs) {
    const [l, r] = key.split(',').map(Number);
    if (!best || count > best.count || (count === best.count && (order(l) < order(best.l) || (order(l) === order(best.l) && order(r) < order(best.r))))) best = { l, r, count };
  }
  return best;
}

/**
 * Joins the occurrences of (l, r) left to right in every word into the token of their bytes (made
 * if no token has them yet); that token's id.
 */
export function applyMerge(state, l, r) {
  const joined = [...state.tokens[l], ...state.tokens[r]];
  let id = state.idOf.get(joined.join(','));
  if (id === undefined) {
    id = state.tokens.length;
    state.tokens.push(joined);
    state.idOf.set(joined.join(','), id);
    state.made++;
  }
  for (const w of state.words) {
    const out = [];
    for (let i = 0; i < w.ids.length; ) {
      if (i + 1 < w.ids.length && w.ids[i] === l && w.ids[i + 1] === r) {
        out.push(id);
        i += 2;
      } else out.push(w.ids[i++]);
    }
    w.ids = out;
  }
  return id;
}

/** Merges as [left, right, result] in train()'s output ids, with tie-break order 'bytes' or 'huggingface'. */
export function referenceMerges(chunkCounts, { vocabSize, tieBreak = 'bytes', specials = 0, minFrequency = 0 }) {
  const state = trainerState(chunkCounts, { tieBreak, specials });
  const merges = [];
  while (state.base + state.made < vocabSize) {
    const best = bestPair(pairCounts(state.words), state.order);
    if (!best || best.count < 1 || minFrequency > best.count) break;
    merges.push([best.l, best.r, applyMerge(state, best.l, best.r)]);
  }
  return merges;
}
