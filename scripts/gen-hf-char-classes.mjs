#!/usr/bin/env node
// Generates src/hf-char-classes.ts: the characters Hugging Face `tokenizers` (the reference for
// tokenizer.json files) cuts at in its Digits and Punctuation pre-tokenizers, probed from the
// installed package on every scalar value. Its Rust code tests them with char::is_numeric (the
// Unicode of the Rust standard library it was built with) and with the unicode_categories crate
// (older tables than the regex engine's), so neither is a property of the pattern dialect.
//
// Usage: node scripts/gen-hf-char-classes.mjs [--check]   (--check: exit 1 if the file differs)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const version = require('tokenizers/package.json').version;
const out = fileURLToPath(new URL('../src/hf-char-classes.ts', import.meta.url));

function preTokenizer(pre) {
  const json = { version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null, pre_tokenizer: pre, model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };
  return Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
}

/** The code points an Isolated one-character pre-tokenizer makes a piece of on their own, between "x"s. */
function probe(pre) {
  const t = preTokenizer(pre);
  const found = [];
  for (let base = 0; base < 0x110000; base += 0x1000) {
    let s = '';
    for (let cp = base; cp < base + 0x1000; cp++) if (cp < 0xd800 || cp > 0xdfff) s += 'x' + String.fromCodePoint(cp);
    for (const [piece] of t.preTokenizeString(s)) {
      const chars = [...piece];
      if (chars.length === 1 && piece !== 'x') found.push(piece.codePointAt(0));
    }
  }
  // "x" itself is neither a digit nor punctuation; check rather than assume.
  if (t.preTokenizeString('xx').length !== 1) throw new Error('probe: "x" is cut');
  return found;
}

function ranges(cps) {
  const parts = [];
  for (let k = 0; k < cps.length; ) {
    let j = k;
    while (j + 1 < cps.length && cps[j + 1] === cps[j] + 1) j++;
    const hex = (cp) => cp.toString(16).toUpperCase().padStart(4, '0');
    parts.push(j === k ? hex(cps[k]) : `${hex(cps[k])}-${hex(cps[j])}`);
    k = j + 1;
  }
  return parts.join(' ');
}

const digits = ranges(probe({ type: 'Digits', individual_digits: true }));
const punctuation = ranges(probe({ type: 'Punctuation', behavior: 'Isolated' }));
const text = `// GENERATED FILE - DO NOT EDIT. Regenerate with: node scripts/gen-hf-char-classes.mjs
// The characters Hugging Face \`tokenizers\` ${version} cuts at in its Digits and Punctuation
// pre-tokenizers, probed on every scalar value.
/** Inclusive ranges in hex, "lo-hi" or "cp", space-separated. */
export const HF_DIGITS = '${digits}';
/** Same format. */
export const HF_PUNCTUATION = '${punctuation}';
`;
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error(`${out} differs from what tokenizers ${version} gives; regenerate it`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
