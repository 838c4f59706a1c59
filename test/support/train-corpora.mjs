// Seeded small corpora for the trainer's differential tests: documents of a few words each, drawn
// so that pair counts tie often and merged words rarely stand alone.
import { rng } from './random-text.mjs';

/**
 * `docs` documents of 1 to `maxWords` words; word(random, pick) gives each word's text, drawing
 * from `random` (pick(list) takes one item of a list or a string).
 */
export function randomDocuments(seed, docs, maxWords, word) {
  const random = rng(seed);
  const pick = (s) => s[Math.floor(random() * s.length)];
  const out = [];
  for (let d = 0; d < docs; d++) {
    let doc = '';
    const n = 1 + Math.floor(random() * maxWords);
    for (let w = 0; w < n; w++) doc += word(random, pick);
    out.push(doc);
  }
  return out;
}

const STEMS = ['low', 'new', 'wid', 'tall', 'small', 'ab', 'ba', 'é'];
const SUFFIXES = ['est', 'er', '', 'ly', 'est', 'a', 'aa'];

/**
 * Words built from a few stems and suffixes, so that stems are merged into longer words and then
 * rarely stand alone (the scaffold tokens of Scaffold-BPE), plus runs and ties.
 */
export function stemCorpus(seed, docs = 30) {
  return randomDocuments(seed, docs, 14, (random, pick) => {
    const kind = random();
    if (kind < 0.7) return ' ' + pick(STEMS) + pick(SUFFIXES);
    if (kind < 0.85) return ' ' + pick(['a', 'b', 'ab']).repeat(1 + Math.floor(random() * 6));
    return pick([' 12', '!!', '\n', ' lowest', ' newest']);
  });
}
