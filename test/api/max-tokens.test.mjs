// encode(text, { maxTokens }) is exactly encode(text).slice(0, maxTokens), computed with an early
// stop in the core (the piece that reaches the limit is encoded whole, then cut).
import { describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding } from '../../index.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const err = (Type, code) => expect.objectContaining({ constructor: Type, code });

// Texts with many multi-token pieces (rare scripts, emoji, long runs) and special tokens.
function texts(seed) {
  const next = rng(seed);
  const list = [...PARAGRAPHS.slice(0, 4), '', 'x', '😀👨‍👩‍👧‍👦🏳️‍🌈 ꦗꦮ𐌰𐌱 <|endoftext|> ' + 'ab'.repeat(40), Buffer.from([0xf0, 0x9f, 0x98, 0x41, 0xff])];
  for (let i = 0; i < 50; i++) list.push(i % 4 === 0 ? Buffer.from(randomText(next, 25)) : randomText(next, 1 + Math.floor(next() * 50)));
  return list;
}

describe.each(['cl100k_base', 'o200k_harmony', 'p50k_base'])('encode maxTokens on %s', (name) => {
  const enc = getEncoding(name);

  it('is the prefix of the full encoding for every length', () => {
    for (const text of texts(name.length * 7)) {
      for (const options of [{ allowedSpecial: 'all' }, { disallowedSpecial: [] }]) {
        const full = enc.encode(text, options);
        for (let n = 0; n <= full.length + 1; n++) {
          const prefix = enc.encode(text, { ...options, maxTokens: n });
          expect(prefix).toBeInstanceOf(Uint32Array);
          expect([...prefix]).toEqual([...full.subarray(0, n)]);
        }
        expect([...enc.encode(text, { ...options, maxTokens: Infinity })]).toEqual([...full]);
      }
    }
  });

  it('cuts inside a piece that encodes to many tokens', () => {
    // One pre-token (a run of symbols) of 4-byte characters: dozens of tokens, one piece.
    const text = 'x ' + '😀🏳🙈'.repeat(15);
    const full = enc.encode(text);
    expect(full.length).toBeGreaterThan(40);
    for (let n = 0; n <= full.length; n++) expect([...enc.encode(text, { maxTokens: n })]).toEqual([...full.subarray(0, n)]);
  });

  it('still rejects a disallowed special token after the prefix', () => {
    const text = 'hello '.repeat(1000) + '<|endoftext|>';
    expect(() => enc.encode(text, { maxTokens: 5 })).toThrow(err(TurbotokenError, 'ERR_DISALLOWED_SPECIAL_TOKEN'));
    expect([...enc.encode(text, { maxTokens: 5, allowedSpecial: 'all' })]).toEqual([...enc.encode(text, { allowedSpecial: 'all' }).subarray(0, 5)]);
  });

  it('takes a whole number >= 0', () => {
    expect(() => enc.encode('a b', { maxTokens: -1 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('a b', { maxTokens: 1.5 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('a b', { maxTokens: '3' })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('a b', { maxTokens: NaN })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(enc.encode('a b', { maxTokens: 0 }).length).toBe(0);
  });
});

describe('encode maxTokens stops early', () => {
  it('a small prefix of 20 MB takes far less CPU time than the whole', () => {
    const enc = getEncoding('o200k_base');
    const text = PARAGRAPHS.join('\n');
    const big = text.repeat(Math.ceil(20e6 / Buffer.byteLength(text)));
    const cpuMs = (work) => {
      const before = process.cpuUsage();
      work();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const full = [];
    const prefix = [];
    for (let r = 0; r < 3; r++) {
      full.push(cpuMs(() => enc.encode(big, { threads: 1 })));
      prefix.push(cpuMs(() => expect(enc.encode(big, { maxTokens: 1000 }).length).toBe(1000)));
    }
    expect(median(prefix) * 3).toBeLessThan(median(full));
  });
});
