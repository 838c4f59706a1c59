// The compat layers' shared suites (test/support/compat-*.mjs) run against the packages they copy:
// tiktoken, js-tiktoken and gpt-tokenizer. This checks the suites' expectations, not turbotoken,
// so it runs in scripts/check-compat-originals.mjs (CI), which records the files and versions it
// passed on for npm test to check (test/package/compat-originals-stamp); compat-tiktoken,
// compat-js-tiktoken and compat-gpt-tokenizer run the same suites against turbotoken on both backends.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as jsTiktoken from 'js-tiktoken';
import * as tiktoken from 'tiktoken';
import { gptTokenizerSuite } from '../support/compat-gpt-tokenizer.mjs';
import { jsTiktokenSuite } from '../support/compat-js-tiktoken.mjs';
import { tiktokenSuite } from '../support/compat-tiktoken.mjs';
import { jsTiktokenEntriesSuite, tiktokenEntriesSuite } from '../support/compat-entry-points.mjs';
import { gptTokenizerModuleSuite } from '../support/compat-gpt-tokenizer-module.mjs';

const require = createRequire(import.meta.url);

tiktokenSuite('tiktoken', tiktoken);
jsTiktokenSuite('js-tiktoken', jsTiktoken);
gptTokenizerSuite('gpt-tokenizer', (model) => {
  const m = require(`gpt-tokenizer/cjs/model/${model}`);
  return { ...m, encodeChat: (chat, options) => m.encodeChat(chat, undefined, options) };
});

// tiktoken's init and lite/init instantiate WebAssembly into the glue module that tiktoken and
// tiktoken/lite already use, which would strand their encoders: they get glue of their own here.
const wasmOf = (path) => (imports) => WebAssembly.instantiate(readFileSync(require.resolve(path)), imports);
const tiktokenDir = dirname(require.resolve('tiktoken'));
function withOwnGlue(id, glue) {
  const key = join(tiktokenDir, glue);
  const shared = require.cache[key];
  delete require.cache[key];
  try {
    return require(id);
  } finally {
    require.cache[key] = shared;
  }
}
tiktokenEntriesSuite('tiktoken', {
  main: tiktoken,
  lite: require('tiktoken/lite'),
  init: withOwnGlue('tiktoken/init', 'tiktoken_bg.cjs'),
  load: require('tiktoken/load'),
  liteInit: withOwnGlue('tiktoken/lite/init', 'lite/tiktoken_bg.cjs'),
  liteLoad: require('tiktoken/lite/load'),
}, wasmOf('tiktoken/tiktoken_bg.wasm'), wasmOf('tiktoken/lite/tiktoken_bg.wasm'));
jsTiktokenEntriesSuite('js-tiktoken', {
  main: jsTiktoken,
  lite: require('js-tiktoken/lite'),
  ranks: (name) => require(`js-tiktoken/ranks/${name}`),
}, ['gpt2', 'cl100k_base']);
gptTokenizerModuleSuite('gpt-tokenizer', (subpath) => require(subpath ? `gpt-tokenizer/${subpath}` : 'gpt-tokenizer'));
