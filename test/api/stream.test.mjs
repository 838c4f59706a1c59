// encodeStream and createDecoder: exact for any chunking. First the cut rules themselves (every
// cut they allow, checked against encode of the whole), then the streams on random chunkings of
// random text and real documents, special tokens across chunks, errors, and linear work.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TurbotokenError, createDecoder, encodeStream, getEncoding } from '../../index.mjs';
import { randomChunks, runTransform } from '../support/chunking.mjs';
import { corpusSamples } from '../support/corpus-samples.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { Segmenter, cutRules, isSafeCut, isWhiteSpace } = require('../../dist/cjs/safe-cut.js');
const err = (Type, code) => expect.objectContaining({ constructor: Type, code });
const ALL = { allowedSpecial: 'all' };
const ORDINARY = { disallowedSpecial: [] };
// Seams where the rules matter: whitespace runs before text, newlines, '/', special tokens.
const SEAMS = [' ', '  ', ' \n', '\n', '\n\n', '\r\n', '\t', ' \t', '\u00a0', '\u3000', '\u2028', '\u0085', '/', "'s", '<|endoftext|>', '  <|endoftext|>', '\n<|fim_prefix|>', 'a', '1'];

function seamText(next, atoms) {
  let text = '';
  for (let i = 0; i < atoms; i++) text += next() < 0.5 ? SEAMS[Math.floor(next() * SEAMS.length)] : randomText(next, 1);
  return text;
}

const rulesOf = (enc) => cutRules(enc.patternSource, Object.keys(enc.specialTokens));

describe('the cut rules', () => {
  it('know White_Space exactly (the reference\'s \\s: JavaScript\'s, less U+FEFF, plus U+0085)', () => {
    for (let c = 0; c < 0x110000; c++) {
      const js = c !== 0xfeff && (c === 0x85 || /\s/u.test(String.fromCodePoint(c)));
      if (isWhiteSpace(c) !== js) expect.fail(`U+${c.toString(16)}`);
    }
  });

  it.each(ENCODINGS)('%s: every cut they allow encodes exactly, with and without special tokens', (name) => {
    const enc = getEncoding(name);
    const rules = rulesOf(enc);
    expect(rules).not.toBeNull();
    const next = rng(0x5afe + name.length);
    let cuts = 0;
    for (let t = 0; t < 400; t++) {
      const text = t % 2 ? seamText(next, 40) : randomText(next, 30);
      for (const options of [ALL, ORDINARY]) {
        const whole = enc.encode(text, options).join();
        for (let p = 1; p < text.length; p++) {
          if (!isSafeCut(text, p, rules)) continue;
          cuts++;
          const split = [...enc.encode(text.slice(0, p), options), ...enc.encode(text.slice(p), options)].join();
          if (split !== whole) expect.fail(`${name}: cut ${JSON.stringify(text.slice(0, p))} | ${JSON.stringify(text.slice(p))}`);
        }
      }
    }
    expect(cuts).toBeGreaterThan(6000);
  });
});

