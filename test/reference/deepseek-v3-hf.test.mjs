// DeepSeek-V3's tokenizer.json (three Split steps, then ByteLevel without its pattern) against
// Hugging Face `tokenizers`: ids and decode on the corpus, seeded random strings and adversarial
// inputs, with every added token allowed, as Hugging Face encodes them.
import { describe, expect, it } from 'vitest';
import { randomModelTexts, sameAsHfTests } from '../support/models-hf.mjs';

describe('deepseek_v3', () => {
  const loaded = sameAsHfTests({
    model: 'deepseek_v3',
    encode: (ours, text) => ours.encode(text, { allowedSpecial: 'all' }),
    corpusPerKind: 40_000,
    minBytes: 300_000,
    random: () => randomModelTexts(600, 0x3d5),
    adversarial: ['1234567890'.repeat(300), '中文'.repeat(2000) + '12', 'a'.repeat(5000) + '.\n\n'],
  });

  it('runs its pre-tokenizer as steps', () => {
    expect(loaded.ours.patternKind).toBe('regexp');
    expect(loaded.ours.patternSource).toMatch(/^Sequence\[Split\(.*\), Split\(.*\), Split\(.*\), ByteLevel\(\)\]$/s);
  });
});
