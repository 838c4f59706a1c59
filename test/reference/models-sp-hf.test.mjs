// SentencePiece-style BPE tokenizer.json files (byte fallback, merges-list priority, Prepend /
// Replace normalizers, Metaspace and Split pre-tokenizers, their decoders) against Hugging Face
// `tokenizers`: Llama 2 and Gemma 3 as shipped, and Llama 2's vocabulary under each other text
// step these files use. Ids and decode must be equal on every text; the ways text can arrive
// (streams, generators, batches, threads) must give whole-text encode.
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, encodeStream } from '../../index.mjs';
import { arrayDifference } from '../support/arrays.mjs';
import { rng } from '../support/random-text.mjs';
import { adversarialModelTexts, expectSameAsHf, hfTokenizerFromJson, modelFile, randomModelTexts, sameAsHfTests } from '../support/models-hf.mjs';

// Text that SentencePiece files treat specially: the meta space itself, runs of spaces, bytes with
// no piece (rare CJK, emoji, controls, private use), added-token text and near misses of it.
const SP_ATOMS = [' ', '  ', '   ', '▁', '▁▁', ' ▁', '\n', '\t', '\r\n', 'the', ' the', 'The', 'ing', 'tion', 'Hello', 'world',
  '中文', '日本語', 'Ελληνικά', 'русский', 'عربى', 'हिन्दी', '한국어', '𠜎', '𪚥', '龘', '😀', '👍🏽', '👨‍👩‍👧', '\u0000', '\u0007', '\u007f',
  '\uE000', '\u{10FFFF}', '\uFFFD', 'é', 'e\u0301', 'ﬁ', '①', '½', '123', '4567', '00', '.', ',', '!?', '...', '—', '"', "'",
  '<s>', '</s>', '<unk>', '<bos>', '<eos>', '<pad>', '<mask>', '<start_of_turn>', '<end_of_turn>', '<unused0>', '<unused99>',
  '<s', 's>', '<0x41>', '<0xZZ>', '[multimodal]', '<start_of_image>'];

function spRandomTexts(count, seed) {
  const next = rng(seed);
  const texts = [];
  for (let k = 0; k < count; k++) {
    const n = 1 + Math.floor(next() * 24);
    let text = '';
    for (let i = 0; i < n; i++) text += SP_ATOMS[Math.floor(next() * SP_ATOMS.length)];
    if (next() < 0.2) text = ' '.repeat(1 + Math.floor(next() * 5)) + text;
    texts.push(text);
  }
  return texts;
}

const FILES = ['llama2', 'gemma3'];

