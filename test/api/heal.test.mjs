// Token healing and the prefix index (docs/inference.md), against a scan of the whole vocabulary:
// the kept ids and the removed bytes rebuild the text, every allowed token starts with the removed
// bytes and none is missing, and the number of tokens taken off is the largest the rules allow.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { describeEncodings } from '../support/inference-encodings.mjs';
import { scanPrefix, vocabularyScan } from '../support/inference-reference.mjs';
import { randomTexts } from '../support/random-text.mjs';
import { modelFile } from '../support/models-hf.mjs';

const err = (Type, code) => expect.objectContaining({ constructor: Type, code });

const texts = (seed, count) => randomTexts(seed, count, 12, ['', 'a', ' ', 'Hello, wor', 'The url is http:', 'naïve caf', '日本', '😀👍', PARAGRAPHS[0].slice(0, 300)]);

// Scanning every token per query is the slow part: r50k_base's 50k tokens keep it to seconds.
describeEncodings(['r50k_base'], 'heal on %s', (enc, name) => {
  const scan = vocabularyScan(enc);

  it('tokensWithPrefix is the scan of every token', () => {
    const prefixes = ['', ' ', 'a', ' the', 'ing', '\n', '日', Buffer.from([0xe6]), Buffer.from([0xff]), 'zzzzqqqq', '<|endoftext'];
    for (const prefix of prefixes) {
      const got = enc.tokensWithPrefix(prefix);
      expect(got).toBeInstanceOf(Uint32Array);
      expect([...got]).toEqual(scanPrefix(scan, prefix));
    }
    expect(enc.tokensWithPrefix('').length).toBe(scan.list.length);
  });

  it('kept ids and removed bytes rebuild the text; allowed is every token starting with removed', () => {
    for (const text of texts(name.length, 8)) {
      for (const maxBacktrack of [0, 2, 10]) {
        const options = { maxBacktrack, disallowedSpecial: [] };
        const { ids, removed, allowed } = enc.heal(text, options);
        const all = enc.encode(text, { disallowedSpecial: [] });
        expect(Buffer.concat([enc.decodeBytes(ids), removed]).equals(Buffer.from(enc.decodeBytes(all)))).toBe(true);
        expect([...ids]).toEqual([...all.subarray(0, ids.length)]);
        expect([...allowed]).toEqual(scanPrefix(scan, removed));
        // The largest k the rules allow (docs/inference.md), by trying every k.
        let expected = 0;
        for (let k = 1; k <= Math.min(maxBacktrack, all.length); k++) {
          const bytes = Buffer.from(enc.decodeBytes(all.subarray(all.length - k)));
          if (bytes.length > scan.maxLength) break;
          if (scanPrefix(scan, bytes).length > 0) expected = k;
        }
        expect(all.length - ids.length).toBe(expected);
        expect(removed.length).toBeLessThanOrEqual(scan.maxLength);
      }
    }
  });
});

describe('heal: special tokens, arguments, encodings it does not apply to', () => {
  const enc = getEncoding('cl100k_base');

  it('never takes a special token off the end', () => {
    const { ids, removed } = enc.heal('hi<|endoftext|>', { allowedSpecial: 'all' });
    expect(ids[ids.length - 1]).toBe(enc.eotToken);
    expect(removed.length).toBe(0);
    expect(() => enc.heal('hi<|endoftext|>')).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
  });

  it('refuses bad arguments with typed errors', () => {
    expect(() => enc.heal('x', { maxBacktrack: -1 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.heal('x', { maxBacktrack: 1.5 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.heal('x', { maxBacktrack: '2' })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.heal(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.heal('x', 'options')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.tokensWithPrefix(7)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('is ERR_NOT_SUPPORTED for a SentencePiece-style encoding', () => {
    const sp = Encoding.fromTokenizerJson(modelFile('llama2'));
    expect(() => sp.heal('hello')).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
  });
});