describe('Segmenter', () => {
  const rules = rulesOf(getEncoding('o200k_base'));
  it('gives back exactly its input, in segments that end at allowed cuts and are at least the target long', () => {
    const next = rng(0x5e6);
    for (let t = 0; t < 200; t++) {
      const text = seamText(next, 60);
      const target = [undefined, 1, 8, 100][t % 4];
      const segmenter = new Segmenter(rules, target);
      const segments = randomChunks(next, text).flatMap((chunk) => segmenter.push(chunk));
      let at = 0;
      for (const segment of segments) {
        expect(segment.length).toBeGreaterThanOrEqual(target ?? 1);
        at += segment.length;
        expect(isSafeCut(text, at, rules)).toBe(true);
      }
      expect(segments.join('') + segmenter.end()).toBe(text);
    }
  });
  it('holds back little on real text, everything when there is no cut', () => {
    const segmenter = new Segmenter(rules);
    let most = 0;
    for (const chunk of randomChunks(rng(1), PARAGRAPHS.join('\n').repeat(20))) {
      segmenter.push(chunk);
      most = Math.max(most, segmenter.heldLength);
    }
    expect(most).toBeLessThan(4200);
    const none = new Segmenter(rules);
    for (let i = 0; i < 100; i++) expect(none.push('中文字')).toEqual([]);
    expect(none.heldLength).toBe(300);
  });
  it('does linear work however the input is chunked: each position examined at most twice, each character copied at most twice', () => {
    const next = rng(0x11e);
    const inputs = {
      'no cut point': '中文字'.repeat(20000),
      'one long run of spaces': ' '.repeat(60000),
      'words': 'word '.repeat(12000),
      'random': seamText(next, 3000),
    };
    for (const [label, text] of Object.entries(inputs)) {
      for (const target of [undefined, 1, 64, 4096]) {
        for (const sizes of [() => 1, () => 1 + Math.floor(next() * 7), () => 1000]) {
          const segmenter = new Segmenter(rules, target);
          let out = '';
          for (let at = 0; at < text.length; ) {
            const size = sizes();
            out += segmenter.push(text.slice(at, at + size)).join('');
            at += size;
          }
          expect(out + segmenter.end()).toBe(text);
          const { examined, copied } = segmenter.work;
          if (examined > 2 * text.length || copied > 2 * text.length) expect.fail(`${label}, target ${target}: examined ${examined}, copied ${copied} for ${text.length}`);
        }
      }
    }
  });
  // The work counts above are the exact check; this one guards the time. Quadratic would be 16x;
  // 8x leaves room for GC and a loaded machine (one measurement beside other processes can pass
  // 5.5x, and 8x once in a while: cpuGrowth measures again when one is over).
  it('takes time linear in the input: 4x the chunks take at most 8x the CPU time', () => {
    const run = (chunk, count) => () => {
      const segmenter = new Segmenter(rules);
      for (let i = 0; i < count; i++) segmenter.push(chunk);
      segmenter.end();
    };
    for (const unit of ['abc', 'word ']) {
      const chunk = unit.repeat(1000).slice(0, 1000);
      run(chunk, 1000)();
      expect(cpuGrowth(run(chunk, 2000), run(chunk, 8000), { bound: 8 })).toBeLessThan(8);
    }
  });
});

describe.each(['r50k_base', 'cl100k_base', 'o200k_base', 'o200k_harmony'])('encodeStream on %s', (name) => {
  const enc = getEncoding(name);

  it('equals encode(whole) for random chunkings of random text (strings, surrogate pairs split)', async () => {
    const next = rng(0x57e4 + name.length);
    for (let t = 0; t < 40; t++) {
      const text = t % 2 ? seamText(next, 200) : randomText(next, 150);
      const options = t % 4 < 2 ? ALL : ORDINARY;
      const ids = await runTransform(encodeStream(enc, options), randomChunks(next, text));
      expect(ids).toEqual([...enc.encode(text, options)]);
    }
  });

  it('equals encode(bytes) for random byte chunkings, ill-formed UTF-8 and a byte-order mark included', async () => {
    const next = rng(0xb17e + name.length);
    for (let t = 0; t < 30; t++) {
      const parts = [Buffer.from((t === 0 ? '\ufeff' : '') + randomText(next, 120))];
      if (t % 3 === 1) parts.push(Buffer.from([0xe2, 0x82, 0x20, 0xff, 0xf0, 0x9f, 0x98]), Buffer.from(randomText(next, 20)), Buffer.from([0xc3]));
      const bytes = Buffer.concat(parts);
      const ids = await runTransform(encodeStream(name, ALL), randomChunks(next, bytes));
      expect(ids).toEqual([...enc.encode(bytes, ALL)]);
    }
  });

  it('equals encode(whole) on real documents in random chunks', async () => {
    const next = rng(0xd0c + name.length);
    for (const { name: file, bytes } of corpusSamples(name === 'o200k_base' ? 6 : 2)) {
      const chunks = randomChunks(next, next() < 0.5 ? bytes : bytes.toString('utf8'));
      const ids = await runTransform(encodeStream(enc, ORDINARY), chunks);
      if (ids.join() !== enc.encode(bytes, ORDINARY).join()) expect.fail(`${name}: ${file}`);
    }
  });

  it('encodes special tokens split across chunks when allowed', async () => {
    const text = 'a <|endoftext|>  <|endoftext|>\n<|endoftext|>x<|endoftext|><|endoftext|> b  ';
    const whole = [...enc.encode(text, ALL)];
    for (let p = 1; p < text.length; p++) {
      for (let q = p + 1; q < text.length; q += 5) {
        const ids = await runTransform(encodeStream(enc, { allowedSpecial: ['<|endoftext|>'] }), [text.slice(0, p), text.slice(p, q), text.slice(q)]);
        expect(ids).toEqual(whole);
      }
    }
  });
});