describe.each(FILES)('%s', (model) => {
  const loaded = sameAsHfTests({
    model,
    encode: (ours, text) => ours.encode(text),
    corpusPerKind: 20_000,
    minBytes: 150_000,
    random: () => [...randomModelTexts(300, 0x5e + model.length), ...spRandomTexts(500, 0x51 + model.length)],
    adversarial: [' '.repeat(5000), '▁'.repeat(3000), '😀'.repeat(2000), '\u0001'.repeat(1000), 'a'.repeat(20000)],
  });
  let ours;
  let hf;
  beforeAll(() => {
    ({ ours, hf } = loaded);
  });
  const decode = (ids) => ours.decode(ids);

  it('adds the post-processor ids with addSpecialTokens, as Hugging Face encode does by default', async () => {
    const texts = ['Hello world', ' leading', '', '<start_of_turn>user\nhi<end_of_turn>'];
    await expectSameAsHf(hf, (t) => ours.encode(t, { addSpecialTokens: true }), decode, texts, true);
  });

  it('gives whole-text ids however the text arrives', async () => {
    // The prepended meta space belongs to the start of the text only: chunks, generators, batches
    // and threads must not prepend it again at their own starts.
    const text = ' Hello  world, again. '.repeat(40) + '😀 end';
    const whole = [...ours.encode(text)];
    const chunks = [];
    for (let at = 0; at < text.length; at += 7) chunks.push(text.slice(at, at + 7));
    const streamed = [];
    for await (const ids of Readable.from(chunks).pipe(encodeStream(ours))) streamed.push(...ids);
    expect(streamed).toEqual(whole);
    expect([...ours.encodeGenerator(text)].flatMap((ids) => [...ids])).toEqual(whole);
    const batch = ours.encodeBatch([text, 'x', text]);
    expect([...batch.tokens.subarray(batch.offsets[0], batch.offsets[1])]).toEqual(whole);
    expect([...batch.tokens.subarray(batch.offsets[2], batch.offsets[3])]).toEqual(whole);
    const long = text.repeat(1200); // past 1 MiB of UTF-8: the threaded split's size
    expect(Buffer.byteLength(long)).toBeGreaterThan(1 << 20);
    const one = ours.encode(long, { threads: 1 });
    // Bytewise: toEqual walks a third of a million ids one by one.
    expect(arrayDifference(ours.encode(long, { threads: 4 }), one)).toBeNull();
    expect(ours.count(long, { threads: 4 })).toBe(one.length);
    expect([...(await ours.encodeAsync(text, { threads: 4 }))]).toEqual(whole);
    expect(ours.encode(text, { maxTokens: 5 })).toEqual(Uint32Array.from(whole.slice(0, 5)));
    expect(ours.encode(Buffer.from(text))).toEqual(Uint32Array.from(whole));
  });

  it('refuses what it cannot do exactly, with a typed error', () => {
    expect(() => ours.encodeWithOffsets('hi')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOKENIZER' }));
    expect(() => ours.decode([ours.nVocab + 5])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOKEN_ID' }));
    const special = Object.keys(ours.specialTokens)[1];
    expect(() => ours.encode(`a${special}b`, { disallowedSpecial: 'all' })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    // splitSpecialTokens: the added token's text is ordinary text.
    expect([...ours.encode(special, { splitSpecialTokens: true })]).not.toEqual([ours.specialTokens[special]]);
  });
});

// Llama 2's vocabulary under the other steps these files use: each variant loaded by both.
const llama2 = () => JSON.parse(readFileSync(modelFile('llama2'), 'utf8'));
const metaspace = (scheme, split) => ({ type: 'Metaspace', replacement: '▁', prepend_scheme: scheme, split });
const VARIANTS = {
  'Metaspace always, split': { normalizer: null, pre_tokenizer: metaspace('always', true), decoder: metaspace('always', true) },
  'Metaspace first, split': { normalizer: null, pre_tokenizer: metaspace('first', true), decoder: metaspace('first', true) },
  'Metaspace never, no split': { normalizer: null, pre_tokenizer: metaspace('never', false), decoder: metaspace('never', false) },
  'Metaspace first, no split, NFKC': { normalizer: { type: 'NFKC' }, pre_tokenizer: metaspace('first', false), decoder: metaspace('first', false) },
  // Each behavior, and inverted where the pieces differ most (kept text removed, merged the other way).
  ...Object.fromEntries(['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].flatMap((behavior) => [false, true].filter((invert) => !invert || behavior === 'Removed' || behavior === 'MergedWithNext').map((invert) => [
    `Split " " ${behavior}${invert ? ' inverted' : ''}`,
    {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Prepend', prepend: '▁' }] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { String: ' ' }, behavior, invert }, metaspace('first', false)] },
      decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 2, stop: 0 }] },
    },
  ]))),
  'no decoder, unknown token without byte fallback': { decoder: null, model: { byte_fallback: false } },
  'unknown token not fused': { model: { byte_fallback: false, fuse_unk: false } },
};

describe('Llama 2 vocabulary with other text steps', () => {
  let base;
  beforeAll(() => {
    base = llama2();
  });
  it.each(Object.keys(VARIANTS))('%s', async (name) => {
    const { model, ...steps } = VARIANTS[name];
    const json = { ...base, ...steps, model: { ...base.model, ...model } };
    const ours = Encoding.fromTokenizerJson(json);
    const hf = hfTokenizerFromJson(json);
    const texts = [...spRandomTexts(150, name.length), ...adversarialModelTexts().slice(0, 60), '  a  b  ', ' ', '▁x', 'x▁', '<s> hi', 'hi <s> there'];
    await expectSameAsHf(hf, (t) => ours.encode(t), (ids) => ours.decode(ids), texts);
  });
});
