// The core's snappy decoder (native/core/codec/snappy.h, reached through src/snappy.ts on either
// backend): the same bytes as hysnappy and hyparquet's snappyUncompress on seeded random and real
// data and on streams that use every element form, written only to output[offset, offset +
// length), and every corrupt stream a typed error (ERR_CORRUPT_SNAPPY) naming its fault.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../support/random-text.mjs';
import { thrownBy } from '../support/thrown.mjs';

const require = createRequire(import.meta.url);
const { snappyDecompress } = require('../../dist/cjs/snappy.js');
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');

let hysnappy;
let hyparquet;
beforeAll(async () => {
  hysnappy = await import(require.resolve('hysnappy'));
  hyparquet = await import(require.resolve('hyparquet'));
});

const SENTINEL = 0xa5;

/**
 * Decodes into the middle of a larger array and checks that nothing around the range changed,
 * also when the stream is refused (a write past the range beats the refusal's error).
 */
function decodeAt(input, length, offset = 13) {
  const output = new Uint8Array(offset + length + 29).fill(SENTINEL);
  try {
    snappyDecompress(input, output, offset, length);
  } finally {
    for (let i = 0; i < offset; i++) if (output[i] !== SENTINEL) throw new Error(`wrote byte ${i}, before the range`);
    for (let i = offset + length; i < output.length; i++) if (output[i] !== SENTINEL) throw new Error(`wrote byte ${i}, past the range`);
  }
  return output.subarray(offset, offset + length);
}

function referenceJs(input, length) {
  const out = new Uint8Array(length);
  hyparquet.snappyUncompress(input, out);
  return out;
}

