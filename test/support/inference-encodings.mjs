// The non-shipped encodings the inference tests run on besides shipped ones: a custom pattern split
// in JavaScript over r50k_base's first 20,000 ranks, and a tokenizer.json of r50k_base's ranks
// under 8000. Built on first use by each test file.
import { describe } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';

export const SMALL_ENCODINGS = {
  'custom \\S+|\\s+ (r50k ranks)': () => {
    const r50k = getEncoding('r50k_base');
    const ranks = new Map();
    for (let id = 0; id < 20000; id++) ranks.set(r50k.tokenBytes(id), id);
    return new Encoding({ name: 'words', pattern: String.raw`\S+|\s+`, ranks, specialTokens: { '<|endoftext|>': 20000 } });
  },
  'tokenizer.json (r50k ranks < 8000)': () => Encoding.fromTokenizerJson(tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 8000 })),
};

/**
 * describe.each over the shipped encodings named, then SMALL_ENCODINGS: `title` with %s for the
 * name, body(enc, name) with the encoding built when the suite is collected.
 */
export function describeEncodings(shipped, title, body) {
  const make = { ...Object.fromEntries(shipped.map((name) => [name, () => getEncoding(name)])), ...SMALL_ENCODINGS };
  describe.each(Object.keys(make))(title, (name) => body(make[name](), name));
}
