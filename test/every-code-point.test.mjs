// Every Unicode scalar value, each in several contexts, through each pre-tokenizer family:
// token-for-token equal to tiktoken. This checks the generated class tables and the scanners
// together on the whole code space, not on a sample.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { describeMismatch, reference, sameIds } from './support/reference.mjs';

// One encoding per family; the family decides the splitting, the vocabulary only the merging.
const FAMILIES = ['r50k_base', 'cl100k_base', 'o200k_base'];

// Contexts put the code point X after and before each kind of neighbour the patterns care about:
// a letter (lower and upper), a space, an apostrophe (contractions), a digit, punctuation, a mark,
// a newline, and itself.
const CONTEXTS = [
  (x) => `a${x}b`,
  (x) => ` ${x}${x}`,
  (x) => `'${x}s`,
  (x) => `A${x}a'S`,
  (x) => `1${x}2`,
  (x) => `.${x} `,
  (x) => `\u0301${x}\n`,
  (x) => `${x}\t`,
];
const SEPARATOR = '\n';

function* scalarValues() {
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    yield cp;
  }
}

function chunkText(cps) {
  let out = '';
  for (const cp of cps) {
    const x = String.fromCodePoint(cp);
    for (const context of CONTEXTS) out += context(x) + SEPARATOR;
  }
  return out;
}

// Finds the first code point of a failing chunk whose contexts alone already differ.
function firstBadCodePoint(name, cps) {
  const ours = getEncoding(name);
  for (const cp of cps) {
    const text = chunkText([cp]);
    if (!sameIds(ours.encodeOrdinary(text), reference(name).encode_ordinary(text))) return cp;
  }
  return undefined;
}

describe.each(FAMILIES)('%s on every code point', (name) => {
  it('matches the reference', () => {
    const ours = getEncoding(name);
    const ref = reference(name);
    const failures = [];
    let chunk = [];
    const flush = () => {
      const text = chunkText(chunk);
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      if (!sameIds(a, b)) {
        const cp = firstBadCodePoint(name, chunk);
        failures.push(`U+${(cp ?? chunk[0]).toString(16).toUpperCase().padStart(4, '0')}: ${describeMismatch(name, a, b, cp === undefined ? text : chunkText([cp]))}`);
      }
      chunk = [];
    };
    let checked = 0;
    for (const cp of scalarValues()) {
      chunk.push(cp);
      checked++;
      if (chunk.length === 8192) flush();
      if (failures.length >= 5) break;
    }
    if (chunk.length) flush();
    expect(failures).toEqual([]);
    expect(checked).toBe(0x110000 - 0x800);
  });
});
