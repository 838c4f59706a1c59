// What the two drop-in suites (compat-tiktoken.mjs, compat-js-tiktoken.mjs) share: the model
// table both originals ship, the encodings both packages offer, and their error forms.
import { createRequire } from 'node:module';
import { expect } from 'vitest';

export const MODELS = createRequire(import.meta.url)('tiktoken/model_to_encoding.json');
export const NPM_ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'];
export const NOT_ALLOWED = 'The text contains a special token that is not allowed: ';
export const plainError = (message) => expect.objectContaining({ constructor: Error, message });
