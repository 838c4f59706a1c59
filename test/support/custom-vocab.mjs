// Vocabularies of one's own for the custom-vocabulary tests: the shipped encodings written out as
// .tiktoken text, the reference built from the same text with tiktoken's Tiktoken constructor,
// and the texts both are compared on.
import { createRequire } from 'node:module';
import { getEncoding } from '../../index.mjs';
import { corpusSamples } from './corpus-samples.mjs';
import { randomText, rng } from './random-text.mjs';

const require = createRequire(import.meta.url);
const { Tiktoken } = require('tiktoken');

/** [rank, bytes] of every ordinary token of a shipped encoding. */
export function rankEntries(name) {
  const enc = getEncoding(name);
  const specials = new Set(Object.values(enc.specialTokens));
  const out = [];
  for (let r = 0; r < enc.nVocab; r++) {
    if (specials.has(r)) continue;
    try {
      out.push([r, enc.tokenBytes(r)]);
    } catch {
      // a gap in the ranks (cl100k_base has no 100256)
    }
  }
  return out;
}

/** .tiktoken text ("base64 rank" lines) of entries. */
export function tiktokenText(entries) {
  return entries.map(([r, bytes]) => `${Buffer.from(bytes).toString('base64')} ${r}`).join('\n') + '\n';
}

/** tiktoken's Tiktoken for the same ranks text, special tokens and pattern. */
export function referenceFor(text, specialTokens, pattern) {
  return new Tiktoken(text, specialTokens, pattern);
}

/** Varied texts: seeded random ones and paragraphs of the corpus samples (as strings). */
export function comparisonTexts(randomCount = 200, seed = 11) {
  const next = rng(seed);
  const texts = [];
  for (let k = 0; k < randomCount; k++) texts.push(randomText(next, 5 + Math.floor(next() * 40)));
  const decoder = new TextDecoder();
  for (const { bytes } of corpusSamples(3)) texts.push(decoder.decode(bytes.subarray(0, 6000)));
  return texts;
}

export const PATTERNS = {
  gpt2: getEncoding('r50k_base').patternSource,
  cl100k: getEncoding('cl100k_base').patternSource,
  o200k: getEncoding('o200k_base').patternSource,
  // Unknown to the native scanners:
  words: String.raw`\S+|\s+`,
  qwen2: String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  gpt2Changed: String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}{1,2}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
  cl100kPossessive: String.raw`'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`,
  lettersOnly: String.raw`\p{L}+|\d+`,
};
