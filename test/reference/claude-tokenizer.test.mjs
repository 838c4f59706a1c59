// @anthropic-ai/tokenizer's vocabulary (tiktoken-style ranks in the npm tiktoken package's "!"
// form, a split pattern, special tokens), loaded with new Encoding and held to that package's own
// getTokenizer().encode(text.normalize('NFKC'), 'all'): 7 of its tokens are 256-1,024 bytes long
// (runs of spaces among them), which the core's one-byte token lengths once refused.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { corpusSamples } from '../support/corpus-samples.mjs';
import { randomText, rng } from '../support/random-text.mjs';
import { WORST_CASES, repeatToBytes } from '../support/worst-cases.mjs';

const require = createRequire(import.meta.url);
const claude = require('@anthropic-ai/tokenizer/dist/cjs/claude.json');
const { getTokenizer } = require('@anthropic-ai/tokenizer');

const enc = new Encoding({ name: 'claude', pattern: claude.pat_str, ranks: claude.bpe_ranks, specialTokens: claude.special_tokens });
const reference = getTokenizer();

function compare(texts) {
  const failures = [];
  for (const raw of texts) {
    const text = raw.normalize('NFKC');
    const ours = [...enc.encode(text, { allowedSpecial: 'all' })];
    const theirs = [...reference.encode(text, 'all')];
    if (ours.join() !== theirs.join()) {
      failures.push({ text: text.slice(0, 120), length: text.length, ours: ours.slice(0, 12), theirs: theirs.slice(0, 12) });
      if (failures.length >= 3) break;
    }
    const back = enc.decode(ours);
    if (back !== text) failures.push({ text: text.slice(0, 120), decoded: back.slice(0, 120) });
  }
  return failures;
}

describe('@anthropic-ai/tokenizer ranks with new Encoding', () => {
  it('has tokens longer than 255 bytes, which encode whole and decode back', () => {
    const long = [];
    for (let id = 0; id <= enc.maxTokenValue; id++) {
      let bytes;
      try {
        bytes = enc.tokenBytes(id);
      } catch {
        continue; // a special token's id
      }
      if (bytes.length > 255) long.push([id, bytes]);
    }
    expect(long.length).toBe(7);
    for (const [id, bytes] of long) {
      expect([...enc.encode(bytes)]).toEqual([id]);
      expect(Buffer.from(enc.decodeBytes([id, id])).equals(Buffer.concat([bytes, bytes]))).toBe(true);
      expect([...reference.encode(Buffer.from(bytes).toString('utf8'), 'all')]).toEqual([id]);
    }
  });

  it('matches on the corpus', () => {
    const decoder = new TextDecoder();
    const texts = corpusSamples(4).map(({ bytes }) => decoder.decode(bytes.subarray(0, 20000)));
    expect(texts.length).toBeGreaterThan(10);
    expect(compare(texts)).toEqual([]);
  });

  it('matches on seeded random text', () => {
    const next = rng(0xc1a0de);
    const texts = [];
    for (let k = 0; k < 400; k++) texts.push(randomText(next, 5 + Math.floor(next() * 60)));
    expect(compare(texts)).toEqual([]);
  });

  it('matches on runs of spaces and other whitespace of every length to 2100', () => {
    const texts = [];
    for (let n = 1; n <= 2100; n += n < 300 ? 1 : 17) {
      texts.push(' '.repeat(n), `x${' '.repeat(n)}y`, `${'\n'.repeat(n % 97)}${' '.repeat(n)}a`);
    }
    for (const n of [255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 3000]) {
      texts.push(' '.repeat(n), '\t'.repeat(n), ` ${'\u3000'.repeat(n)}`, `a${' '.repeat(n)}\n`);
    }
    expect(compare(texts)).toEqual([]);
  });

  it('matches on adversarial input and special-token text', () => {
    const texts = Object.values(WORST_CASES).map((unit) => repeatToBytes(unit, 4000));
    texts.push('<EOT><META>x<META_START> <META_END><SOS>', '<EOT'.repeat(500), `${' '.repeat(1024)}<EOT>${' '.repeat(1024)}`);
    expect(compare(texts)).toEqual([]);
  });
});
