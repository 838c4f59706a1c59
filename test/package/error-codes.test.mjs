// Every error code turbotoken sets is a member of the exported ErrorCode type (src/errors.ts) and is
// documented in docs/api.md: the argument codes (TypeError, RangeError) in its introduction, the
// rest in its TurbotokenError table. Codes are found as 'ERR_...' literals in src/ and as "ERR_..."
// literals in the native binding, which builds the JS errors of the addon.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file) => readFileSync(path.join(root, file), 'utf8');
const filesUnder = (dir, ext) =>
  readdirSync(path.join(root, dir), { recursive: true })
    .filter((f) => ext.some((e) => f.endsWith(e)))
    .map((f) => path.join(dir, f));
const codesIn = (text, quote) => new Set([...text.matchAll(new RegExp(`${quote}(ERR_[A-Z0-9_]+)${quote}`, 'g'))].map((m) => m[1]));

const errorsTs = read('src/errors.ts');
const unionStart = errorsTs.indexOf('export type ErrorCode');
const typeCodes = codesIn(errorsTs.slice(unionStart, errorsTs.indexOf(';', unionStart)), "'");
const api = read('docs/api.md');
const table = api.slice(api.indexOf('## TurbotokenError'), api.indexOf('## Types'));
const tableCodes = new Set([...table.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
const intro = api.slice(0, api.indexOf('## getEncoding'));

const found = new Map();
for (const file of filesUnder('src', ['.ts'])) for (const code of codesIn(read(file), "'")) found.set(code, file);
for (const file of filesUnder('native/binding', ['.cpp', '.h'])) for (const code of codesIn(read(file), '"')) found.set(code, file);

describe('error codes', () => {
  it('are found in the sources', () => {
    // The scan itself works: the codes of the JS facade, the CLI and the binding are all seen.
    for (const code of ['ERR_INVALID_ARG_TYPE', 'ERR_WORKER', 'ERR_STRING_TOO_LONG', 'ERR_WASM_TRAP']) expect(found.has(code), code).toBe(true);
    expect(found.size).toBeGreaterThan(30);
  });

  it('are members of ErrorCode, and ErrorCode has no code nothing sets', () => {
    expect([...found.keys()].filter((code) => !typeCodes.has(code))).toEqual([]);
    expect([...typeCodes].filter((code) => !found.has(code))).toEqual([]);
  });

  it('are documented once: in the introduction or in the TurbotokenError table', () => {
    const undocumented = [...found.keys()].filter((code) => !tableCodes.has(code) && !intro.includes(`\`${code}\``) && !intro.includes(`'${code}'`));
    expect(undocumented).toEqual([]);
    expect([...tableCodes].filter((code) => !found.has(code))).toEqual([]);
  });

  it('ErrorCode is exported as a type by the package and the browser entry', () => {
    for (const file of ['src/index.ts', 'src/browser.ts']) expect(read(file)).toMatch(/export \{[^}]*\btype ErrorCode\b[^}]*\} from '\.\/errors'/);
  });
});
