// The tokenizers compared, each asked for the same thing: the token ids of ordinary text (special
// tokens treated as text), as a fresh array per call.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function optional(name, make) {
  try {
    return make(require(name));
  } catch (error) {
    return { name, missing: `${name} is not installed (${error.code ?? error.message}); run npm install` };
  }
}

export function contestants(encodingName) {
  const turbotoken = require('../dist/cjs/index.js');
  const ours = turbotoken.getEncoding(encodingName);
  return [
    { name: 'turbotoken', detail: turbotoken.backend, encode: (text) => ours.encodeOrdinary(text) },
    optional('tiktoken', (m) => {
      const enc = m.get_encoding(encodingName);
      return { name: 'tiktoken', detail: 'wasm', encode: (text) => enc.encode_ordinary(text) };
    }),
    optional('js-tiktoken', (m) => {
      const enc = m.getEncoding(encodingName);
      return { name: 'js-tiktoken', detail: 'js', encode: (text) => enc.encode(text, [], []) };
    }),
    optional('gpt-tokenizer', () => {
      const enc = require(`gpt-tokenizer/cjs/encoding/${encodingName}`);
      const none = new Set();
      // Its LRU cache of pieces would otherwise carry results from one timed run to the next.
      return { name: 'gpt-tokenizer', detail: 'js', encode: (text) => enc.encode(text, { disallowedSpecial: none }), reset: () => enc.clearMergeCache() };
    }),
  ];
}
