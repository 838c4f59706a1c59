// Every error code the trainer (src/train.ts, src/cli/train.ts) can throw is a member of the
// ErrorCode type (src/errors.ts) and documented: TurbotokenError codes in docs/api.md's
// TurbotokenError table, the TypeError and RangeError codes in its introduction. Codes are found
// in the sources as 'ERR_...' literals, and at run time from the errors the trainer throws.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { thrownBy } from '../support/thrown.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file) => readFileSync(path.join(root, file), 'utf8');
const literals = (text) => new Set((text.match(/'ERR_[A-Z0-9_]+'/g) ?? []).map((s) => s.slice(1, -1)));

const errorsTs = read('src/errors.ts');
const union = errorsTs.slice(errorsTs.indexOf('export type ErrorCode'), errorsTs.indexOf(';', errorsTs.indexOf('export type ErrorCode')));
const typeCodes = literals(union);
const api = read('docs/api.md');
const table = api.slice(api.indexOf('## TurbotokenError'), api.indexOf('## Types'));
const tableCodes = new Set([...table.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
const intro = api.slice(0, api.indexOf('## getEncoding'));
const ARGUMENT_CODES = ['ERR_INVALID_ARG_TYPE', 'ERR_OUT_OF_RANGE'];

describe("the trainer's error codes", () => {
  const thrown = new Set([...literals(read('src/train.ts')), ...literals(read('src/cli/train.ts'))]);

  it('are found in the sources', () => {
    for (const code of ['ERR_EMPTY_CORPUS', 'ERR_TRAIN_FAILED', 'ERR_OUT_OF_MEMORY', 'ERR_SAVE_FAILED']) expect(thrown).toContain(code);
  });

  it('are members of ErrorCode', () => {
    expect([...thrown].filter((code) => !typeCodes.has(code))).toEqual([]);
  });

  it("are documented: TurbotokenError's in the table, argument errors' in the introduction", () => {
    for (const code of ARGUMENT_CODES) expect(intro).toContain(code);
    expect([...thrown].filter((code) => !ARGUMENT_CODES.includes(code) && !tableCodes.has(code))).toEqual([]);
  });

  it('the errors thrown at run time carry listed codes', () => {
    const errors = [
      thrownBy(() => train([], { vocabSize: 300 })),
      thrownBy(() => train(['abc'], { vocabSize: 300, pattern: 'zzz' })),
      thrownBy(() => train(['abc'], { vocabSize: 10 })),
      thrownBy(() => train(['abc'], { vocabSize: '300' })),
      thrownBy(() => train(['abc'], { vocabSize: 300, pattern: '(unclosed' })),
      thrownBy(() => train(['abc'], { vocabSize: 300 }).writeTiktoken(path.join(root, 'no-such-dir', 'x', 'v.tiktoken'))),
    ];
    const codes = errors.map((e) => e.code);
    expect(codes).toEqual(['ERR_EMPTY_CORPUS', 'ERR_EMPTY_CORPUS', 'ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_PATTERN', 'ERR_SAVE_FAILED']);
    for (const code of codes) expect(typeCodes).toContain(code);
  });
});
