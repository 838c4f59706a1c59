// The tokenizers compared, each asked for the same thing: the token ids of ordinary text (special
// tokens treated as text), as a fresh array per call. encodeDefault is each package's encode with
// its default options (special-token text is an error), for the row that times servers' usual call.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function optional(name, make) {
  try {
    return make(require(name));
  } catch (error) {
    return { name, missing: `${name} is not installed (${error.code ?? error.message}); run npm install` };
  }
}

// turbotoken on its WebAssembly backend, loaded beside the main import (which keeps the backend
// it chose) through the internal modules that the browser entry uses too.
function turbotokenWasm(encodingName) {
  const { loadWasm } = require('../dist/cjs/wasm.js');
  const { encodingFrom, manifestEncodings, manifestEntry } = require('../dist/cjs/encoding-data.js');
  const data = new URL('../data/', import.meta.url);
  const entry = manifestEntry(manifestEncodings(JSON.parse(readFileSync(new URL('encodings.json', data), 'utf8'))), encodingName);
  const binding = loadWasm();
  const enc = encodingFrom(binding, encodingName, entry, readFileSync(new URL(entry.ranks, data)));
  return { name: 'turbotoken (wasm)', detail: `${binding.backend}-${binding.kernel()}`, encode: (text) => enc.encodeOrdinary(text), encodeDefault: (text) => enc.encode(text) };
}

// Single thread: texts of 1 MiB and more are otherwise split over every core.
const ORDINARY = Object.freeze({ disallowedSpecial: [], threads: 1 });
const DEFAULT = Object.freeze({ threads: 1 });

export function contestants(encodingName) {
  const turbotoken = require('../dist/cjs/index.js');
  const ours = turbotoken.getEncoding(encodingName);
  const main = { name: 'turbotoken', detail: turbotoken.backend, encode: (text) => ours.encode(text, ORDINARY), encodeDefault: (text) => ours.encode(text, DEFAULT) };
  return [
    main,
    // Its own row only when the main import runs natively (TURBOTOKEN_BACKEND=wasm makes them one).
    ...(main.detail.startsWith('wasm') ? [] : [turbotokenWasm(encodingName)]),
    optional('tiktoken', (m) => {
      const enc = m.get_encoding(encodingName);
      return { name: 'tiktoken', detail: 'wasm', encode: (text) => enc.encode_ordinary(text), encodeDefault: (text) => enc.encode(text) };
    }),
    optional('js-tiktoken', (m) => {
      const enc = m.getEncoding(encodingName);
      return { name: 'js-tiktoken', detail: 'js', encode: (text) => enc.encode(text, [], []), encodeDefault: (text) => enc.encode(text) };
    }),
    optional('gpt-tokenizer', () => {
      const enc = require(`gpt-tokenizer/cjs/encoding/${encodingName}`);
      const none = new Set();
      // Its LRU cache of pieces would otherwise carry results from one timed run to the next.
      return { name: 'gpt-tokenizer', detail: 'js', encode: (text) => enc.encode(text, { disallowedSpecial: none }), encodeDefault: (text) => enc.encode(text), reset: () => enc.clearMergeCache() };
    }),
  ];
}
