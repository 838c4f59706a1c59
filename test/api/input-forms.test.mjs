// Input as a JS string or as UTF-8 bytes; lone surrogates; ill-formed UTF-8.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { backend, getEncoding } from '../../index.mjs';
import { reference, sameIds } from '../support/reference.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { native, sampledTwoByte } = require('../../dist/cjs/native.js');
const enc = getEncoding('cl100k_base');
const ref = reference('cl100k_base');
const decoder = new TextDecoder();

describe('input forms', () => {
  it('UTF-8 bytes encode exactly like the same text as a string', () => {
    const next = rng(3);
    for (let i = 0; i < 200; i++) {
      const text = randomText(next, 30);
      const bytes = new TextEncoder().encode(text);
      expect(sameIds(enc.encodeOrdinary(bytes), enc.encodeOrdinary(text))).toBe(true);
      expect(enc.count(Buffer.from(bytes), { disallowedSpecial: [] })).toBe(enc.encodeOrdinary(text).length);
    }
  });

  it('a subarray is read in place from its offset', () => {
    const buf = Buffer.from('xxxhello worldyyy');
    expect([...enc.encode(buf.subarray(3, 14))]).toEqual([...enc.encode('hello world')]);
  });

  it('lone surrogates encode as U+FFFD, as the tiktoken package encodes them', () => {
    for (const text of ['a\ud800b', '\udfff', 'x\ud83d', '\ud83d\ude00\ude00', 'end\ud800']) {
      expect([...enc.encode(text)]).toEqual([...ref.encode(text)]);
      expect(enc.decode(enc.encode(text))).toBe(text.toWellFormed ? text.toWellFormed() : text.replace(/[\ud800-\udfff]/g, '\ufffd'));
    }
  });

  it('long two-byte strings, converted to UTF-8 in place, encode like their bytes from Buffer.from', () => {
    // From 16K units, a string whose sampled units show it to be two-byte (here its first unit,
    // 'ж') is copied as UTF-16 and transcoded by the binding itself; around that length, with a
    // pair or a lone surrogate after the first unit, at the end, and at a 32-unit block's edge.
    const ends = ['', '\ud800', '\udc00', '😀', 'é', '中', '\ud83d\ude00\ude00'];
    for (const length of [16382, 16383, 16384, 16385, 16415, 16416, 16417, 40000]) {
      for (const head of ends) {
        for (const tail of ends) {
          const body = 'жab '.repeat(length).slice(0, Math.max(0, length - head.length - tail.length));
          const text = body.slice(0, 1) + head + body.slice(1, 31) + tail + body.slice(31) + tail;
          const bytes = Buffer.from(text);  // V8's UTF-8 writer: lone surrogates to U+FFFD
          expect(sameIds(enc.encodeOrdinary(text), enc.encodeOrdinary(bytes))).toBe(true);
          expect(enc.count(text, { disallowedSpecial: [] })).toBe(enc.count(bytes, { disallowedSpecial: [] }));
        }
      }
    }
    const lone = '中' + '\ud800x'.repeat(9000) + '\udc00';
    expect([...enc.encode(lone)]).toEqual([...ref.encode(lone)]);
    // Three bytes per unit: the bytes written catch up with the units still to read (in place,
    // the units start exactly as many bytes into the buffer as there are units).
    for (const text of ['中'.repeat(20000), '😀'.repeat(10000), '中a'.repeat(9000) + '\ud800']) {
      expect(sameIds(enc.encodeOrdinary(text), enc.encodeOrdinary(Buffer.from(text)))).toBe(true);
    }
  });

  it('a long two-byte string is converted by the core where the kernel can (the probe is asked)', () => {
    // The binding asks the registered probe only when it would then convert the string itself:
    // 16K units or more, on the avx512 kernel with VBMI2.
    const vbmi2 = existsSync('/proc/cpuinfo') && /\bavx512_vbmi2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    if (backend !== 'native-avx512' || !vbmi2) return;
    const asked = [];
    native.setTwoByteProbe((text) => {
      asked.push(text.length);
      return sampledTwoByte(text);
    });
    try {
      const text = 'жab '.repeat(5000);
      expect(sameIds(enc.encodeOrdinary(text), enc.encodeOrdinary(Buffer.from(text)))).toBe(true);
      enc.encodeOrdinary('ab'.repeat(100));
      expect(asked).toEqual([20000]);
    } finally {
      native.setTwoByteProbe(sampledTwoByte);
    }
  });

  it('ill-formed UTF-8 bytes encode as the text TextDecoder makes of them', () => {
    const next = rng(11);
    const samples = [
      [0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98],
      [0x61, 0xe2, 0x82, 0x20, 0x62], [0x80, 0x80, 0x80], [0xc3], [0xf8, 0x88, 0x80, 0x80, 0x80],
    ];
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(next() * 40);
      samples.push(Array.from({ length: len }, () => (next() < 0.5 ? 0x20 + Math.floor(next() * 90) : Math.floor(next() * 256))));
    }
    for (const sample of samples) {
      const bytes = Uint8Array.from(sample);
      const text = decoder.decode(bytes);
      expect([...enc.encodeOrdinary(bytes)]).toEqual([...ref.encode_ordinary(text)]);
    }
  });

  it('empty input gives no tokens', () => {
    expect(enc.encode('').length).toBe(0);
    expect(enc.encode(new Uint8Array(0)).length).toBe(0);
    expect(enc.count('')).toBe(0);
  });
});
