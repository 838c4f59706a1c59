// Real model tokenizer.json files (npm devDependencies, pinned by SHA-256 in
// test/data/model-files.json; scripts/model-files.mjs) against Hugging Face `tokenizers`: ids and
// decode on corpus text, seeded random strings and adversarial inputs (Llama 2 and Gemma 3:
// models-sp-hf; DeepSeek-V3: deepseek-v3-hf).
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { differences } from '../../scripts/model-files.mjs';
import { corpusDocuments } from '../support/reference-cases.mjs';
import { adversarialModelTexts, compareWithHf, corpusModelTexts, hfTokenizer, modelFile, randomModelTexts } from '../support/models-hf.mjs';

it('the installed model files are the ones test/data/model-files.json records', () => {
  expect(differences()).toEqual([]);
});

const LOADING = ['llama3', 'qwen3'];

describe.each(LOADING)('%s', (model) => {
  let ours;
  let hf;
  beforeAll(() => {
    ours = Encoding.fromTokenizerJson(modelFile(model));
    hf = hfTokenizer(model);
  });
  // tiktoken's semantics with every special token allowed: a file's added tokens as ids, as
  // Hugging Face encodes them.
  const encode = (text) => ours.encode(text, { allowedSpecial: 'all' });
  const decode = (ids) => ours.decode(ids);

  it('equals Hugging Face on the corpus', async () => {
    const texts = corpusModelTexts(corpusDocuments(), 40_000);
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
    expect(result.bytes).toBeGreaterThan(300_000);
  });

  it('equals Hugging Face on seeded random strings', async () => {
    const texts = randomModelTexts(600, 0x23 + model.length);
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
    expect(result.texts).toBe(600);
  });

  it('equals Hugging Face on adversarial inputs', async () => {
    const texts = adversarialModelTexts();
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });
});
