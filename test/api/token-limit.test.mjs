// isWithinTokenLimit stops counting once the count passes the limit (the core's count_up_to),
// yet answers exactly as counting the whole text would: the count, or false, or the same error.
import { describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding } from '../../index.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const OPTION_SETS = [undefined, { allowedSpecial: 'all' }, { disallowedSpecial: [] }, { allowedSpecial: ['<|endoftext|>'], disallowedSpecial: [] }];

// What the answer must be, from a full count; an error is returned as its code.
function expected(enc, input, limit, options) {
  try {
    const n = enc.countTokens(input, options);
    return n > limit ? false : n;
  } catch (error) {
    return error.code;
  }
}

function actual(enc, input, limit, options) {
  try {
    return enc.isWithinTokenLimit(input, limit, options);
  } catch (error) {
    return error.code;
  }
}

function texts(seed) {
  const next = rng(seed);
  const list = [...PARAGRAPHS.slice(0, 6), '', ' ', '<|endoftext|>', 'a<|endoftext|>b <|fim_prefix|>', Buffer.from([0xff, 0x41, 0xe2, 0x82])];
  for (let i = 0; i < 60; i++) list.push(i % 5 === 0 ? Buffer.from(randomText(next, 30)) : randomText(next, 1 + Math.floor(next() * 60)));
  return list;
}

function limitsFor(n, next) {
  return [0, 1, n - 1, n, n + 1, Math.floor(next() * (n + 2)), n + 0.5, Infinity].filter((x) => x >= 0);
}

describe.each(['cl100k_base', 'o200k_base', 'gpt2'])('isWithinTokenLimit on %s', (name) => {
  const enc = getEncoding(name);

  it('equals count-based semantics on texts, for every special-token policy', () => {
    const next = rng(0x1e5 + name.length);
    let falses = 0;
    let counts = 0;
    for (const text of texts(name.length)) {
      for (const options of OPTION_SETS) {
        let n;
        try {
          n = enc.count(text, options);
        } catch {
          n = 3;
        }
        for (const limit of limitsFor(n, next)) {
          const want = expected(enc, text, limit, options);
          expect(actual(enc, text, limit, options)).toBe(want);
          if (want === false) falses++;
          else if (typeof want === 'number') counts++;
        }
      }
    }
    expect(falses).toBeGreaterThan(100);
    expect(counts).toBeGreaterThan(100);
  });

  it('equals count-based semantics on chat messages', () => {
    if (name === 'gpt2') {
      expect(() => enc.isWithinTokenLimit([{ role: 'user', content: 'hi' }], 5)).toThrow(TurbotokenError);
      return;
    }
    const next = rng(0xc4a7);
    for (let k = 0; k < 30; k++) {
      const messages = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: randomText(next, 1 + Math.floor(next() * 30)) }));
      for (const options of OPTION_SETS) {
        const n = typeof expected(enc, messages, Infinity, options) === 'number' ? enc.countTokens(messages, options) : 5;
        for (const limit of limitsFor(n, next)) expect(actual(enc, messages, limit, options)).toBe(expected(enc, messages, limit, options));
      }
    }
    // A disallowed special token in a late message still throws, even past the limit.
    const late = [{ role: 'user', content: 'word '.repeat(50) }, { role: 'user', content: 'x <|endoftext|>' }];
    expect(() => enc.isWithinTokenLimit(late, 3)).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
  });

  it('finds a disallowed special token far past the limit, as count does', () => {
    const text = 'word '.repeat(100_000) + '<|endoftext|>';
    expect(() => enc.isWithinTokenLimit(text, 10)).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect(enc.isWithinTokenLimit(text, 10, { disallowedSpecial: [] })).toBe(false);
  });
});

describe('isWithinTokenLimit stops early', () => {
  const enc = getEncoding('cl100k_base');

  function cpuMs(work) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  it('a small limit on 20 MB takes far less CPU time than a full count', () => {
    const text = PARAGRAPHS.join('\n');
    const big = text.repeat(Math.ceil(20e6 / Buffer.byteLength(text)));
    const full = [];
    const limited = [];
    for (let r = 0; r < 3; r++) {
      full.push(cpuMs(() => enc.count(big, { threads: 1 })));
      limited.push(cpuMs(() => expect(enc.isWithinTokenLimit(big, 1000)).toBe(false)));
    }
    // The limited call still converts the string and looks for special tokens in all of it, so
    // it is not free; measured about 5-7x cheaper on both backends. A full count would be ~1x.
    expect(median(limited) * 3).toBeLessThan(median(full));
  });
});
