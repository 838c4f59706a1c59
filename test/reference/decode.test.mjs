// Decoding: text (ill-formed UTF-8 becomes U+FFFD as TextDecoder makes it) and bytes.
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { backend, getEncoding } from '../../index.mjs';
import { ENCODINGS, reference } from '../support/reference.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const decoder = new TextDecoder();
const require = createRequire(import.meta.url);
const { native, bufferText } = require('../../dist/cjs/native.js');

describe.each(ENCODINGS)('%s decode', (name) => {
  const enc = getEncoding(name);
  const ref = reference(name);
  it('decodeBytes equals the reference decode on random id sequences', () => {
    const next = rng(99 + name.length);
    const valid = [];
    for (let id = 0; id < enc.nVocab && valid.length < 5000; id += 1 + Math.floor(next() * 80)) {
      try { enc.tokenBytes(id); valid.push(id); } catch {}
    }
    for (let i = 0; i < 200; i++) {
      const ids = Array.from({ length: 1 + Math.floor(next() * 30) }, () => valid[Math.floor(next() * valid.length)]);
      const ours = enc.decodeBytes(ids);
      const theirs = ref.decode(new Uint32Array(ids));
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      expect(enc.decode(ids)).toBe(decoder.decode(theirs));
    }
  });
});

// Long outputs take other paths than short ones: the text is written in blocks (a character cut
// by a block end must wait for its next bytes), all-ASCII text becomes a one-byte string, and
// long strings are handed to V8 without a copy. Each is held to TextDecoder on the same bytes.
describe.each(['cl100k_base', 'o200k_harmony', 'gpt2'])('%s decode of long id sequences', (name) => {
  const enc = getEncoding(name);
  const byteToken = (b) => enc.encodeSingleToken(Uint8Array.of(b));
  const fragments = Array.from({ length: 256 }, (_, b) => byteToken(b));
  const specials = enc.specialTokens ? Object.values(enc.specialTokens) : [];
  const words = [...enc.encode('plain words, then Ελληνικά, Русский, 中文字符, 😀👍🏽 and more', { allowedSpecial: 'all' })];
  const check = (ids) => {
    const bytes = enc.decodeBytes(ids);
    expect(enc.decode(ids)).toBe(decoder.decode(bytes));
  };
  it('equals TextDecoder on random mixes of byte fragments, words and special tokens', async () => {
    const next = rng(7 + name.length);
    for (let round = 0; round < 12; round++) {
      const length = 2000 + Math.floor(next() * 20000);
      const ids = new Uint32Array(length);
      for (let k = 0; k < length; k++) {
        const pick = next();
        if (pick < 0.45) ids[k] = fragments[0x80 + Math.floor(next() * 128)];
        else if (pick < 0.55) ids[k] = fragments[Math.floor(next() * 128)];
        else if (pick < 0.56 && specials.length) ids[k] = specials[Math.floor(next() * specials.length)];
        else ids[k] = words[Math.floor(next() * words.length)];
      }
      check(ids);
      if (round < 3) expect(await enc.decodeAsync(ids)).toBe(decoder.decode(enc.decodeBytes(ids)));
    }
  });
  it('equals TextDecoder where a character is cut at every offset around the block size', () => {
    // One leading ASCII byte more each time moves the four-byte emoji across any fixed block end.
    const emoji = [...enc.encode('😀')].flatMap((id) => [...enc.tokenBytes(id)]).map(byteToken);
    for (let lead = 4000; lead < 4200; lead += 1) {
      const ids = [...Array(lead).fill(fragments[0x61]), ...emoji, ...emoji.slice(0, 2), fragments[0x62], ...emoji];
      check(ids);
    }
  });
  it('gives all-ASCII and long non-ASCII text as ordinary strings', () => {
    const ascii = enc.encode('The quick brown fox jumps over the lazy dog. '.repeat(2000));
    const text = enc.decode(ascii);
    expect(text).toBe('The quick brown fox jumps over the lazy dog. '.repeat(2000));
    expect(text.slice(4, 9) + text.length).toBe('quick' + 90000);
    const wide = 'Русский текст и 中文 '.repeat(3000);
    const back = enc.decode(enc.encode(wide));
    expect(back).toBe(wide);
    expect(back.split(' ').length).toBe(wide.split(' ').length);
  });
});

