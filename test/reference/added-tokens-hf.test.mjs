// Added tokens as Hugging Face `tokenizers` treats them, for encodings from a tokenizer.json: every
// added token in the text (special or not) is its id by default and never an error;
// splitSpecialTokens makes them ordinary text; addSpecialTokens applies the post-processor. The
// OpenAI encodings and new Encoding keep tiktoken's allowed/disallowed rules.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { expectSameAsHf, hfTokenizerFromJson, modelFile } from '../support/models-hf.mjs';
import { randomText, rng } from '../support/random-text.mjs';

/** Seeded texts dense with the given added tokens, glued to letters, spaces, marks and each other. */
function addedTokenTexts(tokens, count, seed) {
  const next = rng(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  // U+0338 after ">" composes under NFC: a token's end must not be normalized away.
  const glue = ['', '', ' ', '  ', '\n', 'x', '\u0338', '\u0301', '<', '>', '|', '<|', 'é', '中', '😀', '12'];
  const texts = [];
  for (let k = 0; k < count; k++) {
    let text = '';
    const parts = 2 + Math.floor(next() * 12);
    for (let i = 0; i < parts; i++) {
      const r = next();
      if (r < 0.45) text += pick(tokens);
      else if (r < 0.55) text += pick(tokens).slice(0, -1); // a token cut short is ordinary text
      else if (r < 0.8) text += pick(glue);
      else text += randomText(next, 1 + Math.floor(next() * 4));
    }
    texts.push(text);
  }
  return texts;
}

describe('Qwen3 (added tokens with special true and false, an NFC normalizer)', () => {
  let json;
  let ours;
  let hf;
  let hfSplit;
  let texts;
  beforeAll(() => {
    const text = readFileSync(modelFile('qwen3'), 'utf8');
    json = JSON.parse(text);
    ours = Encoding.fromTokenizerJson(json);
    hf = hfTokenizerFromJson(json);
    // Hugging Face's split_special_tokens (not in its Node binding): the same file without added tokens.
    hfSplit = hfTokenizerFromJson({ ...json, added_tokens: [] });
    texts = addedTokenTexts(json.added_tokens.map((t) => t.content), 800, 0x5e11);
  });

  it('counts <think>x</think> as Hugging Face does (the tokens have special: false)', async () => {
    expect(json.added_tokens.find((t) => t.content === '<think>').special).toBe(false);
    expect(ours.count('<think>x</think>')).toBe(3);
    expect([...ours.encode('<think>x</think>')]).toEqual((await hf.encode('<think>x</think>', null, { addSpecialTokens: false })).getIds());
  });

  it('equals Hugging Face on texts full of added tokens: default, addSpecialTokens false and true', async () => {
    for (const [options, hfAdd] of [[undefined, false], [{ addSpecialTokens: false }, false], [{ addSpecialTokens: true }, true]]) {
      const result = await expectSameAsHf(hf, (t) => ours.encode(t, options), (ids) => ours.decode(ids), texts, hfAdd);
      expect(result.tokens).toBeGreaterThan(10_000);
    }
    // count and the batch agree with encode.
    const batch = ours.encodeBatch(texts.slice(0, 50));
    texts.slice(0, 50).forEach((t, k) => {
      expect(ours.count(t)).toBe(ours.encode(t).length);
      expect([...batch.tokens.subarray(batch.offsets[k], batch.offsets[k + 1])]).toEqual([...ours.encode(t)]);
    });
  });

  it('splitSpecialTokens: true equals Hugging Face with no added tokens', async () => {
    await expectSameAsHf(hfSplit, (t) => ours.encode(t, { splitSpecialTokens: true }), (ids) => ours.decode(ids), texts.slice(0, 300));
    expect(ours.count('<think>x</think>', { splitSpecialTokens: true })).toBeGreaterThan(3);
  });

  it('given sets keep tiktoken\'s rule', () => {
    expect(() => ours.encode('<think>', { allowedSpecial: ['<|im_start|>'] })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect([...ours.encode('<think><|im_start|>', { allowedSpecial: ['<|im_start|>'], disallowedSpecial: [] })]).toEqual([...ours.encode('<think>', { splitSpecialTokens: true }), 151644]);
    expect(() => ours.encode('x', { splitSpecialTokens: true, allowedSpecial: 'all' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => ours.encode('x', { splitSpecialTokens: 'yes' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => ours.count('x', { addSpecialTokens: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

});

describe('Llama 3 with its TemplateProcessing post-processor (BOS)', () => {
  let ours;
  let hf;
  let texts;
  beforeAll(() => {
    const json = JSON.parse(readFileSync(modelFile('llama3'), 'utf8'));
    // Meta's own file has this post-processor; the npm package's has the ByteLevel step only.
    const bos = { id: '<|begin_of_text|>', type_id: 0 };
    json.post_processor = {
      type: 'Sequence',
      processors: [
        json.post_processor,
        {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: bos }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: bos }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|begin_of_text|>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { '<|begin_of_text|>': { id: '<|begin_of_text|>', ids: [128000], tokens: ['<|begin_of_text|>'] } },
        },
      ],
    };
    ours = Encoding.fromTokenizerJson(json);
    hf = hfTokenizerFromJson(json);
    const tokens = json.added_tokens.map((t) => t.content).filter((_, k) => k < 12 || k % 20 === 0);
    texts = addedTokenTexts(tokens, 500, 0x11a3);
  });

  it('addSpecialTokens: true equals Hugging Face encode(text) with its defaults', async () => {
    const theirs = await Promise.all(texts.map(async (t) => (await hf.encode(t)).getIds()));
    let mismatches = 0;
    texts.forEach((t, k) => {
      const ids = [...ours.encode(t, { addSpecialTokens: true })];
      if (ids.join() !== theirs[k].join()) mismatches++;
    });
    expect(mismatches).toBe(0);
    expect(theirs.every((ids) => ids[0] === 128000)).toBe(true);
  });

  it('the default equals addSpecialTokens: false, and equals Hugging Face', async () => {
    await expectSameAsHf(hf, (t) => ours.encode(t), (ids) => ours.decode(ids), texts);
    expect([...ours.encode('hi<|eot_id|>')]).toEqual([...ours.encode('hi<|eot_id|>', { addSpecialTokens: false })]);
  });

  it('the BOS counts everywhere addSpecialTokens is taken', async () => {
    const text = 'Hello<|eot_id|> world';
    const plain = ours.encode(text);
    const withBos = [128000, ...plain];
    expect([...ours.encode(text, { addSpecialTokens: true })]).toEqual(withBos);
    expect(ours.count(text, { addSpecialTokens: true })).toBe(withBos.length);
    expect([...(await ours.encodeAsync(text, { addSpecialTokens: true }))]).toEqual(withBos);
    expect(await ours.countAsync(text, { addSpecialTokens: true })).toBe(withBos.length);
    expect([...ours.encode(text, { addSpecialTokens: true, maxTokens: 2 })]).toEqual(withBos.slice(0, 2));
    const batch = ours.encodeBatch([text, 'x'], { addSpecialTokens: true });
    expect([...batch.tokens]).toEqual([...withBos, 128000, ...ours.encode('x')]);
    expect([...batch.offsets]).toEqual([0, withBos.length, withBos.length + 2]);
    expect([...ours.countBatch([text, 'x'], { addSpecialTokens: true })]).toEqual([withBos.length, 2]);
  });
});

describe('post-processors and added-token flags of small files', () => {
  const base = () => tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 2000 });
  // 'hello' in the first 2,000 ranks of r50k_base: more than one token.
  const hello = Encoding.fromTokenizerJson(base()).encode('hello');

  it('BertProcessing and RobertaProcessing put cls before and sep after', () => {
    for (const type of ['BertProcessing', 'RobertaProcessing']) {
      const enc = Encoding.fromTokenizerJson({ ...base(), post_processor: { type, sep: ['</s>', 2], cls: ['<s>', 0] } });
      expect([...enc.encode('hello', { addSpecialTokens: true })]).toEqual([0, ...hello, 2]);
    }
  });

  it('refuses addSpecialTokens with a post-processor it cannot apply, naming the key; the file still loads', () => {
    const enc = Encoding.fromTokenizerJson({ ...base(), post_processor: { type: 'SomethingNew' } });
    expect([...enc.encode('hello')]).toEqual([...hello]);
    expect(() => enc.encode('hello', { addSpecialTokens: true })).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOKENIZER', message: expect.stringContaining('post_processor.type') }));
  });

  it('finds normalized: false tokens in the text as given and normalized: true ones after NFC, as Hugging Face does', async () => {
    const json = {
      ...base(),
      normalizer: { type: 'NFC' },
      added_tokens: [
        { id: 2000, content: '<raw>', special: false, normalized: false, lstrip: false, rstrip: false, single_word: false },
        { id: 2001, content: '<norm>', special: true, normalized: true, lstrip: false, rstrip: false, single_word: false },
      ],
    };
    const enc = Encoding.fromTokenizerJson(json);
    // ">" + U+0338 is "≯" after NFC: only the raw token survives it.
    expect([...enc.encode('<raw>\u0338')].slice(0, 1)).toEqual([2000]);
    expect([...enc.encode('<norm>\u0338')]).not.toContain(2001);
    const texts = addedTokenTexts(['<raw>', '<norm>', '<raw><norm>'], 400, 0x7a);
    await expectSameAsHf(hfTokenizerFromJson(json), (t) => enc.encode(t), (ids) => enc.decode(ids), texts);
  });

  it('the OpenAI encodings and new Encoding keep tiktoken\'s rule; addSpecialTokens adds nothing there', () => {
    const cl100k = getEncoding('cl100k_base');
    expect(() => cl100k.encode('<|endoftext|>')).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect([...cl100k.encode('<|endoftext|>', { splitSpecialTokens: true })]).toEqual([...cl100k.encodeOrdinary('<|endoftext|>')]);
    expect([...cl100k.encode('hi', { addSpecialTokens: true })]).toEqual([...cl100k.encode('hi')]);
    const mine = new Encoding({ name: 'mine', pattern: cl100k.patternSource, ranks: new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b])), specialTokens: { '<x>': 256 } });
    expect(() => mine.count('a<x>')).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    // The same added token read from a tokenizer.json is its id.
    const added = Encoding.fromTokenizerJson({ ...base(), added_tokens: [{ id: 2500, content: '<x>', special: false, normalized: false }] });
    expect([...added.encode('a<x>')]).toEqual([...added.encodeOrdinary('a'), 2500]);
  });
});
