// Documents of made-up words drawn from a skewed list (seeded): many distinct words, so a trainer's
// counting and merging both have work that grows with the text.
import { rng } from './random-text.mjs';

/**
 * About `bytes` of text as documents of `wordsPerDocument` words, a '.\n' after every
 * `sentenceWords`-th; one list word per `bytesPerWord` bytes, each of 2 to 1 + `maxLetters`
 * letters; a word's chance falls with its place in the list as random() ** `skew`.
 */
export function madeUpCorpus(bytes, seed, { bytesPerWord, maxLetters, wordsPerDocument, sentenceWords, skew }) {
  const random = rng(seed);
  const letters = 'etaoinshrdlucmfwypvbgkqjxz';
  const words = [];
  for (let k = 0; k < bytes / bytesPerWord; k++) {
    let w = '';
    const n = 2 + Math.floor(random() * maxLetters);
    for (let i = 0; i < n; i++) w += letters[Math.floor(letters.length * random() * random())];
    words.push(w);
  }
  const docs = [];
  let size = 0;
  while (size < bytes) {
    let doc = '';
    for (let i = 0; i < wordsPerDocument; i++) doc += (i % sentenceWords === sentenceWords - 1 ? '.\n' : ' ') + words[Math.floor(words.length * random() ** skew)];
    docs.push(doc);
    size += doc.length;
  }
  return docs;
}
