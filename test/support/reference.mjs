// The reference tokenizer: the `tiktoken` npm package. It has no o200k_harmony, so that one is
// built with its Tiktoken constructor from o200k_base plus the harmony special tokens, exactly as
// data/encodings.json records them (from tiktoken's Python registry).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const tiktoken = require('tiktoken');
const manifest = JSON.parse(readFileSync(new URL('../../data/encodings.json', import.meta.url), 'utf8'));

export const ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base', 'o200k_harmony'];

const cache = new Map();

export function reference(name) {
  if (cache.has(name)) return cache.get(name);
  let enc;
  if (name === 'o200k_harmony') {
    const base = require('tiktoken/encoders/o200k_base.json');
    enc = new tiktoken.Tiktoken(base.bpe_ranks, manifest.encodings.o200k_harmony.specialTokens, base.pat_str);
  } else {
    enc = tiktoken.get_encoding(name);
  }
  cache.set(name, enc);
  return enc;
}

/** Reference ids for text with every special token allowed (its encode(text, 'all')). */
export function referenceEncodeAll(name, text) {
  return reference(name).encode(text, 'all');
}

export function sameIds(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A readable account of where two id arrays first differ, as token texts. */
export function describeMismatch(name, ours, ref, text) {
  let k = 0;
  while (k < ours.length && k < ref.length && ours[k] === ref[k]) k++;
  const r = reference(name);
  const show = (ids) =>
    [...ids.slice(Math.max(0, k - 2), k + 5)].map((id) => JSON.stringify(Buffer.from(r.decode(new Uint32Array([id]))).toString())).join(' ');
  return `${name}: first difference at token ${k} of ${ours.length}/${ref.length}\n  ours: ${show(ours)}\n  ref : ${show(ref)}\n  text: ${JSON.stringify(text.length > 300 ? text.slice(0, 300) + '…' : text)}`;
}
