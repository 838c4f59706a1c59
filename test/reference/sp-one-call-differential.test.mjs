// Llama 2's and Gemma 3's text steps (a space becomes U+2581, after a prepended one for Llama 2)
// run in one core call per text (MergeList.encodeText, docs/sentencepiece.md), the added tokens
// found by the core. The reference is the JS path of src/sentencepiece.ts on the same file with one
// more normalizer step that changes nothing (a Replace of a text by itself), which takes the text
// steps off the one-call path: ids must be equal on seeded random strings of spaces, U+2581,
// characters that need byte fallback, lone surrogates and added-token text, with an added token
// inserted at every position of some texts, under each special-token policy.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { modelFile } from '../support/models-hf.mjs';
import { rng } from '../support/random-text.mjs';

const NO_OP = { type: 'Replace', pattern: { String: '\u0000\u0001\u0000' }, content: '\u0000\u0001\u0000' };

function withNoOpStep(json) {
  const steps = json.normalizer.type === 'Sequence' ? json.normalizer.normalizers : [json.normalizer];
  return { ...json, normalizer: { type: 'Sequence', normalizers: [...steps, NO_OP] } };
}

const ATOMS = [' ', '  ', '   ', '\u2581', '\u2581\u2581', ' \u2581', '\u2581 ', 'a', 'the', ' the', 'Hello', 'world', 'ing', '\n', '\n\n', '\t', '\t\t', '\r\n',
  '中文', '龘', '𠜎', '😀', '👍🏽', '\u0000', '\u0001', '\u007f', '\uE000', '\u{10FFFF}', '\uFFFD', '\uD800', '\uDC00', 'é', 'e\u0301', '123', '.', ',',
  '<', '>', '<s', 's>', '<0x41>', '[multimodal', 'multimodal]', '<start_of_turn', 'end_of_turn>'];

function randomTexts(added, count, seed) {
  const next = rng(seed);
  const atoms = [...ATOMS, ...added];
  const texts = [];
  for (let k = 0; k < count; k++) {
    let text = '';
    for (let i = 1 + Math.floor(next() * 30); i > 0; i--) text += atoms[Math.floor(next() * atoms.length)];
    texts.push(text);
  }
  return texts;
}

const MODELS = {
  llama2: { added: ['<s>', '</s>', '<unk>'] },
  gemma3: { added: ['<start_of_turn>', '<end_of_turn>', '<bos>', '<eos>', '[multimodal]', '\n', '\n\n', '\n\n\n', '\t\t', '\u2581\u2581', '\u2581\u2581\u2581', '<unused7>'] },
};

describe.each(Object.keys(MODELS))('%s: one core call per text equals the JS text steps', (model) => {
  const { added } = MODELS[model];
  let fast;
  let reference;
  beforeAll(() => {
    const json = JSON.parse(readFileSync(modelFile(model), 'utf8'));
    fast = Encoding.fromTokenizerJson(json);
    reference = Encoding.fromTokenizerJson(withNoOpStep(json));
  });

  // The ids, or the error's code and message.
  const result = (enc, text, options) => {
    try {
      return [...enc.encode(text, options)];
    } catch (e) {
      return `${e.code}: ${e.message}`;
    }
  };
  const same = (texts, options) => {
    let mismatches = 0;
    let first;
    let errors = 0;
    for (const text of texts) {
      const ours = result(fast, text, options);
      const theirs = result(reference, text, options);
      if (typeof theirs === 'string') errors++;
      if (ours.length !== theirs.length || typeof ours !== typeof theirs || (typeof ours === 'string' ? ours !== theirs : ours.some((id, i) => id !== theirs[i]))) {
        mismatches++;
        first ??= { text, ours: ours.slice(0, 30), theirs: theirs.slice(0, 30) };
      }
    }
    expect({ mismatches, first }).toEqual({ mismatches: 0, first: undefined });
    return errors;
  };

  it('random strings', () => {
    const texts = [...randomTexts(added, 600, 0x5b + model.length), '', ' ', '\u2581', '  ', ' x', 'x ', 'a'.repeat(300), ' '.repeat(300)];
    same(texts);
    // The same texts as UTF-8 bytes, and bytes that are not UTF-8.
    same(texts.slice(0, 100).map((t) => Buffer.from(t)));
    same([Uint8Array.of(0xff, 0x20, 0x61), Uint8Array.of(0xe4, 0xb8, 0x20, 0x3c, 0x73, 0x3e), Uint8Array.of(0xf0, 0x9f, 0x98)]);
  });

  it('an added token at every position', () => {
    const bases = [' Hello  world,\u2581again\n', '中文 😀 \t x'];
    const texts = [];
    for (const base of bases) {
      for (const token of added) {
        for (let at = 0; at <= base.length; at++) texts.push(base.slice(0, at) + token + base.slice(at));
      }
    }
    same(texts);
  });

  it('each special-token policy', () => {
    const texts = randomTexts(added, 40, 0x77 + model.length);
    expect(same(texts, { splitSpecialTokens: true })).toBe(0);
    expect(same(texts, { allowedSpecial: added.slice(1), disallowedSpecial: [] })).toBe(0);
    // A disallowed token in a text is an error on both paths, with the same message.
    expect(same(texts, { allowedSpecial: [added[0]] })).toBeGreaterThan(0);
    expect(same(texts, { allowedSpecial: [added[1]], disallowedSpecial: [added[0]] })).toBeGreaterThan(0);
  });

  it('count and encode agree on the one-call path', () => {
    for (const text of randomTexts(added, 50, 0x99)) expect(fast.count(text)).toBe(fast.encode(text).length);
  });
});
