// The --tokenizer FILE tests' vocabulary: r50k_base's first 3000 ranks as a tokenizer.json with one
// added token, "<think>" (id 3000, not special), and a text that holds it.
import { expect } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { cli } from './cli.mjs';

export const THINK_ID = 3000;
export const THINK_TEXT = 'Hello <think>world</think> and more text, 12345!\n';

export function thinkTokenizerJson() {
  const json = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: THINK_ID });
  json.added_tokens = [{ id: THINK_ID, content: '<think>', special: false, normalized: false, lstrip: false, rstrip: false, single_word: false }];
  return json;
}

/** Asserts that `turbotoken encode ARGS` gives `ids` for `input` and `count ARGS` their number; the encode run. */
export function expectCliIds(args, input, ids) {
  const out = cli(['encode', ...args], { input });
  expect(out.stderr).toBe('');
  expect(out.stdout.trim().split(' ').map(Number)).toEqual(ids);
  expect(cli(['count', ...args], { input }).stdout.trim()).toBe(String(ids.length));
  return out;
}
