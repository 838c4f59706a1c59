// A tokenizer.json with an NFC normalizer hands text that NFC changes to the core as UTF-8 bytes
// built from the changed runs (src/nfc-quick.ts nfcUtf8, PatternHandle.encodeUtf8), not as a
// normalized string. Those bytes must be the normalized text's, and Qwen3's ids on such texts
// (decomposed letters, Hangul jamo, singletons, with and without its added tokens around them)
// must be Hugging Face's.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { expectSameAsHf, hfTokenizer, modelFile } from '../support/models-hf.mjs';

const require = createRequire(import.meta.url);
const { nfcUtf8, nfcEdits } = require('../../dist/cjs/nfc-quick.js');

function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// Pieces that NFC changes or leaves, in every script width (one-byte, two-byte, astral).
const ALPHABET = ['a', 'u', ' ', '\n', 'é', 'e\u0301', 'u\u0308', '\u0301', '\u0327\u0300', '\u212b', 'A\u030a', '\u1100\u1161\u11a8', '\uac00', '中文', '\u0958', '\u0915\u093c', '\u{1d15e}', '😀', 'ü', 'Ω', '\u2126', 'x'.repeat(20), ' 123 '];

function randomTexts(count, seed, length) {
  const next = random(seed);
  const texts = [];
  for (let n = 0; n < count; n++) {
    let s = '';
    const k = 1 + Math.floor(next() * length);
    for (let j = 0; j < k; j++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
    texts.push(s);
  }
  return texts;
}

describe('nfcUtf8', () => {
  it('is the text itself when NFC already, else the UTF-8 of text.normalize("NFC")', () => {
    const bad = [];
    let changed = 0;
    for (const s of randomTexts(4000, 7, 30)) {
      const out = nfcUtf8(s);
      const want = s.normalize('NFC');
      if (typeof out === 'string') {
        if (out !== s || want !== s) bad.push(JSON.stringify(s));
      } else {
        changed++;
        if (want === s || !Buffer.from(out).equals(Buffer.from(want, 'utf8'))) bad.push(JSON.stringify(s));
      }
    }
    expect(bad).toEqual([]);
    expect(changed).toBeGreaterThan(1000);
  });

  it('on a long text with a few changed runs far apart', () => {
    const text = 'plain text, 中文 and u\u0308 here. '.repeat(20_000) + 'e\u0301nd \u212b';
    const out = nfcUtf8(text);
    expect(nfcEdits(text).length).toBe(20_002);
    expect(Buffer.from(out).equals(Buffer.from(text.normalize('NFC'), 'utf8'))).toBe(true);
  });
});

describe('qwen3 (NFC normalizer) on text that NFC changes, against Hugging Face tokenizers', () => {
  const ours = Encoding.fromTokenizerJson(modelFile('qwen3'));
  const hf = hfTokenizer('qwen3');
  const decode = (ids) => ours.decode(ids);

  it('random texts, default options and every special token allowed', async () => {
    const texts = randomTexts(400, 23, 40);
    // Added tokens (normalized: false) between changed runs: the raw-token path cuts the text.
    texts.push(...randomTexts(100, 29, 20).map((t, k) => (k % 2 ? `${t}<think>u\u0308</think>${t}` : `<|im_start|>${t}<|im_end|>`)));
    await expectSameAsHf(hf, (t) => ours.encode(t), decode, texts);
    await expectSameAsHf(hf, (t) => ours.encode(t, { allowedSpecial: 'all' }), decode, texts);
  });

  it('a long text and its count, equal to the encode of the normalized text', async () => {
    const text = randomTexts(1, 31, 4000)[0];
    await expectSameAsHf(hf, (t) => ours.encode(t), decode, [text]);
    expect([...ours.encode(text)]).toEqual([...ours.encode(text.normalize('NFC'))]);
    expect(ours.count(text)).toBe(ours.encode(text.normalize('NFC')).length);
  });
});
