// encodeAsync / countAsync / decodeAsync: the same results and errors as the synchronous calls,
// with the work off the JS thread on the native backend.
import { describe, expect, it } from 'vitest';
import { TurbotokenError, backend, getEncoding } from '../../index.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const enc = getEncoding('o200k_base');

describe('async calls', () => {
  it('resolve to exactly what the synchronous calls return', async () => {
    const next = rng(21);
    for (let i = 0; i < 200; i++) {
      const text = randomText(next, 40);
      const options = { allowedSpecial: 'all' };
      const ids = await enc.encodeAsync(text, options);
      expect([...ids]).toEqual([...enc.encode(text, options)]);
      expect(await enc.countAsync(text, options)).toBe(ids.length);
      expect(await enc.decodeAsync(ids)).toBe(enc.decode(ids));
    }
    const bytes = Buffer.from([0x68, 0x69, 0xff, 0x20, 0xe2, 0x82]);
    expect([...(await enc.encodeAsync(bytes))]).toEqual([...enc.encode(bytes)]);
  });

  // Long strings reach the worker as UTF-16 and become UTF-8 there: surrogate pairs must join and
  // lone surrogates become U+FFFD exactly as V8 converts the string for the synchronous call.
  it('resolve to the synchronous results on long strings with surrogates of every kind', async () => {
    const next = rng(77);
    const pieces = ['plain ascii words ', 'Ελληνικά ', '中文字符 ', '😀👍🏽 ', '\ud800', '\udfff', '\ud83d', '\ude00x', 'é', '\u0085', '<|endoftext|>'];
    for (let round = 0; round < 6; round++) {
      let text = round % 2 ? '\udc00' : '';  // starts with a lone low surrogate
      while (text.length < 70_000 + round * 9_000) text += pieces[Math.floor(next() * pieces.length)];
      if (round === 2) text += '\ud83d';  // ends with a lone high surrogate
      const options = { allowedSpecial: 'all' };
      expect([...(await enc.encodeAsync(text, options))]).toEqual([...enc.encode(text, options)]);
      expect(await enc.countAsync(text, options)).toBe(enc.count(text, options));
    }
    const random = randomText(next, 80_000);
    expect([...(await enc.encodeAsync(random, { allowedSpecial: 'all' }))]).toEqual([...enc.encode(random, { allowedSpecial: 'all' })]);
    await expect(enc.encodeAsync('x'.repeat(70_000) + '<|endoftext|>')).rejects.toMatchObject({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' });
  });

  it('reject with the errors the synchronous calls throw', async () => {
    await expect(enc.encodeAsync('a <|endoftext|>')).rejects.toThrow(TurbotokenError);
    await expect(enc.countAsync('a <|endoftext|>')).rejects.toMatchObject({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' });
    await expect(enc.decodeAsync([1, 999999999])).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN_ID', constructor: RangeError });
    await expect(enc.encodeAsync(42)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', constructor: TypeError });
    await expect(enc.decodeAsync([1.5])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('survive 1,000 concurrent calls with identical results', async () => {
    const next = rng(5);
    const texts = Array.from({ length: 1000 }, () => randomText(next, 30));
    const results = await Promise.all(texts.map((t) => enc.encodeAsync(t, { disallowedSpecial: [] })));
    results.forEach((ids, i) => expect([...ids]).toEqual([...enc.encodeOrdinary(texts[i])]));
  });

  it('does not change the input it was given if the caller changes it during the call', async () => {
    const bytes = Buffer.from('hello world');
    const pending = enc.encodeAsync(bytes);
    bytes.fill(0x41);
    expect(enc.decode(await pending)).toBe('hello world');
  });

  // The native backend runs async work on other threads; on WASM it runs on the JS thread during
  // the call (docs/api.md). Each backend is held to what the docs promise for it.
  it('keeps the event loop turning while a large text is encoded (native), or encodes during the call (WASM)', async () => {
    const text = 'hello world, this is a sentence. '.repeat(600_000); // ~20 MB
    const start = performance.now();
    expect(enc.encode(text.slice(0, 100))).toBeTruthy();
    let ticks = 0;
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const ids = await enc.encodeAsync(text);
    clearInterval(timer);
    const elapsed = performance.now() - start;
    expect(ids.length).toBe(enc.count(text));
    if (backend.startsWith('native')) {
      // The timer fires through the work: many ticks, and no gap near the whole duration.
      expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
      expect(maxGap).toBeLessThan(Math.max(250, elapsed / 3));
    } else {
      expect(ticks).toBe(0);
    }
  });
});
