// Shared by the tests that compare real model tokenizer.json files (npm devDependencies, recorded
// in test/data/model-files.json by scripts/model-files.mjs) with Hugging Face `tokenizers`.
import { createRequire } from 'node:module';
import { beforeAll, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { modelFile } from '../../scripts/model-files.mjs';
import { randomText, rng } from './random-text.mjs';
import { TRICKY, corpusDocuments, heapPathTexts } from './reference-cases.mjs';
import { WORST_CASES, repeatToBytes } from './worst-cases.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

export { modelFile };

/** Hugging Face's tokenizer for a model of the manifest. */
export function hfTokenizer(model) {
  return Tokenizer.fromFile(modelFile(model));
}

/** Hugging Face's tokenizer for a tokenizer.json given as an object. */
export function hfTokenizerFromJson(json) {
  return Tokenizer.fromString(JSON.stringify(json));
}

/** Hugging Face's ids for each text (its encodeBatch; the order is kept). */
export async function hfIdsOf(tokenizer, texts, addSpecialTokens = false) {
  const out = [];
  // In batches: one call per text pays a thread hop each, a single huge batch holds every result.
  for (let k = 0; k < texts.length; k += 64) {
    const batch = await tokenizer.encodeBatch(texts.slice(k, k + 64), { addSpecialTokens });
    for (const e of batch) out.push(e.getIds());
  }
  return out;
}

/**
 * Compares `ours(text)` with Hugging Face's ids and both decodes on every text. Returns
 * { mismatches, first, texts, bytes, tokens } so that a test can assert and report the sizes.
 */
export async function compareWithHf(tokenizer, encodeOurs, decodeOurs, texts, addSpecialTokens = false) {
  const theirs = await hfIdsOf(tokenizer, texts, addSpecialTokens);
  const theirDecodes = await tokenizer.decodeBatch(theirs, false);
  let mismatches = 0;
  let first;
  let bytes = 0;
  let tokens = 0;
  texts.forEach((text, k) => {
    const ours = [...encodeOurs(text)];
    bytes += Buffer.byteLength(text);
    tokens += ours.length;
    const idsEqual = ours.length === theirs[k].length && ours.every((id, i) => id === theirs[k][i]);
    const decodeEqual = idsEqual && decodeOurs(ours) === theirDecodes[k];
    if (!idsEqual || !decodeEqual) {
      mismatches++;
      first ??= { text: text.slice(0, 200), what: idsEqual ? 'decode' : 'ids', ours: ours.slice(0, 40), theirs: theirs[k].slice(0, 40) };
    }
  });
  return { mismatches, first, texts: texts.length, bytes, tokens };
}

/** compareWithHf, asserting no mismatch (the first one shown); its result for the tests' size checks. */
export async function expectSameAsHf(tokenizer, encodeOurs, decodeOurs, texts, addSpecialTokens = false) {
  const result = await compareWithHf(tokenizer, encodeOurs, decodeOurs, texts, addSpecialTokens);
  expect(result.first).toBeUndefined();
  expect(result.mismatches).toBe(0);
  return result;
}

/** Seeded random strings: mixed scripts, whitespace runs, digits, emoji and special-token-like text. */
export function randomModelTexts(count, seed) {
  const next = rng(seed);
  const texts = [];
  for (let k = 0; k < count; k++) {
    let text = randomText(next, 5 + Math.floor(next() * 50));
    // Longer runs than the atoms give: the patterns treat whitespace and digit runs specially.
    if (next() < 0.3) text += ' '.repeat(1 + Math.floor(next() * 40)) + 'x';
    if (next() < 0.2) text += '\n'.repeat(1 + Math.floor(next() * 6)) + ' \t '.repeat(Math.floor(next() * 4));
    if (next() < 0.3) text += String(Math.floor(next() * 1e12)).repeat(1 + Math.floor(next() * 4));
    texts.push(text);
  }
  return texts;
}

/** Inputs that defeat tokenizers: the tricky cases, long runs without a split point, long pieces. */
export function adversarialModelTexts() {
  return [
    ...TRICKY,
    ...Object.values(WORST_CASES).flatMap((unit) => {
      const run = repeatToBytes(unit, 3000);
      return [run, `x${run}y`, ` ${run} `, `${run}\n`];
    }),
    ...heapPathTexts(),
    '\u{10FFFF}\u{E000}\u{FFFD}\uFFFF', 'a\u0000b', '\r'.repeat(50), '\u3000'.repeat(40) + 'x',
  ];
}

/** Corpus documents as paragraphs: `perKind` bytes of each kind, and each kind's sample whole. */
export function corpusModelTexts(documents, perKind) {
  const texts = [];
  for (const docs of Object.values(documents)) {
    const sample = [];
    let bytes = 0;
    // Every third document, so that a kind's sample reaches past its first file.
    for (let k = 0; k < docs.length && bytes < perKind; k += 3) {
      sample.push(docs[k]);
      bytes += Buffer.byteLength(docs[k]);
    }
    texts.push(...sample, sample.join('\n\n'));
  }
  return texts;
}

/**
 * The comparisons every model file gets, inside its describe: its tokenizer.json loaded once
 * (ours) against Hugging Face's on corpus text (`corpusPerKind` characters of each kind, at least
 * `minBytes` in all), seeded random strings (`random()`) and the adversarial inputs plus
 * `adversarial`. `encode(ours, text)` is the encode compared. Returns { ours, hf } for the
 * describe's own tests (set before they run).
 */
export function sameAsHfTests({ model, encode, corpusPerKind, minBytes, random, adversarial = [] }) {
  const loaded = {};
  beforeAll(() => {
    loaded.ours = Encoding.fromTokenizerJson(modelFile(model));
    loaded.hf = hfTokenizer(model);
  });
  const ours = (text) => encode(loaded.ours, text);
  const decode = (ids) => loaded.ours.decode(ids);

  it('equals Hugging Face on the corpus', async () => {
    const result = await expectSameAsHf(loaded.hf, ours, decode, corpusModelTexts(corpusDocuments(), corpusPerKind));
    expect(result.bytes).toBeGreaterThan(minBytes);
  });

  it('equals Hugging Face on seeded random strings', async () => {
    const texts = random();
    const result = await expectSameAsHf(loaded.hf, ours, decode, texts);
    expect(result.texts).toBe(texts.length);
  });

  it('equals Hugging Face on adversarial inputs', async () => {
    await expectSameAsHf(loaded.hf, ours, decode, [...adversarialModelTexts(), ...adversarial]);
  });
  return loaded;
}