describe('decode and memory', () => {
  // Each decode's text must be freed by the garbage collection that frees its string, not later
  // from the event loop: a synchronous loop would otherwise hold every one until it yields.
  // Strings of 2^20 units and more are external strings in memory from malloc (see below), which
  // keeps freed memory for reuse rather than giving it back: so the first loop may grow by what
  // lives between two collections, and a second loop must then reuse that memory. Holding every
  // text would grow each loop by 336 MB.
  it('a synchronous loop of large decodes holds no more than a few of them', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const enc = getEncoding('o200k_base');
    // 1.12M UTF-16 units (~2.2 MB): over the 2^20 units from which the native backend hands the
    // text to Buffer#toString.
    const ids = enc.encode('Русский текст, 中文, and English words. '.repeat(28_000));
    let length = 0;
    const loop = () => {
      for (let i = 0; i < 150; i++) length += enc.decode(ids).length;
      gc();
      return process.memoryUsage().rss / 2 ** 20;
    };
    for (let i = 0; i < 5; i++) length += enc.decode(ids).length;
    gc();
    const before = process.memoryUsage().rss / 2 ** 20;
    const first = loop();
    const second = loop();
    expect(length).toBeGreaterThan(0);
    expect(first - before).toBeLessThan(250);
    expect(second - first).toBeLessThan(100);
  });
});

