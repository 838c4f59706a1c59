// Hugging Face `tokenizers`' own pre-tokenizer for a tokenizer.json `pre_tokenizer` object (a
// placeholder model around it), and every scalar value as text, for the differential tests of
// pre-tokenizer steps and Split patterns.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

export function hfPreTokenizer(pre) {
  const json = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: pre,
    model: { type: 'BPE', vocab: { a: 0 }, merges: [] },
  };
  return Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
}

/** Every scalar value in [from, to) once, as one text. */
export function everyCodePoint(from, to) {
  let s = '';
  for (let cp = from; cp < to; cp++) if (cp < 0xd800 || cp > 0xdfff) s += String.fromCodePoint(cp);
  return s;
}

/** Every scalar value once, one text per plane: a one-character step cuts at each character it picks. */
export function everyCodePointByPlane() {
  const chunks = [];
  for (let cp = 0; cp < 0x110000; cp += 0x10000) chunks.push(everyCodePoint(cp, cp + 0x10000));
  return chunks;
}
