// The errors both backends throw are written once, in src/binding-errors.ts: the addon's
// native/binding/error_texts.h is generated from it and must be current, and the WebAssembly
// backend's raw calls give the same errors as the addon's (whole outcomes of every case:
// test/backend-selection.test.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const { BINDING_ERRORS, bindingError } = require('../../dist/cjs/binding-errors.js');

it('native/binding/error_texts.h is what scripts/gen-binding-errors.mjs makes of the table', () => {
  expect(() => execFileSync(process.execPath, [join(root, 'scripts/gen-binding-errors.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
});

it('the binding throws no error text of its own', () => {
  const sources = ['addon.cpp', 'js_errors.cpp', 'js_strings.cpp', 'native_encoding.cpp', 'pattern_matcher.cpp', 'merge_list_binding.cpp', 'text_input.cpp', 'async_jobs.cpp', 'batch_pipeline.cpp', 'split_encode.cpp', 'typed_arrays.h'];
  // Helpers that pass the error they were given on.
  const passOn = ['js_errors.cpp: throw_error(env, error);', 'js_errors.cpp: throw_error(env, invalid);', 'typed_arrays.h: throw_error(info.Env(), usage);'];
  let calls = 0;
  for (const file of sources) {
    const text = readFileSync(join(root, 'native/binding', file), 'utf8');
    expect({ file, code: text.match(/"ERR_[A-Z_]+"/)?.[0] }).toEqual({ file, code: undefined });
    for (const call of text.match(/\b(throw_error|throw_create_error|thrown)\([^;]*;/g) ?? []) {
      if (/^(throw_error|throw_create_error|thrown)\(Napi::Env env/.test(call)) continue; // a definition
      if (passOn.includes(`${file}: ${call}`)) continue;
      expect({ file, call }).toEqual({ file, call: expect.stringMatching(/^(throw_error|thrown)\([^,]+, errors::\w+\(|^throw_create_error\([^,]+, st, errors::\w+\(/) });
      calls++;
    }
  }
  expect(calls).toBeGreaterThan(20);
});

it('the table gives each entry its kind, code and filled-in text', () => {
  class Domain extends Error {
    constructor(message, code) {
      super(message);
      this.code = code;
    }
  }
  for (const [name, [kind, code, text]] of Object.entries(BINDING_ERRORS)) {
    const params = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, key]) => [key, `<${key}>`]));
    const error = bindingError(name, params, Domain);
    expect(error.constructor.name).toBe(kind === 'TurbotokenError' ? 'Domain' : kind);
    expect(error.code).toBe(code);
    expect(error.message).toBe(text.replace(/\{(\w+)\}/g, '<$1>'));
  }
  expect(bindingError('invalidTokenId', { id: 7, index: 2 }).message).toBe('Token id 7 at index 2 is not a token of this encoding');
});
