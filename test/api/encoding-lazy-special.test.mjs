// An Encoding makes its copy of the special tokens, their names and its cut rules on first use,
// not when it is made: what callers see is unchanged. specialTokens is an own enumerable property
// in its place, frozen, the same object on every read and a copy of what the encoding was made
// with; the masks and cut rules made later give the ids they gave when made eagerly.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';

const KEYS = ['name', 'patternSource', 'specialTokens', 'maxTokenValue', 'nVocab', 'eotToken', 'patternKind'];

describe('specialTokens made on first read', () => {
  it('is an own enumerable property in its place, frozen, one object, in JSON and spreads', () => {
    const enc = getEncoding('cl100k_base');
    expect(Object.keys(enc)).toEqual(KEYS);
    expect(Object.isFrozen(enc)).toBe(true);
    const first = enc.specialTokens;
    expect(Object.isFrozen(first)).toBe(true);
    expect(enc.specialTokens).toBe(first);
    expect(first['<|endoftext|>']).toBe(100257);
    expect(enc.eotToken).toBe(100257);
    expect({ ...enc }.specialTokens).toBe(first);
    expect(JSON.parse(JSON.stringify(enc)).specialTokens).toEqual({ ...first });
    expect(Reflect.set(enc, 'specialTokens', {})).toBe(false);
    expect(enc.specialTokens).toBe(first);
  });

  it('a custom encoding keeps the special tokens it was given, whatever the caller does to its object later', () => {
    const ranks = new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b]));
    const specialTokens = { '<|a|>': 300, '<|b|>': 301 };
    const enc = new Encoding({ name: 'lazy', pattern: getEncoding('r50k_base').patternSource, ranks, specialTokens });
    specialTokens['<|c|>'] = 302;
    delete specialTokens['<|a|>'];
    expect({ ...enc.specialTokens }).toEqual({ '<|a|>': 300, '<|b|>': 301 });
    expect([...enc.encode('x<|a|>y', { allowedSpecial: 'all' })]).toEqual([120, 300, 121]);
    expect([...enc.encode('x<|b|>y', { allowedSpecial: ['<|b|>'] })]).toEqual([120, 301, 121]);
    expect(() => enc.encode('<|a|>')).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect(() => enc.encode('x', { allowedSpecial: ['<|c|>'] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SPECIAL_TOKEN' }));
  });

  it('the generator, cutting long text by the cut rules made on first use, gives encode\'s ids', () => {
    const enc = getEncoding('cl100k_base');
    const text = 'Hello world, this is text.\n\n  Indented line<|endoftext|> and more '.repeat(4000);
    const parts = [...enc.encodeGenerator(text, { allowedSpecial: 'all' })];
    expect(parts.length).toBeGreaterThan(1);
    const joined = parts.flatMap((p) => [...p]);
    expect(joined).toEqual([...enc.encode(text, { allowedSpecial: 'all' })]);
    expect(() => enc.encodeGenerator(text).next()).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
  });
});
