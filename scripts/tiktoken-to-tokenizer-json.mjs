#!/usr/bin/env node
// Writes a Hugging Face tokenizer.json for a shipped encoding, so that tests can compare
// Encoding.fromTokenizerJson with the `tokenizers` package on real vocabularies.
//
//   node scripts/tiktoken-to-tokenizer-json.mjs <encoding> <out.json> [--max-rank N] [--string-merges] [--no-ignore-merges] [--pattern P]
//
// Each token's merge is the last step of tiktoken's BPE on its own bytes with only lower ranks
// allowed, so the merges list is in rank order. Tokens that this BPE cannot build from two lower
// tokens (none in the shipped vocabularies) get no merge. Token ids are the ranks.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** GPT-2's byte -> printable character table. */
export function byteLevelAlphabet() {
  const table = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table.push(String.fromCodePoint(printable ? b : 256 + extra++));
  }
  return table;
}

const keyOf = (bytes) => Buffer.from(bytes).toString('latin1');

/** tiktoken's BPE of `bytes` using only ranks below maxRank: the final parts. */
function partsBelow(bytes, ranks, maxRank) {
  let parts = Array.from(bytes, (b) => [b]);
  for (;;) {
    let best = -1;
    let bestRank = maxRank;
    for (let k = 0; k + 1 < parts.length; k++) {
      const r = ranks.get(keyOf([...parts[k], ...parts[k + 1]]));
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = k;
      }
    }
    if (best < 0) return parts;
    parts = [...parts.slice(0, best), [...parts[best], ...parts[best + 1]], ...parts.slice(best + 2)];
  }
}

/** The tokenizer.json object for a turbotoken Encoding (ranks below maxRank). */
export function tokenizerJsonFor(encoding, { maxRank = Infinity, stringMerges = false, ignoreMerges = true, pattern } = {}) {
  const alphabet = byteLevelAlphabet();
  const specialIds = new Set(Object.values(encoding.specialTokens));
  const tokens = [];
  for (let r = 0; r < Math.min(encoding.nVocab, maxRank); r++) {
    if (specialIds.has(r)) continue;
    let bytes;
    try {
      bytes = encoding.tokenBytes(r);
    } catch {
      continue; // a gap in the ranks
    }
    tokens.push([r, bytes]);
  }
  const ranks = new Map(tokens.map(([r, b]) => [keyOf(b), r]));
  const text = (bytes) => Array.from(bytes, (b) => alphabet[b]).join('');
  const vocab = {};
  const merges = [];
  for (const [r, bytes] of tokens) {
    vocab[text(bytes)] = r;
    if (bytes.length < 2) continue;
    const parts = partsBelow(bytes, ranks, r);
    if (parts.length !== 2) continue;
    const pair = [text(parts[0]), text(parts[1])];
    merges.push(stringMerges ? pair.join(' ') : pair);
  }
  const family = pattern ?? encoding.patternSource;
  const gpt2 = family === require('../dist/cjs/safe-cut.js').GPT2_PATTERN;
  const byteLevel = (useRegex) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
  const addedTokens = Object.entries(encoding.specialTokens)
    .filter(([, id]) => id < maxRank || maxRank === Infinity)
    .map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: gpt2
      ? byteLevel(true)
      : { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: family }, behavior: 'Isolated', invert: false }, byteLevel(false)] },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: ignoreMerges,
      vocab,
      merges,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name, out, ...flags] = process.argv.slice(2);
  if (!name || !out) {
    console.error('usage: node scripts/tiktoken-to-tokenizer-json.mjs <encoding> <out.json> [--max-rank N] [--string-merges] [--no-ignore-merges] [--pattern P]');
    process.exit(2);
  }
  const { getEncoding } = require('../dist/cjs/index.js');
  const option = (flag) => {
    const k = flags.indexOf(flag);
    return k < 0 ? undefined : flags[k + 1];
  };
  const json = tokenizerJsonFor(getEncoding(name), {
    maxRank: option('--max-rank') === undefined ? Infinity : Number(option('--max-rank')),
    stringMerges: flags.includes('--string-merges'),
    ignoreMerges: !flags.includes('--no-ignore-merges'),
    pattern: option('--pattern'),
  });
  writeFileSync(out, JSON.stringify(json));
  console.log(`${out}: ${Object.keys(json.model.vocab).length} tokens, ${json.model.merges.length} merges`);
}
