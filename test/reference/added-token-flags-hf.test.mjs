// Added tokens' lstrip, rstrip, single_word and normalized flags as Hugging Face `tokenizers`
// honours them: synthetic tokenizer.json files made from the real Qwen3 and Llama 3 files by
// setting the flags on their added tokens (and adding tokens that are ordinary words), against
// Hugging Face on seeded texts dense with those tokens, whitespace and word characters.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { expectSameAsHf, hfTokenizerFromJson, modelFile } from '../support/models-hf.mjs';
import { rng } from '../support/random-text.mjs';

/** Texts of tokens glued with whitespace of every kind, word characters, marks and punctuation. */
function flagTexts(tokens, count, seed) {
  const next = rng(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const glue = ['', ' ', '  ', '\u0338', '\u0301', '\t', '\n', ' \n ', '\u3000', '\u00a0', '\u2000', '\u0085', '\ufeff', '\u200b', '\u001f', 'a', 'Z', '_', '9', '٣', 'é', '中', '\u0301', '\u200d', '-', '.', ',', '😀', 'x y'];
  const texts = [];
  for (let k = 0; k < count; k++) {
    let text = '';
    const parts = 2 + Math.floor(next() * 14);
    for (let i = 0; i < parts; i++) text += next() < 0.45 ? pick(tokens) : pick(glue);
    texts.push(text);
  }
  return texts;
}

/** The file with its added tokens' flags set by `flags(token, k)`, and `extra` tokens appended. */
function withFlags(json, flags, extra = []) {
  const next = { ...json, added_tokens: json.added_tokens.map((t, k) => ({ ...t, ...flags(t, k) })) };
  let id = Math.max(...json.added_tokens.map((t) => t.id)) + 1;
  for (const t of extra) next.added_tokens.push({ id: id++, special: false, normalized: false, lstrip: false, rstrip: false, single_word: false, ...t });
  return next;
}

// Flag combinations spread over the tokens so that every one meets every other in the texts.
const COMBOS = [
  { lstrip: true },
  { rstrip: true },
  { single_word: true },
  { lstrip: true, rstrip: true },
  { lstrip: true, single_word: true },
  { rstrip: true, single_word: true },
  { lstrip: true, rstrip: true, single_word: true },
  {},
];
// Added tokens that are words (single_word matters most there); the normalized ones meet the NFC
// normalizer of Qwen3 where a combining mark follows them. Printable ASCII, not strings of the
// byte-level vocabulary (checked below): Hugging Face gives a vocabulary string the vocabulary's
// id, not the file's, and decodes other characters through the byte-level alphabet.
const WORD_TOKENS = [
  { content: 'fooqz', single_word: true },
  { content: 'barqz', lstrip: true, rstrip: true },
  { content: 'q9z', single_word: true, rstrip: true },
  { content: 'Unqz', normalized: true, single_word: true },
  { content: 'qx>', normalized: true, lstrip: true },
  { content: '<qn>', normalized: true, rstrip: true },
];

// Qwen3: its NFC normalizer meets the normalized tokens; Llama 3 has the cases below.
describe('Qwen3 with lstrip, rstrip, single_word and normalized set on its added tokens', () => {
  let json;
  let enc;
  beforeAll(() => {
    const base = JSON.parse(readFileSync(modelFile('qwen3'), 'utf8'));
    for (const t of WORD_TOKENS) expect(Object.hasOwn(base.model.vocab, t.content)).toBe(false);
    json = withFlags(base, (_, k) => ({ lstrip: false, rstrip: false, single_word: false, ...COMBOS[k % COMBOS.length] }), WORD_TOKENS);
    enc = Encoding.fromTokenizerJson(json);
  });

  it('every flag combination equals Hugging Face (ids and decode)', async () => {
    const hf = hfTokenizerFromJson(json);
    const tokens = [...json.added_tokens.slice(0, 24), ...json.added_tokens.slice(-WORD_TOKENS.length)].map((t) => t.content);
    const texts = flagTexts(tokens, 1500, 0x9e37);
    const result = await expectSameAsHf(hf, (t) => enc.encode(t), (ids) => enc.decode(ids), texts);
    expect(result.tokens).toBeGreaterThan(15_000);
    // count, addSpecialTokens and the async call agree with encode.
    for (const t of texts.slice(0, 40)) {
      expect(enc.count(t)).toBe(enc.encode(t).length);
      expect([...(await enc.encodeAsync(t))]).toEqual([...enc.encode(t)]);
    }
  });

  it('splitSpecialTokens and given allowedSpecial sets still apply', () => {
    // The first added token (<|endoftext|>) has lstrip (COMBOS[0]); the fourth both strips.
    const both = json.added_tokens[3];
    expect(both).toMatchObject({ lstrip: true, rstrip: true });
    const text = `a  ${both.content}  b`;
    expect([...enc.encode(text)]).toEqual([...enc.encode('a', { splitSpecialTokens: true }), both.id, ...enc.encode('b', { splitSpecialTokens: true })]);
    expect([...enc.encode(text, { splitSpecialTokens: true })]).toEqual([...enc.encodeOrdinary(text)]);
    expect(() => enc.encode(text, { allowedSpecial: [] })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect([...enc.encode(text, { allowedSpecial: [both.content], disallowedSpecial: [] })]).toEqual([...enc.encode(text)]);
    expect(() => enc.encodeWithOffsets(text)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOKENIZER' }));
  });
});

describe('Hugging Face\'s own cases', () => {
  let enc;
  let json;
  beforeAll(() => {
    const base = JSON.parse(readFileSync(modelFile('llama3'), 'utf8'));
    json = withFlags(base, () => ({}), [{ content: '<mask>', single_word: true, lstrip: true, rstrip: true }, { content: 'wqz', single_word: true, lstrip: true }]);
    enc = Encoding.fromTokenizerJson(json);
  });

  it('single_word at the edges of words, lstrip and rstrip over Unicode spaces', async () => {
    const mask = json.added_tokens.at(-2).id;
    const texts = ['<mask> My name <mask> A<mask> <mask>ony <mask>', '<mask>, <mask>- \u25cc\u0330<mask>', 'Hi <mask> there\t<mask>\t<mask>\u2000', '<mask><mask>', '_<mask>', '<mask>٣', 'wqz wqz_ xwqz  wqz'];
    await expectSameAsHf(hfTokenizerFromJson(json), (t) => enc.encode(t), (ids) => enc.decode(ids), texts);
    // "Hi <mask> there": the mask takes both spaces.
    expect([...enc.encode('Hi <mask> there')]).toEqual([...enc.encode('Hi'), mask, ...enc.encode('there')]);
    expect([...enc.encode('A<mask>')]).not.toContain(mask);
  });

  it('a text dense with flagged tokens: each found once, count equals encode', () => {
    const wqz = json.added_tokens.at(-1).id;
    const text = 'wqz '.repeat(2000) + 'xwqz'.repeat(2000);
    const ids = enc.encode(text);
    expect(enc.count(text)).toBe(ids.length);
    expect(ids.filter((id) => id === wqz).length).toBe(2000);
    // The generator's cuts must not separate a token from the whitespace it strips.
    const spaced = 'word   <mask>   more text here. '.repeat(2000);
    expect([...enc.encodeGenerator(spaced)].flatMap((chunk) => [...chunk])).toEqual([...enc.encode(spaced)]);
  });
});