describe('encodeStream errors and inputs', () => {
  const enc = getEncoding('cl100k_base');
  it('fails the stream on a disallowed special token, also one split across chunks', async () => {
    const chunks = ['hello world '.repeat(100), 'then <|endof', 'text|> more'];
    await expect(runTransform(encodeStream(enc), chunks)).rejects.toThrow(err(TurbotokenError, 'ERR_DISALLOWED_SPECIAL_TOKEN'));
    await expect(runTransform(encodeStream(enc, { allowedSpecial: ['<|fim_prefix|>'] }), ['<|fim_prefix|> <|endoftext|>'])).rejects.toThrow(
      err(TurbotokenError, 'ERR_DISALLOWED_SPECIAL_TOKEN'),
    );
    expect(await runTransform(encodeStream(enc, ORDINARY), chunks)).toEqual([...enc.encodeOrdinary(chunks.join(''))]);
  });
  it('checks its arguments when called', () => {
    expect(() => encodeStream(enc, { allowedSpecial: ['<|nope|>'] })).toThrow(err(TurbotokenError, 'ERR_UNKNOWN_SPECIAL_TOKEN'));
    expect(() => encodeStream(enc, 5)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => encodeStream(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => encodeStream('nope')).toThrow(err(TurbotokenError, 'ERR_UNKNOWN_ENCODING'));
    expect(() => createDecoder({})).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });
  it('reads strings written with another encoding, and mixed strings and bytes', async () => {
    expect(await runTransform(encodeStream(enc), [])).toEqual([]);
    const hex = encodeStream(enc);
    const out = [];
    hex.on('data', (ids) => out.push(...ids));
    hex.write(Buffer.from('hello world').toString('hex'), 'hex');
    hex.end();
    await new Promise((resolve) => hex.on('end', resolve));
    expect(out).toEqual([...enc.encode('hello world')]);
    // A string chunk ends an unfinished byte sequence before it, as U+FFFD.
    const mixed = await runTransform(encodeStream(enc), [Buffer.from([0x61, 0xe2, 0x82]), 'b c', new Uint8Array([0x20, 0x64])]);
    expect(mixed).toEqual([...enc.encode('a\ufffdb c d')]);
  });
  it('emits ids before the end when the input has cut points', async () => {
    const stream = encodeStream(enc);
    const seen = [];
    stream.on('data', (ids) => seen.push(ids));
    stream.write('hello world, this is ');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.length).toBe(1);
    expect(seen[0]).toBeInstanceOf(Uint32Array);
    expect(enc.decode(seen[0])).toBe('hello world, this is');
    stream.end('streamed');
  });
});

describe('createDecoder', () => {
  it.each(['cl100k_base', 'o200k_base'])('%s: random id splits join to decode(all), never a broken character', (name) => {
    const enc = getEncoding(name);
    const next = rng(0xdec + name.length);
    for (let t = 0; t < 60; t++) {
      const ids = [...enc.encode(randomText(next, 40), ALL)];
      const decoder = createDecoder(t % 2 ? name : enc);
      let text = '';
      for (let at = 0; at < ids.length; ) {
        const size = Math.floor(next() * 4);
        const piece = decoder.write(t % 3 ? ids.slice(at, at + size) : Uint32Array.from(ids.slice(at, at + size)));
        expect(piece.isWellFormed()).toBe(true);
        text += piece;
        at += size;
      }
      expect(text + decoder.end()).toBe(enc.decode(ids));
    }
  });
  it('ends a cut character as U+FFFD, then starts afresh; checks ids', () => {
    const enc = getEncoding('o200k_base');
    const decoder = createDecoder(enc);
    const ids = [...enc.encode('𐌰')]; // four byte tokens
    expect(ids.length).toBe(4);
    expect(decoder.write(ids.slice(0, 1))).toBe('');
    expect(decoder.write(ids.slice(1, 3))).toBe('');
    expect(decoder.end()).toBe(enc.decode(ids.slice(0, 3)));
    expect(decoder.write(enc.encode('ok'))).toBe('ok');
    expect(() => decoder.write([1.5])).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => decoder.write([300000])).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
  });
});
