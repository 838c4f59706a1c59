// DeepSeek-V3's tokenizer.json (three Split steps, then ByteLevel without its pattern) against
// Hugging Face `tokenizers`: ids and decode on the corpus, seeded random strings and adversarial
// inputs, with every added token allowed, as Hugging Face encodes them.
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { corpusDocuments } from '../support/reference-cases.mjs';
import { adversarialModelTexts, compareWithHf, corpusModelTexts, hfTokenizer, modelFile, randomModelTexts } from '../support/models-hf.mjs';

describe('deepseek_v3', () => {
  let ours;
  let hf;
  beforeAll(() => {
    ours = Encoding.fromTokenizerJson(modelFile('deepseek_v3'));
    hf = hfTokenizer('deepseek_v3');
  });
  const encode = (text) => ours.encode(text, { allowedSpecial: 'all' });
  const decode = (ids) => ours.decode(ids);

  it('runs its pre-tokenizer as steps', () => {
    expect(ours.patternKind).toBe('regexp');
    expect(ours.patternSource).toMatch(/^Sequence\[Split\(.*\), Split\(.*\), Split\(.*\), ByteLevel\(\)\]$/s);
  });

  it('equals Hugging Face on the corpus', async () => {
    const texts = corpusModelTexts(corpusDocuments(), 40_000);
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
    expect(result.bytes).toBeGreaterThan(300_000);
  });

  it('equals Hugging Face on seeded random strings', async () => {
    const texts = randomModelTexts(600, 0x3d5);
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
    expect(result.texts).toBe(600);
  });

  it('equals Hugging Face on adversarial inputs', async () => {
    const texts = [...adversarialModelTexts(), '1234567890'.repeat(300), '中文'.repeat(2000) + '12', 'a'.repeat(5000) + '.\n\n'];
    const result = await compareWithHf(hf, encode, decode, texts);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });
});
