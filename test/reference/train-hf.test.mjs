// train() with tieBreak 'huggingface' and chunking 'lines' against Hugging Face `tokenizers`'
// BpeTrainer (its Node train(files): vocabulary 30000, no special tokens), given the same split
// pattern through a tokenizer.json (Split + ByteLevel): the merges, in order, on a corpus of the
// committed corpus script; then Hugging Face loads the tokenizer.json that train() writes and
// encodes the corpus to the same ids as the trained encoding.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { hfIdsOf, hfTokenizerFromJson } from '../support/models-hf.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const CORPUS = `${root}/corpus/npm-only/code.txt`;
const CL100K =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function emptyBpe(pattern) {
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: null, decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: {}, merges: [] },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'train-hf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hugging Face's trained model (its saved tokenizer.json's model) on `file`. */
function hfTrained(file, pattern) {
  const tokenizer = hfTokenizerFromJson(emptyBpe(pattern));
  tokenizer.train([file]);
  const saved = path.join(dir, 'hf.json');
  tokenizer.save(saved);
  return JSON.parse(readFileSync(saved, 'utf8')).model;
}

const mergeText = (m) => (Array.isArray(m) ? m : m.split(' '));

describe.each([
  ['cl100k', CL100K],
  ['gpt2', "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"],
])('%s pattern, vocabulary 30000', (label, pattern) => {
  const text = readFileSync(CORPUS, 'utf8');
  const hf = hfTrained(CORPUS, pattern);
  const hfVocab = Object.keys(hf.vocab).length;
  const ours = train(text, { vocabSize: hfVocab, tieBreak: 'huggingface', chunking: 'lines', pattern: label });
  const json = JSON.parse(ours.toTokenizerJson());

  it('the same merges in the same order', () => {
    const theirs = hf.merges.map(mergeText);
    expect(theirs.length).toBeGreaterThan(10000);
    expect(json.model.merges.length).toBe(theirs.length);
    let first = -1;
    for (let k = 0; k < theirs.length && first < 0; k++) if (theirs[k][0] !== json.model.merges[k][0] || theirs[k][1] !== json.model.merges[k][1]) first = k;
    expect(first).toBe(-1);
    // The same tokens, and beside them the bytes the corpus lacks (a .tiktoken holds all 256).
    const extra = Object.keys(json.model.vocab).filter((t) => !(t in hf.vocab));
    expect(Object.keys(hf.vocab).filter((t) => !(t in json.model.vocab))).toEqual([]);
    expect(extra.length).toBe(256 - ours.alphabet);
    expect(extra.every((t) => [...t].length === 1)).toBe(true);
  });

  it('Hugging Face encodes with the written tokenizer.json to the same ids', async () => {
    const file = path.join(dir, `${label}.json`);
    ours.writeTokenizerJson(file);
    const tokenizer = hfTokenizerFromJson(JSON.parse(readFileSync(file, 'utf8')));
    const lines = text.split('\n').filter((l, k) => k % 7 === 0).slice(0, 3000).map((l) => l + '\n');
    lines.push('unseen: Ωμέγα 𠜎 ☃\t\t  x');
    const theirs = await hfIdsOf(tokenizer, lines);
    let differences = 0;
    lines.forEach((line, k) => {
      const mine = Array.from(ours.encoding.encode(line));
      if (JSON.stringify(mine) !== JSON.stringify(theirs[k])) differences++;
      if (ours.encoding.decode(mine) !== line) differences++;
    });
    expect(differences).toBe(0);
  });
});

it("sabotage check: tieBreak 'bytes' gives other merges than Hugging Face's", () => {
  const file = path.join(dir, 'small.txt');
  writeFileSync(file, readFileSync(CORPUS, 'utf8').slice(0, 200_000));
  const hf = hfTrained(file, CL100K);
  const ours = train(readFileSync(file, 'utf8'), { vocabSize: Object.keys(hf.vocab).length, tieBreak: 'bytes', chunking: 'lines', pattern: 'cl100k' });
  const json = JSON.parse(ours.toTokenizerJson());
  expect(JSON.stringify(json.model.merges.slice(0, hf.merges.length))).not.toBe(JSON.stringify(hf.merges.map(mergeText)));
});

// Hugging Face's Split (behavior Isolated) keeps the text between matches as pieces, and its
// trainer counts them: with a pattern that matches no space, digit or punctuation, those runs are
// chunks of their own in both trainers, and in both encoders.
describe('a pattern that leaves text between its matches', () => {
  const pattern = '\\p{L}+|\\p{N}';
  const text = readFileSync(CORPUS, 'utf8').slice(0, 300_000);
  const file = path.join(dir, 'gaps.txt');
  writeFileSync(file, text);
  const hf = hfTrained(file, pattern);
  const ours = train(text, { vocabSize: Object.keys(hf.vocab).length, tieBreak: 'huggingface', chunking: 'lines', pattern });

  it('the same merges in the same order', () => {
    const theirs = hf.merges.map(mergeText);
    expect(theirs.length).toBeGreaterThan(2000);
    expect(JSON.parse(ours.toTokenizerJson()).model.merges).toEqual(theirs);
  });

  it('Hugging Face encodes with the written tokenizer.json to the same ids, and they decode to the text', async () => {
    const tokenizer = hfTokenizerFromJson(JSON.parse(ours.toTokenizerJson()));
    const lines = text.split('\n').slice(0, 800).map((l) => l + '\n');
    lines.push('  {x: 1, y: [2, 3]} // ünïcödé 😀 𠜎\t\r\n');
    const theirs = await hfIdsOf(tokenizer, lines);
    let differences = 0;
    lines.forEach((line, k) => {
      const mine = Array.from(ours.encoding.encode(line));
      if (JSON.stringify(mine) !== JSON.stringify(theirs[k]) || ours.encoding.decode(mine) !== line) differences++;
    });
    expect(differences).toBe(0);
  });
});
