// turbotoken/gpt-tokenizer (the package root, model/<name>, encoding/<name>) against gpt-tokenizer
// 4.0.0: the shared module suite (which test/compat/compat-originals runs against gpt-tokenizer),
// the shared conveniences suite on the model modules, every model module against gpt-tokenizer's
// module for the same encoding, and the documented deviations, where turbotoken follows tiktoken.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tiktoken from 'tiktoken';
import { gptTokenizerSuite } from '../support/compat-gpt-tokenizer.mjs';
import { gptTokenizerModuleSuite } from '../support/compat-gpt-tokenizer-module.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';

const require = createRequire(import.meta.url);
const ours = (subpath) => require(subpath ? `turbotoken/gpt-tokenizer/${subpath}` : 'turbotoken/gpt-tokenizer');
const theirs = (subpath) => require(subpath ? `gpt-tokenizer/${subpath}` : 'gpt-tokenizer');
const { modelToEncodingMap } = require('gpt-tokenizer/cjs/mapping');

gptTokenizerModuleSuite('turbotoken/gpt-tokenizer', ours);
gptTokenizerSuite('turbotoken/gpt-tokenizer/model', (model) => {
  const m = ours(`model/${model}`);
  return { ...m, encodeChat: (chat, options) => m.encodeChat(chat, undefined, options) };
});

describe('every model and encoding module of gpt-tokenizer, on the same encoding', () => {
  const gptDir = dirname(require.resolve('gpt-tokenizer/cjs/main'));
  const names = (dir) => readdirSync(join(gptDir, dir)).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
  const probe = PARAGRAPHS[1];
  const expected = new Map();
  const idsOf = (encoding) => {
    if (!expected.has(encoding)) expected.set(encoding, theirs(`encoding/${encoding}`).encode(probe));
    return expected.get(encoding);
  };
  it.each(names('encoding'))('encoding/%s', (encoding) => {
    expect(ours(`encoding/${encoding}`).encode(probe)).toEqual(idsOf(encoding));
  });
  it('model/<name> for all of them', () => {
    const models = names('model');
    expect(models.length).toBeGreaterThan(200);
    for (const model of models) {
      const api = ours(`model/${model}`);
      expect(api.encode(probe), model).toEqual(idsOf(modelToEncodingMap[model] ?? 'o200k_base'));
    }
  });
});

describe('where gpt-tokenizer deviates from tiktoken, turbotoken follows tiktoken', () => {
  const o200k = tiktoken.get_encoding('o200k_base');
  it('an allowed special token in mid-string is its id', () => {
    for (const text of ['a<|endoftext|>b', 'hello <|endoftext|> world']) {
      const options = { allowedSpecial: new Set(['<|endoftext|>']) };
      expect(ours('').encode(text, options)).toEqual([...o200k.encode(text, ['<|endoftext|>'])]);
      expect(ours('').encode(text, options)).toContain(199999);
      expect(theirs('').encode(text, options)).not.toContain(199999);
    }
  });
  it("ChatML's tokens are not special tokens of cl100k_base and o200k_base", () => {
    const text = 'x <|im_start|>';
    expect(ours('').encode(text)).toEqual([...o200k.encode(text)]);
    expect(() => theirs('').encode(text)).toThrow();
    expect(ours('').encode('<|im_start|>', { allowedSpecial: 'all' })).toEqual([...o200k.encode('<|im_start|>', 'all')]);
  });
  it('vocabularySize counts tiktoken\'s tokens', () => {
    expect(ours('').vocabularySize).toBe(o200k.token_byte_values().length + 2);
    expect(theirs('').vocabularySize).toBe(ours('').vocabularySize + 6);
  });
});

describe('the modules under plain Node', () => {
  it('named ES imports, default imports and require give the same functions', () => {
    const script = `
      import { createRequire } from 'node:module';
      import api, { encode, encodeChat, vocabularySize } from 'turbotoken/gpt-tokenizer';
      import * as gpt4o from 'turbotoken/gpt-tokenizer/model/gpt-4o';
      import * as r50k from 'turbotoken/gpt-tokenizer/encoding/r50k_base';
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify([
        encode('hello world'), api.encode === encode, encode === require('turbotoken/gpt-tokenizer').encode,
        typeof encodeChat, typeof vocabularySize, gpt4o.encodeChat([{ role: 'user', content: 'hi' }]).length,
        'encodeChat' in r50k, r50k.encode('hello world'),
      ]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([[24912, 2375], true, true, 'function', 'number', 8, false, [31373, 995]]);
  });
  it('gpt-tokenizer/ is what scripts/gen-gpt-tokenizer-entries.mjs writes', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-gpt-tokenizer-entries.mjs', '--check'], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});
