// The compat layers' shared suites (test/support/compat-*.mjs) run against the packages they copy:
// tiktoken, js-tiktoken and gpt-tokenizer. This checks the suites' expectations, not turbotoken,
// so it runs once, in the native project (vitest.config.mjs); compat-tiktoken, compat-js-tiktoken
// and compat-gpt-tokenizer run the same suites against turbotoken on both backends.
import { createRequire } from 'node:module';
import * as jsTiktoken from 'js-tiktoken';
import * as tiktoken from 'tiktoken';
import { gptTokenizerSuite } from '../support/compat-gpt-tokenizer.mjs';
import { jsTiktokenSuite } from '../support/compat-js-tiktoken.mjs';
import { tiktokenSuite } from '../support/compat-tiktoken.mjs';

const require = createRequire(import.meta.url);

tiktokenSuite('tiktoken', tiktoken);
jsTiktokenSuite('js-tiktoken', jsTiktoken);
gptTokenizerSuite('gpt-tokenizer', (model) => {
  const m = require(`gpt-tokenizer/cjs/model/${model}`);
  return { ...m, encodeChat: (chat, options) => m.encodeChat(chat, undefined, options) };
});
