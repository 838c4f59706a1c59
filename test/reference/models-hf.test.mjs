// Real model tokenizer.json files (npm devDependencies, pinned by SHA-256 in
// test/data/model-files.json; scripts/model-files.mjs) against Hugging Face `tokenizers`: ids and
// decode on corpus text, seeded random strings and adversarial inputs (Llama 2 and Gemma 3:
// models-sp-hf; DeepSeek-V3: deepseek-v3-hf).
import { describe, expect, it } from 'vitest';
import { differences } from '../../scripts/model-files.mjs';
import { randomModelTexts, sameAsHfTests } from '../support/models-hf.mjs';

it('the installed model files are the ones test/data/model-files.json records', () => {
  expect(differences()).toEqual([]);
});

const LOADING = ['llama3', 'qwen3'];

describe.each(LOADING)('%s', (model) => {
  // tiktoken's semantics with every special token allowed: a file's added tokens as ids, as
  // Hugging Face encodes them.
  sameAsHfTests({
    model,
    encode: (ours, text) => ours.encode(text, { allowedSpecial: 'all' }),
    corpusPerKind: 40_000,
    minBytes: 300_000,
    random: () => randomModelTexts(600, 0x23 + model.length),
  });
});
