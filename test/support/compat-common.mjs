// What the two drop-in suites (compat-tiktoken.mjs, compat-js-tiktoken.mjs) share: the model
// table both originals ship, the encodings both packages offer, their error forms, and the
// expectations both packages meet alike.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

export const MODELS = createRequire(import.meta.url)('tiktoken/model_to_encoding.json');
export const NPM_ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'];
export const NOT_ALLOWED = 'The text contains a special token that is not allowed: ';
export const plainError = (message) => expect.objectContaining({ constructor: Error, message });

/**
 * Both modules export their four functions (`names`, the first the one that gets an encoding),
 * give a fresh Tiktoken per call (`more` checks each further) and build none without ranks.
 */
export function moduleShape(api, names, more = () => {}) {
  it('exports the four functions', () => {
    for (const name of names) expect(typeof api[name]).toBe('function');
  });
  it.each(NPM_ENCODINGS)(`${names[0]}(%s) returns a fresh Tiktoken`, (name) => {
    const enc = api[names[0]](name);
    expect(enc).toBeInstanceOf(api.Tiktoken);
    expect(api[names[0]](name)).not.toBe(enc);
    more(enc, name);
  });
  it('refuses a constructor call without ranks', () => {
    expect(() => new api.Tiktoken()).toThrow();
  });
}

/** Both refuse special-token text by default with a plain Error naming the first in the text. */
export function expectSpecialRefused(enc) {
  expect(() => enc.encode('hi <|endoftext|>')).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
  expect(() => enc.encode('x<|fim_prefix|><|endoftext|>')).toThrow(plainError(`${NOT_ALLOWED}<|fim_prefix|>`));
}