// Text of 2^20 units and more: the native backend writes it into a buffer that it keeps for the
// next such call and makes the string with Buffer#toString (bufferText, src/native.ts). Each
// result is held to TextDecoder and to V8's copy (setBufferText(undefined)).
describe.each(['cl100k_base', 'o200k_base', 'gpt2'])('%s decode of a million units and more', (name) => {
  const enc = getEncoding(name);
  const large = 2 ** 20;
  // Only the native backend has setBufferText; the WebAssembly one is held to the same texts.
  const watched = typeof native.setBufferText === 'function';
  const viaCopy = (ids) => {
    if (!watched) return enc.decode(ids);
    native.setBufferText(undefined);
    try {
      return enc.decode(ids);
    } finally {
      native.setBufferText(bufferText);
    }
  };
  // Decodes ids with a spy in place of bufferText; returns the text and the views it was given.
  const decodeWatched = (ids) => {
    if (!watched) return { text: enc.decode(ids), views: null };
    const views = [];
    native.setBufferText((view) => {
      views.push(`${view.constructor.name}:${view.length}`);
      return bufferText(view);
    });
    try {
      return { text: enc.decode(ids), views };
    } finally {
      native.setBufferText(bufferText);
    }
  };
  const texts = {
    ascii: 'The quick brown fox, 12 jumps; over the lazy dog.\n'.repeat(Math.ceil(large / 50) + 7),
    wide: 'Ελληνικά, Русский текст, 中文 and 😀👍🏽 emoji.\n'.repeat(Math.ceil(large / 40) + 3),
    mostlyAscii: `${'plain words '.repeat(Math.ceil(large / 12))}ж${'tail'.repeat(9)}`,
  };
  it('hands ASCII text as Latin-1 and other text as UTF-16 to Buffer#toString (native)', () => {
    expect(watched).toBe(backend.startsWith('native'));
    for (const [kind, text] of Object.entries(texts)) {
      const ids = enc.encode(text);
      const { text: back, views } = decodeWatched(ids);
      expect(back, kind).toBe(text);
      expect(back, kind).toBe(decoder.decode(enc.decodeBytes(ids)));
      expect(viaCopy(ids), kind).toBe(text);
      if (watched) expect(views, kind).toEqual([`${kind === 'ascii' ? 'Uint8Array' : 'Uint16Array'}:${text.length}`]);
    }
  });
  it('copies text under a million units, however many bytes it has', () => {
    // 3 bytes per unit: over 2^20 bytes (the length pass's test) but under 2^20 units.
    const text = '中文字符'.repeat(100_000);
    const { text: back, views } = decodeWatched(enc.encode(text));
    expect(back).toBe(text);
    if (watched) expect(views).toEqual([]);
  });
  it('reuses its buffer without leaking an earlier text into a shorter one', () => {
    // Sizes that keep, regrow and replace the kept buffer; every text differs from the one before.
    const sizes = [1.5, 1.1, 3.2, 3.0, 0.7, 1.05, 6.5, 1.2, 1.2];
    sizes.forEach((mb, i) => {
      const unit = i % 2 ? `Русский ${i} текст. ` : `words ${i} and more; `;
      const text = unit.repeat(Math.ceil((mb * large) / unit.length));
      expect(enc.decode(enc.encode(text)), `${mb}M`).toBe(text);
    });
  });
  it('keeps special tokens, ill-formed bytes and cut characters exact at that size', async () => {
    const specials = enc.specialTokens ? Object.values(enc.specialTokens) : [];
    const base = [...enc.encode(texts.wide.slice(0, 4000))];
    const fragment = enc.encodeSingleToken(Uint8Array.of(0xe4));
    const ids = [];
    for (let k = 0; ids.length < 1_200_000; k++) {
      ids.push(...base);
      if (specials.length) ids.push(specials[k % specials.length]);
      if (k % 3 === 0) ids.push(fragment);
    }
    const typed = Uint32Array.from(ids);
    const expected = decoder.decode(enc.decodeBytes(typed));
    expect(expected.length).toBeGreaterThan(large);
    expect(enc.decode(typed)).toBe(expected);
    expect(await enc.decodeAsync(typed)).toBe(expected);
  });
  it('is not changed by Buffer methods replaced after load', () => {
    const { toString, latin1Slice, ucs2Slice } = Buffer.prototype;
    const from = Buffer.from;
    Buffer.prototype.toString = () => 'patched';
    Buffer.prototype.latin1Slice = () => 'patched';
    Buffer.prototype.ucs2Slice = () => 'patched';
    Buffer.from = () => Buffer.alloc(0);
    try {
      expect(enc.decode(enc.encode(texts.ascii))).toBe(texts.ascii);
      expect(enc.decode(enc.encode(texts.wide))).toBe(texts.wide);
    } finally {
      Object.assign(Buffer.prototype, { toString, latin1Slice, ucs2Slice });
      Buffer.from = from;
    }
  });
  it('passes on an error thrown while making the string', async () => {
    if (!watched) return;
    const ids = enc.encode(texts.wide);
    native.setBufferText(() => {
      throw new RangeError('from the string maker');
    });
    try {
      expect(() => enc.decode(ids)).toThrow('from the string maker');
      await expect(enc.decodeAsync(ids)).rejects.toThrow('from the string maker');
    } finally {
      native.setBufferText(bufferText);
    }
    expect(enc.decode(ids)).toBe(texts.wide);
  });
});

describe('decode', () => {
  const enc = getEncoding('o200k_base');
  it('accepts Uint32Array, arrays and other integer typed arrays', () => {
    const ids = enc.encode('hello world');
    expect(enc.decode(ids)).toBe('hello world');
    expect(enc.decode([...ids])).toBe('hello world');
    expect(enc.decode(Int32Array.from(ids))).toBe('hello world');
    expect(enc.decode([])).toBe('');
    expect(enc.decodeBytes([])).toEqual(new Uint8Array(0));
  });
  it('replaces a split multi-byte character with U+FFFD', () => {
    const ids = enc.encode('😀');
    const parts = [...ids].map((id) => enc.decode([id]));
    for (const part of parts) expect(part).toBe(decoder.decode(enc.tokenBytes(Number([...ids][parts.indexOf(part)]))));
    expect(enc.decode(ids)).toBe('😀');
  });
  it('round-trips long random text', () => {
    const text = randomText(rng(5), 5000);
    expect(enc.decode(enc.encode(text, { allowedSpecial: 'all' }))).toBe(text);
    expect(decoder.decode(enc.decodeBytes(enc.encodeOrdinary(text)))).toBe(text);
  });
});
