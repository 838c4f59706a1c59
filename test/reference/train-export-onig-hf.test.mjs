// A trained tokenizer.json holds its split pattern spelled for Oniguruma, as Hugging Face
// `tokenizers` reads it: a pattern with constructs the two dialects read differently (^, $, \w, \W,
// a lazy {n}?) splits there as the trained encoding splits, the shipped patterns are written as
// they are, and a construct with no such spelling is refused naming it.
import { describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { hfIdsOf, hfTokenizerFromJson } from '../support/models-hf.mjs';

// Covers every character (Hugging Face keeps the text between matches, `new Encoding` drops it).
const PATTERN = '^.|\\w+|\\s+|[^\\w\\s]+$|x{2}?|[^\\w\\s]+';
const lines = [
  'first line, words_and 123 digits.',
  'x² + y³ = z¹ ¼ ½ ¾!',
  'family 👨‍👩‍👧 joined: a‌b a‍b',
  'xxx yy...\nsecond!\n!third line;\n\n;',
  'ends with punctuation?!\nnext',
  'Ωμέγα 𠜎 ☃\t\t  tabs\r\nand CRLF!\r\n',
];
const corpus = Array.from({ length: 30 }, (_, k) => lines[k % lines.length]).join('\n');
const texts = [...lines, lines.join('\n'), '!a\n!b\n', '?\n?', 'a¹\n²b', 'x‍\n‍x', 'xxxx\nxx'];
const splitPattern = (json) => json.pre_tokenizer.pretokenizers[0].pattern.Regex;

async function differences(json, encoding) {
  const theirs = await hfIdsOf(hfTokenizerFromJson(json), texts);
  return texts.filter((text, k) => JSON.stringify(Array.from(encoding.encode(text))) !== JSON.stringify(theirs[k])).length;
}

describe('a trained pattern the dialects read differently', () => {
  const ours = train(corpus, { vocabSize: 200, tieBreak: 'huggingface', chunking: 'lines', pattern: PATTERN });
  const json = JSON.parse(ours.toTokenizerJson());

  it('Hugging Face encodes with the written tokenizer.json to the same ids', async () => {
    expect(splitPattern(json)).not.toBe(PATTERN);
    expect(await differences(json, ours.encoding)).toBe(0);
    for (const text of texts) expect(ours.encoding.decode(ours.encoding.encode(text))).toBe(text);
  });

  it('the pattern as given would split differently there (the texts tell the dialects apart)', async () => {
    json.pre_tokenizer.pretokenizers[0].pattern.Regex = PATTERN;
    expect(await differences(json, ours.encoding)).toBeGreaterThan(3);
  });
});

it.each(['gpt2', 'cl100k', 'o200k'])('the shipped %s pattern is written unchanged', (name) => {
  const ours = train(corpus, { vocabSize: 150, tieBreak: 'huggingface', chunking: 'lines', pattern: name });
  expect(splitPattern(JSON.parse(ours.toTokenizerJson()))).toBe(ours.pattern);
});

it.each([
  ['x(?i)y|z|.|\\n', 'option group `(?i)` in mid-group'],
  ['\\p{N}{1,3}+|[^\\p{N}]+', 'possessive `{1,3}+`'],
])('refuses to write %s, naming the construct', (pattern, what) => {
  const ours = train(corpus, { vocabSize: 150, tieBreak: 'huggingface', chunking: 'lines', pattern });
  let caught;
  try {
    ours.toTokenizerJson();
  } catch (error) {
    caught = error;
  }
  expect(caught?.code).toBe('ERR_UNSUPPORTED_TOKENIZER');
  expect(caught.message).toContain(what);
});
