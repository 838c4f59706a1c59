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

// Byte strings are latin1 strings (one char per byte): joining two parts is a string concatenation,
// and a Map looks strings up by value.
const keyOf = (bytes) => Buffer.from(bytes).toString('latin1');

/** tiktoken's BPE of `bytes` using only ranks below maxRank: the final parts, as latin1 strings. */
function partsBelow(bytes, ranks, maxRank) {
  const parts = Array.from(keyOf(bytes));
  for (;;) {
    let best = -1;
    let bestRank = maxRank;
    for (let k = 0; k + 1 < parts.length; k++) {
      const r = ranks.get(parts[k] + parts[k + 1]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = k;
      }
    }
    if (best < 0) return parts;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
  }
}

// An encoding's tokens and merges, computed once per Encoding object and only as far as a file
// asks (maxRank): tests build several files from one shipped encoding, and the merges of
// cl100k_base take seconds. A token's merge depends only on lower ranks, so the ranks seen so far
// are all its BPE needs.
const vocabularies = new WeakMap();

/** [rank, token text, merge pair or null] of the ordinary tokens of `encoding` below maxRank. */
function vocabularyOf(encoding, maxRank) {
  let state = vocabularies.get(encoding);
  if (!state) {
    state = { next: 0, entries: [], ranks: new Map(), specialIds: new Set(Object.values(encoding.specialTokens)) };
    vocabularies.set(encoding, state);
  }
  const alphabet = byteLevelAlphabet();
  const text = (bytes) => Array.from(bytes, (b) => alphabet[b]).join('');
  const latin1Text = (part) => Array.from(part, (c) => alphabet[c.charCodeAt(0)]).join('');
  const end = Math.min(encoding.nVocab, maxRank);
  for (; state.next < end; state.next++) {
    const r = state.next;
    if (state.specialIds.has(r)) continue;
    let bytes;
    try {
      bytes = encoding.tokenBytes(r);
    } catch {
      continue; // a gap in the ranks
    }
    const parts = bytes.length < 2 ? [] : partsBelow(bytes, state.ranks, r);
    state.entries.push([r, text(bytes), parts.length === 2 ? [latin1Text(parts[0]), latin1Text(parts[1])] : null]);
    state.ranks.set(keyOf(bytes), r);
  }
  return state.entries;
}

/** The tokenizer.json object for a turbotoken Encoding (ranks below maxRank). */
export function tokenizerJsonFor(encoding, { maxRank = Infinity, stringMerges = false, ignoreMerges = true, pattern } = {}) {
  const vocab = {};
  const merges = [];
  for (const [r, token, pair] of vocabularyOf(encoding, maxRank)) {
    if (r >= maxRank) break;
    vocab[token] = r;
    if (pair) merges.push(stringMerges ? pair.join(' ') : [...pair]);
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
