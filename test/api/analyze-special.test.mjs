// analyze()'s special-token rule (docs/analysis.md): without special-token options every text is
// ordinary text; with them, each text's ids are exactly encode(text, options)'s, special ids
// included and errors alike. Held to one encode() per text and a Map of counts.
import { describe, expect, it } from 'vitest';
import { analyze, backend, getEncoding } from '../../index.mjs';
import { thrownBy } from '../support/thrown.mjs';

function plain(enc, texts, options) {
  const counts = new Map();
  let tokens = 0;
  for (const t of texts) {
    for (const id of enc.encode(t, options)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      tokens++;
    }
  }
  return { tokens, types: counts.size, counts };
}

describe(`analyze and special tokens (${backend})`, () => {
  const enc = getEncoding('cl100k_base');
  const eot = enc.specialTokens['<|endoftext|>'];
  // The large text is encoded on its own (encode(), or the batch on one thread).
  const large = `${'one two <|endoftext|> three '.repeat(40_000)}<|fim_prefix|>`;
  const texts = ['a <|endoftext|> b', '<|endoftext|><|fim_prefix|>x', 'no special text', new TextEncoder().encode('<|endoftext|> as bytes'), large];

  const row = (options) => analyze(enc, texts, options).rows[0];

  it('counts special-token text as ordinary text by default', () => {
    const expected = plain(enc, texts, { disallowedSpecial: [] });
    for (const options of [undefined, {}, { threads: 1 }, { disallowedSpecial: [] }, { splitSpecialTokens: true }]) {
      const r = row(options);
      expect([r.tokens, r.types], JSON.stringify(options)).toEqual([expected.tokens, expected.types]);
    }
    expect(expected.counts.has(eot)).toBe(false);
  });

  it('counts the special ids encode gives with the same options', () => {
    for (const options of [{ allowedSpecial: 'all' }, { allowedSpecial: 'all', threads: 1 }, { allowedSpecial: ['<|endoftext|>', '<|fim_prefix|>'] }, { allowedSpecial: ['<|endoftext|>'], disallowedSpecial: [] }]) {
      const expected = plain(enc, texts, options);
      expect(expected.counts.get(eot)).toBe(40_003);
      const r = row(options);
      expect([r.tokens, r.types], JSON.stringify(options)).toEqual([expected.tokens, expected.types]);
      expect(r.renyiEntropy).toBeGreaterThan(0);
    }
    expect(row({ allowedSpecial: 'all' }).tokens).toBeLessThan(row().tokens);
  });

  it('refuses what encode refuses, with the same codes', () => {
    const options = { allowedSpecial: ['<|endoftext|>'] }; // <|fim_prefix|> stays disallowed
    const fromEncode = thrownBy(() => texts.forEach((t) => enc.encode(t, options)));
    expect(fromEncode.code).toBe('ERR_DISALLOWED_SPECIAL_TOKEN');
    expect(thrownBy(() => analyze(enc, texts, options)).code).toBe(fromEncode.code);
    expect(thrownBy(() => analyze(enc, texts, { disallowedSpecial: 'all' })).code).toBe(fromEncode.code);
    expect(thrownBy(() => analyze(enc, texts, { allowedSpecial: ['<|nope|>'] })).code).toBe('ERR_UNKNOWN_SPECIAL_TOKEN');
    expect(thrownBy(() => analyze(enc, texts, { allowedSpecial: 'all', splitSpecialTokens: true })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze(enc, texts, { allowedSpecial: 5 })).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('reads the names per encoding: a name one encoding lacks is refused', () => {
    const r50k = getEncoding('r50k_base'); // no <|fim_prefix|>
    expect(thrownBy(() => analyze([enc, r50k], ['x'], { allowedSpecial: ['<|fim_prefix|>'] })).code).toBe('ERR_UNKNOWN_SPECIAL_TOKEN');
    const rows = analyze([enc, r50k], ['<|endoftext|>'], { allowedSpecial: 'all' }).rows;
    expect(rows.map((x) => x.tokens)).toEqual([1, 1]);
  });
});
