// turbotoken/js-tiktoken against the js-tiktoken package: the shared suite (which
// test/compat-originals runs against the package itself), then token-for-token checks.
// js-tiktoken splits text with JavaScript regular expressions, which disagree with tiktoken on
// some rare text; there turbotoken follows tiktoken.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as original from 'js-tiktoken';
import * as ours from '../../js-tiktoken.mjs';
import { TurbotokenError } from '../../index.mjs';
import { MAPPED_DIFFERENTLY, NPM_ENCODINGS, jsTiktokenSuite } from '../support/compat-js-tiktoken.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';
import { reference } from '../support/reference.mjs';

const require = createRequire(import.meta.url);

jsTiktokenSuite('turbotoken/js-tiktoken', ours);

describe.each(NPM_ENCODINGS)('turbotoken/js-tiktoken against js-tiktoken on %s', (name) => {
  const js = original.getEncoding(name);
  const enc = ours.getEncoding(name);
  const exact = reference(name);
  const next = rng(0x15 + name.length);
  const texts = [...PARAGRAPHS, ...Array.from({ length: 150 }, () => randomText(next, 30))];
  it('equal ids where js-tiktoken agrees with tiktoken, tiktoken\'s ids everywhere', () => {
    let disagreements = 0;
    for (const text of texts) {
      const ids = enc.encode(text, 'all');
      expect(ids).toEqual([...exact.encode(text, 'all')]);
      const theirs = js.encode(text, 'all');
      if (theirs.join() === ids.join()) continue;
      disagreements++;
      expect(texts.indexOf(text)).toBeGreaterThanOrEqual(PARAGRAPHS.length);
    }
    // A few random texts hit js-tiktoken's differences (e.g. Unicode versions); most agree.
    expect(disagreements).toBeLessThan(texts.length / 4);
  });
  it('equal text from decode', () => {
    for (const text of texts) {
      const ids = exact.encode(text, 'all');
      expect(enc.decode([...ids])).toBe(js.decode([...ids]));
      expect(enc.decode([...ids].slice(1))).toBe(js.decode([...ids].slice(1)));
    }
  });
});

describe('turbotoken/js-tiktoken beyond the original', () => {
  it('is the same module from ESM and CommonJS', () => {
    const cjs = require('../../dist/cjs/compat/js-tiktoken.js');
    for (const name of ['getEncoding', 'encodingForModel', 'getEncodingNameForModel', 'Tiktoken']) expect(ours[name]).toBe(cjs[name]);
  });
  it('new Tiktoken(ranks, extra) builds the same encoder as js-tiktoken', () => {
    const ranks = require('js-tiktoken/ranks/cl100k_base');
    const mine = new ours.Tiktoken(ranks.default ?? ranks, { '<|x|>': 100300 });
    const theirs = new original.Tiktoken(ranks.default ?? ranks, { '<|x|>': 100300 });
    const next = rng(9);
    for (let k = 0; k < 40; k++) {
      const text = randomText(next, 20).replace(/[^\x00-\x7f]/g, 'x') + ' <|x|> <|endoftext|>';
      expect(mine.encode(text, 'all')).toEqual(theirs.encode(text, 'all'));
    }
    expect(() => new ours.Tiktoken({})).toThrow(TypeError);
  });
  it("maps models with tiktoken's map, prefixes included", () => {
    for (const model of MAPPED_DIFFERENTLY) expect(ours.getEncodingNameForModel(model)).toBe('cl100k_base');
    expect(ours.getEncodingNameForModel('gpt-4o-2099-01-01')).toBe('o200k_base');
    expect(ours.getEncoding('o200k_harmony').encode('<|start|>', 'all')).toEqual([200006]);
  });
});
