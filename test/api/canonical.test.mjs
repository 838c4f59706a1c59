// isCanonical(ids) (docs/inference.md) is exactly encode(decodeBytes(ids)) == ids: on encode's own
// output, on hand-made other spellings of the same bytes, and on the outputs of dropout and the
// other methods, on shipped, custom (a pattern split in JavaScript) and tokenizer.json encodings.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { describeEncodings } from '../support/inference-encodings.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const err = (Type, code) => expect.objectContaining({ constructor: Type, code });

function texts(seed, count) {
  const next = rng(seed);
  const list = ['', 'a', '  hello  world  ', PARAGRAPHS[1].slice(0, 400), 'a<|endoftext|>b'];
  for (let k = 0; k < count; k++) list.push(randomText(next, 1 + Math.floor(next() * 30)));
  return list;
}

const same = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);

describeEncodings(['o200k_base', 'cl100k_base'], 'isCanonical on %s', (enc, name) => {
  const special = { allowedSpecial: 'all' };
  const reference = (ids) => same(enc.encode(enc.decodeBytes(ids), special), ids);

  it('holds for encode(x)', () => {
    for (const text of texts(name.length, 60)) expect(enc.isCanonical(enc.encode(text, special))).toBe(true);
  });

  it('fails for a token spelled out as smaller tokens, and agrees with re-encoding', () => {
    const next = rng(name.length + 3);
    let checked = 0;
    for (const text of texts(name.length + 1, 40)) {
      const ids = [...enc.encode(text, special)];
      const long = ids.map((id, k) => [id, k]).filter(([id]) => !Object.values(enc.specialTokens).includes(id) && enc.tokenBytes(id).length >= 2);
      if (long.length === 0) continue;
      const [id, at] = long[Math.floor(next() * long.length)];
      const bytes = enc.tokenBytes(id);
      const cut = 1 + Math.floor(next() * (bytes.length - 1));
      // Two spellings of the token's bytes: all single bytes, and the encodings of its two halves.
      const singles = [...bytes].map((b) => enc.encodeSingleToken(Uint8Array.of(b)));
      const halves = [...enc.encodeOrdinary(bytes.subarray(0, cut)), ...enc.encodeOrdinary(bytes.subarray(cut))];
      for (const spelling of [singles, halves]) {
        const changed = [...ids.slice(0, at), ...spelling, ...ids.slice(at + 1)];
        if (Buffer.compare(Buffer.from(enc.decodeBytes(changed)), Buffer.from(enc.decodeBytes(ids))) !== 0) continue; // a half was not well-formed UTF-8
        expect(enc.isCanonical(changed)).toBe(reference(changed));
        expect(enc.isCanonical(changed)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('equals re-encoding on the outputs of dropout and of every method', () => {
    let canonical = 0;
    let not = 0;
    for (const [k, text] of texts(name.length + 2, 30).entries()) {
      const outputs = [0.1, 0.5, 1].map((dropout) => enc.encode(text, { ...special, dropout, seed: k }));
      for (const method of ['longest-prefix', 'least-tokens', 'long-token-first']) outputs.push(enc.encode(text, { ...special, method }));
      for (const ids of outputs) {
        const expected = reference(ids);
        expect(enc.isCanonical(ids)).toBe(expected);
        if (expected) canonical++;
        else not++;
      }
    }
    expect(canonical).toBeGreaterThan(10);
    expect(not).toBeGreaterThan(10);
  });

  it('is false for bytes that are not well-formed UTF-8', () => {
    const e = enc.tokensWithPrefix(Uint8Array.of(0xe6));
    const partial = [...e].find((id) => enc.tokenBytes(id).length === 1);
    expect(enc.isCanonical([partial])).toBe(false);
    expect(reference([partial])).toBe(false);
  });
});

describe('isCanonical arguments', () => {
  const enc = getEncoding('o200k_base');
  it('refuses ids that are not tokens and non-arrays with typed errors', () => {
    expect(() => enc.isCanonical([enc.nVocab + 5])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOKEN_ID' }));
    expect(() => enc.isCanonical([-1])).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_/) }));
    expect(() => enc.isCanonical('abc')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(enc.isCanonical([])).toBe(true);
  });
});