const varint = (n) => {
  const out = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const le = (n, bytes) => Array.from({ length: bytes }, (_, i) => Math.floor(n / 256 ** i) % 256);

// Elements in each of the format's forms, written by hand.
const literal = (bytes, form = bytes.length <= 60 ? 0 : 1) => {
  const n = bytes.length - 1;
  return form === 0 ? [n << 2, ...bytes] : [(59 + form) << 2, ...le(n, form), ...bytes];
};
const copy1 = (len, offset) => [1 | ((len - 4) << 2) | ((offset >> 8) << 5), offset & 0xff];
const copy2 = (len, offset) => [2 | ((len - 1) << 2), ...le(offset, 2)];
const copy4 = (len, offset) => [3 | ((len - 1) << 2), ...le(offset, 4)];

/** A random valid stream using every element form, and the bytes it stands for. */
function randomStream(next, target) {
  const out = [];
  const body = [];
  while (out.length < target) {
    const kind = Math.floor(next() * 5);
    if (out.length === 0 || kind === 0) {
      const n = 1 + Math.floor(next() * (next() < 0.8 ? 60 : 300));
      const bytes = Array.from({ length: n }, () => Math.floor(next() * 256));
      // Lengths that fit a shorter form also written in a longer one: decoders must take both.
      const least = n <= 60 ? 0 : n <= 256 ? 1 : 2;
      const form = least === 0 && next() < 0.7 ? 0 : Math.max(least, 1) + Math.floor(next() * (5 - Math.max(least, 1)));
      body.push(...literal(bytes, form));
      out.push(...bytes);
      continue;
    }
    // Offsets below 8 overlap the bytes being written (a repeated pattern).
    const offset = 1 + Math.floor(next() * Math.min(out.length, next() < 0.5 ? 8 : 2047));
    let len;
    if (kind === 1 && offset < 2048) {
      len = 4 + Math.floor(next() * 8);
      body.push(...copy1(len, offset));
    } else if (kind === 2 || kind === 1) {
      len = 1 + Math.floor(next() * 64);
      body.push(...copy2(len, offset));
    } else {
      len = 1 + Math.floor(next() * 64);
      body.push(...copy4(len, offset));
    }
    for (let i = 0; i < len; i++) out.push(out[out.length - offset]);
  }
  return { input: new Uint8Array([...varint(out.length), ...body]), expected: new Uint8Array(out) };
}

function corruptCode(input, length) {
  const error = thrownBy(() => decodeAt(input, length));
  expect(error.code).toBe('ERR_CORRUPT_SNAPPY');
  expect(error.name).toBe('TurbotokenError');
  return error.message;
}

describe('snappyDecompress', () => {
  it('decodes what hysnappy compresses, as hysnappy and hyparquet do: seeded random and real data', () => {
    const next = rng(0x5a99);
    const inputs = [new Uint8Array(0), new Uint8Array([7])];
    for (let i = 0; i < 40; i++) {
      const n = Math.floor(next() * (i < 20 ? 300 : 200000));
      const alphabet = 1 + Math.floor(next() * (i % 3 === 0 ? 256 : 6));
      inputs.push(Uint8Array.from({ length: n }, () => Math.floor(next() * alphabet)));
    }
    // Real files: prose, code, and a binary vocabulary.
    for (const name of ['docs/performance.md', 'README.md', 'src/cli/corpus.ts', 'data/cl100k_base.tkv']) {
      inputs.push(new Uint8Array(readFileSync(path.join(root, name)).subarray(0, 1 << 20)));
    }
    let copies = 0;
    for (const raw of inputs) {
      const input = hysnappy.snappyCompress(raw);
      if (input.length < raw.length) copies++;
      const ours = decodeAt(input, raw.length);
      expect(Buffer.compare(ours, raw)).toBe(0);
      expect(Buffer.compare(ours, hysnappy.snappyUncompress(input, raw.length))).toBe(0);
      expect(Buffer.compare(ours, referenceJs(input, raw.length))).toBe(0);
    }
    expect(copies).toBeGreaterThan(20); // the streams hold copies, not only literals
  });

  it('decodes every element form: literals of 1-4 length bytes, copies of 1-, 2- and 4-byte offsets, overlapping copies', () => {
    const next = rng(0x11fe);
    for (let i = 0; i < 300; i++) {
      const { input, expected } = randomStream(next, 1 + Math.floor(next() * (i < 200 ? 400 : 20000)));
      const ours = decodeAt(input, expected.length, i % 17);
      expect(Buffer.compare(ours, expected)).toBe(0);
      expect(Buffer.compare(ours, referenceJs(input, expected.length))).toBe(0);
    }
  });

  it('decodes at the very end of the output, and from an input sharing the output buffer', () => {
    const raw = new TextEncoder().encode('abcabcabcabcabcabcabcabc tail '.repeat(50));
    const input = hysnappy.snappyCompress(raw);
    const exact = new Uint8Array(raw.length);
    snappyDecompress(input, exact, 0, raw.length);
    expect(Buffer.compare(exact, raw)).toBe(0);
    const shared = new Uint8Array(raw.length + input.length);
    shared.set(input, 0);
    snappyDecompress(shared.subarray(0, input.length), shared, 0, raw.length);
    expect(Buffer.compare(shared.subarray(0, raw.length), raw)).toBe(0);
  });

  // A stream of 16 bytes: "0123456789abcdef" as one literal.
  const sixteen = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
  const corrupt = {
    'empty input': [[], 0, /length header is cut off/],
    'a length varint cut off': [[0x80, 0x80], 0, /length header is cut off/],
    'a length over 32 bits': [[0xff, 0xff, 0xff, 0xff, 0x1f], 0, /over 32 bits/],
    'a length varint of 6 bytes': [[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 0, /over 32 bits/],
    'a length that is not the expected size': [[16, ...literal(sixteen)], 15, /not the expected size/],
    'a literal past the end of the input': [[20, ...literal(sixteen).map((b, i) => (i === 0 ? 19 << 2 : b))], 20, /literal runs past/],
    'a literal whose length bytes are cut off': [[20, 62 << 2, 1], 20, /cut off at the end/],
    'a literal of 2^32 bytes': [[20, 63 << 2, 0xff, 0xff, 0xff, 0xff, 1, 2], 20, /literal runs past/],
    'a copy with offset 0': [[20, ...literal(sixteen), ...copy2(4, 0)], 20, /offset 0/],
    'a copy from before the start': [[20, ...literal(sixteen), ...copy1(4, 17)], 20, /before the start/],
    'a 4-byte offset far beyond the output': [[20, ...literal(sixteen), ...copy4(4, 0xffffffff)], 20, /before the start/],
    'a copy cut off': [[20, ...literal(sixteen), 3 | (3 << 2), 1, 0], 20, /cut off at the end/],
    'a 1-byte-offset copy cut off': [[20, ...literal(sixteen), 1], 20, /cut off at the end/],
    'more data than the header says': [[18, ...literal(sixteen), ...copy2(4, 4)], 18, /longer than its length header/],
    'a literal past the header': [[10, ...literal(sixteen)], 10, /longer than its length header/],
    'the input ending early': [[24, ...literal(sixteen)], 24, /shorter than its length header/],
    'a stream of the header alone': [[5], 5, /shorter than its length header/],
  };
  it.each(Object.entries(corrupt))('%s: ERR_CORRUPT_SNAPPY naming the fault, nothing written outside the range', (_, [bytes, length, fault]) => {
    expect(corruptCode(new Uint8Array(bytes), length)).toMatch(fault);
  });

  it('never writes outside its range on mutated streams; what it accepts is what hyparquet decodes', () => {
    const next = rng(0xbad5);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const { input, expected } = randomStream(next, 1 + Math.floor(next() * 300));
      const bytes = input.slice(0, next() < 0.2 ? Math.floor(next() * input.length) : input.length);
      for (let k = Math.floor(next() * 4); k >= 0; k--) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const length = next() < 0.9 ? expected.length : Math.floor(next() * 400);
      let ours;
      try {
        ours = decodeAt(bytes, length);
      } catch (error) {
        expect(error.code).toBe('ERR_CORRUPT_SNAPPY');
        refused++;
        continue;
      }
      expect(Buffer.compare(ours, referenceJs(bytes, length))).toBe(0);
    }
    expect(refused).toBeGreaterThan(500);
  });

  // The decoder has a fast loop that moves whole 16-byte blocks while the input and the output
  // both have room for an element's blocks (about 64-80 bytes), and a careful loop near the ends.
  // Streams built element by element: a prefix, the element under test, then a tail whose size
  // puts the element on either side of that hand-over and across it, the tail made of literal
  // bytes (the input has room, the output ends) or of copies (the input ends first).
  const TAILS = [0, 1, 15, 16, 17, 48, 60, 61, 63, 64, 65, 66, 79, 80, 81, 96, 130];

  /** A stream of `elements` ({ lit: bytes } or { copy: [kind, len, offset] }) and its bytes. */
  function build(elements) {
    const body = [];
    const out = [];
    for (const e of elements) {
      if (e.lit) {
        // Given a form, one element; else in elements of up to 60 bytes (a one-byte tag each).
        const step = e.form === undefined ? 60 : e.lit.length;
        for (let at = 0; at < e.lit.length; at += step) {
          const part = e.lit.slice(at, at + step);
          body.push(...literal(part, e.form ?? 0));
          out.push(...part);
        }
        continue;
      }
      const [kind, len, offset] = e.copy;
      body.push(...(kind === 1 ? copy1(len, offset) : kind === 2 ? copy2(len, offset) : copy4(len, offset)));
      for (let i = 0; i < len; i++) out.push(out[out.length - offset]);
    }
    return { input: new Uint8Array([...varint(out.length), ...body]), expected: new Uint8Array(out) };
  }

  const bytesOf = (next, n) => Array.from({ length: n }, () => Math.floor(next() * 256));
  /** A tail of `n` output bytes: literal bytes, or copies of the prefix (3 input bytes each). */
  function tail(next, n, asCopies) {
    if (!asCopies) return n ? [{ lit: bytesOf(next, n) }] : [];
    const out = [];
    for (let left = n; left > 0; left -= 64) out.push({ copy: [2, Math.min(64, left), 64] });
    return out;
  }

  it('copies at every offset 1-64 and length 1-64, at every distance from the end of the input and of the output', () => {
    const next = rng(0xc0b1);
    let checked = 0;
    for (let offset = 1; offset <= 64; offset++) {
      for (let len = 1; len <= 64; len++) {
        // The prefix at least 64 bytes (the copies in the tail reach 64 back); the copy sometimes
        // from the output's very first byte.
        const prefix = 64 + (len % 3 === 0 ? 0 : Math.floor(next() * 40));
        for (const [k, n] of TAILS.entries()) {
          const asCopies = (k + offset + len) % 2 === 1;
          const kind = len >= 4 && len <= 11 && (offset + len) % 3 === 0 ? 1 : (offset + len) % 5 === 0 ? 3 : 2;
          const { input, expected } = build([{ lit: bytesOf(next, prefix) }, { copy: [kind, len, offset] }, ...tail(next, n, asCopies)]);
          const ours = decodeAt(input, expected.length, (offset + len) % 7);
          if (Buffer.compare(ours, expected) !== 0) expect.fail(`offset ${offset}, length ${len}, tail ${n}${asCopies ? ' of copies' : ''}: wrong bytes`);
          checked++;
        }
      }
    }
    expect(checked).toBe(64 * 64 * TAILS.length);
  });

  it('literals of every length 1-130 in every length form, at every distance from the end of the input and of the output', () => {
    const next = rng(0x1177);
    for (let len = 1; len <= 130; len++) {
      for (const form of len <= 60 ? [0, 1, 2, 3, 4] : [1, 2, 3, 4]) {
        for (const [k, n] of TAILS.entries()) {
          const head = { lit: bytesOf(next, 64 + (k % 5)) }; // the tail's copies reach 64 back
          const { input, expected } = build([head, { lit: bytesOf(next, len), form }, ...tail(next, n, (k + len) % 2 === 1)]);
          const ours = decodeAt(input, expected.length, len % 5);
          if (Buffer.compare(ours, expected) !== 0) expect.fail(`literal of ${len} (form ${form}), tail ${n}: wrong bytes`);
        }
      }
    }
  });

  it('never writes past the output for a stream longer than its header, whatever the copy at the end of the room', () => {
    const next = rng(0x0e0f);
    for (let room = 40; room <= 100; room++) {
      for (const offset of [1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 64]) {
        for (const len of [1, 4, 15, 16, 17, 33, 48, 63, 64]) {
          if (len > room) continue; // the copy fits: what follows it runs past the header's length
          const prefix = 64 + (room % 4);
          // A literal after the copy, longer than any room: the input's end is far, and the
          // stream always longer than the header says.
          const { input } = build([{ lit: bytesOf(next, prefix) }, { copy: [2, len, offset] }, { lit: bytesOf(next, 120) }]);
          const header = varint(prefix + room);
          const stream = new Uint8Array([...header, ...input.subarray(varint(prefix + len + 120).length)]);
          expect(corruptCode(stream, prefix + room)).toMatch(/longer than its length header/);
        }
      }
    }
  });

  it('refuses a corrupt element in the middle of a long stream, where the fast loop decodes it', () => {
    const next = rng(0xfa57);
    const long = (...middle) => build([{ lit: bytesOf(next, 200) }, ...middle, { lit: bytesOf(next, 200) }]);
    const cases = [
      [[{ copy: [2, 8, 0] }], /offset 0/],
      [[{ copy: [1, 8, 0] }], /offset 0/],
      [[{ copy: [2, 8, 201] }], /before the start/],
      [[{ copy: [1, 11, 201] }], /before the start/],
      [[{ copy: [3, 64, 0xffffffff] }], /before the start/],
      [[{ copy: [2, 40, 5] }, { copy: [2, 8, 246] }], /before the start/],
    ];
    for (const [middle, fault] of cases) {
      // The output's length asked for is the one the stream would have with its offsets made good.
      const good = long(...middle.map((e) => ({ copy: [e.copy[0], e.copy[1], 1] })));
      const bad = long(...middle);
      expect(bad.input.length).toBe(good.input.length);
      expect(corruptCode(bad.input, good.expected.length)).toMatch(fault);
    }
    // A literal whose length runs past the input, and one past the output, both with room left.
    const prefix = build([{ lit: bytesOf(next, 200) }]);
    const body = Array.from(prefix.input.subarray(varint(200).length));
    const pastInput = [...varint(200 + 0x8000), ...body, 61 << 2, ...le(0x7fff, 2), ...bytesOf(next, 100)];
    expect(corruptCode(new Uint8Array(pastInput), 200 + 0x8000)).toMatch(/literal runs past/);
    const pastOutput = [...varint(500), ...body, 61 << 2, ...le(400 - 1, 2), ...bytesOf(next, 500)];
    expect(corruptCode(new Uint8Array(pastOutput), 500)).toMatch(/longer than its length header/);
  });

  it('refuses bad arguments with typed errors', () => {
    const input = hysnappy.snappyCompress(new Uint8Array(8));
    const out = new Uint8Array(16);
    for (const args of [[undefined, out, 0, 8], [input, new Uint16Array(8), 0, 8], [Array.from(input), out, 0, 8], [input, out, '0', 8], [input, out, 0]]) {
      const error = thrownBy(() => snappyDecompress(...args));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
    }
    for (const [offset, length] of [[-1, 8], [0.5, 8], [Number.NaN, 8], [9, 8], [17, 0], [0, 17], [0, Infinity], [8, 2 ** 53]]) {
      const error = thrownBy(() => snappyDecompress(input, out, offset, length));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.code).toBe('ERR_OUT_OF_RANGE');
    }
    snappyDecompress(input, out, 8, 8);
    expect([...out.subarray(8)]).toEqual(new Array(8).fill(0));
  });
});
