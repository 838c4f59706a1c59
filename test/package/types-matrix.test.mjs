// The package's types for every subpath, compiled with --strict under TypeScript's module
// resolutions (node10 with typesVersions, node16 and nodenext from ES modules and CommonJS,
// bundler) from a project that installs turbotoken as a dependency. Each file asserts exact types
// (an `any` makes Equal false) and misuse under @ts-expect-error (an `any` leaves the directive
// unused, which is an error too).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = resolve(import.meta.dirname, '../..');

const PRELUDE = `
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): void {}
`;

// One small program per subpath: its imports, exact types, and misuse.
const SUBPATHS = {
  'turbotoken': `
import { getEncoding, Encoding, TurbotokenError } from 'turbotoken';
const enc = getEncoding('o200k_base');
expectType<Equal<typeof enc, Encoding>>();
expectType<Equal<ReturnType<Encoding['encode']>, Uint32Array>>();
expectType<Equal<ReturnType<Encoding['countTokens']>, number>>();
expectType<Equal<TurbotokenError['code'], string>>();
// @ts-expect-error a name is a string
getEncoding(42);`,
  'turbotoken/tiktoken': `
import { get_encoding, Tiktoken, type TiktokenEncoding } from 'turbotoken/tiktoken';
const enc = get_encoding('cl100k_base');
expectType<Equal<typeof enc, Tiktoken>>();
expectType<Equal<ReturnType<Tiktoken['encode']>, Uint32Array>>();
expectType<Equal<ReturnType<Tiktoken['decode']>, Uint8Array>>();
expectType<Equal<ReturnType<Tiktoken['encode_with_unstable']>, [number[], number[][]]>>();
const name: TiktokenEncoding = 'o200k_base';
// @ts-expect-error not an encoding name
get_encoding('cl100k');
// @ts-expect-error text is a string
enc.encode(42);`,
  'turbotoken/tiktoken/lite': `
import { Tiktoken } from 'turbotoken/tiktoken/lite';
import * as lite from 'turbotoken/tiktoken/lite';
expectType<Equal<ReturnType<Tiktoken['encode_ordinary']>, Uint32Array>>();
expectType<Equal<Exclude<keyof typeof lite, 'default'>, 'Tiktoken'>>();
// @ts-expect-error ranks are text
new Tiktoken(1, {}, '');`,
  'turbotoken/tiktoken/init': `
import { init, get_encoding, Tiktoken } from 'turbotoken/tiktoken/init';
expectType<Equal<ReturnType<typeof init>, Promise<void>>>();
expectType<Equal<ReturnType<typeof get_encoding>, Tiktoken>>();
init(async (imports: Record<string, Record<string, unknown>>) => imports);
init();
// @ts-expect-error the callback is a function
init(42);`,
  'turbotoken/tiktoken/load': `
import { load } from 'turbotoken/tiktoken/load';
type Loaded = Awaited<ReturnType<typeof load>>;
expectType<Equal<Loaded['bpe_ranks'], string>>();
expectType<Equal<Loaded['explicit_n_vocab'], number | undefined>>();
load({ load_tiktoken_bpe: 'ranks.tiktoken', pat_str: 'x', special_tokens: {} }, async (url: string) => url);
// @ts-expect-error a registry entry names its ranks
load({ pat_str: 'x', special_tokens: {} });`,
  'turbotoken/tiktoken/lite/init': `
import { init, Tiktoken } from 'turbotoken/tiktoken/lite/init';
expectType<Equal<ReturnType<typeof init>, Promise<void>>>();
expectType<Equal<ReturnType<Tiktoken['token_byte_values']>, number[][]>>();
// @ts-expect-error the callback is a function
init('x');`,
  'turbotoken/tiktoken/lite/load': `
import { load } from 'turbotoken/tiktoken/lite/load';
expectType<Equal<Awaited<ReturnType<typeof load>>['pat_str'], string>>();
// @ts-expect-error customFetch returns a promise of text
load({ load_tiktoken_bpe: 'x', pat_str: 'x', special_tokens: {} }, (url: string) => 42);`,
  'turbotoken/js-tiktoken': `
import { getEncoding, Tiktoken } from 'turbotoken/js-tiktoken';
const enc = getEncoding('o200k_base');
expectType<Equal<typeof enc, Tiktoken>>();
expectType<Equal<ReturnType<Tiktoken['encode']>, number[]>>();
expectType<Equal<ReturnType<Tiktoken['decode']>, string>>();
// @ts-expect-error ids are numbers
enc.decode('x');`,
  'turbotoken/js-tiktoken/lite': `
import { Tiktoken, getEncodingNameForModel, type TiktokenBPE } from 'turbotoken/js-tiktoken/lite';
import cl100k_base from 'turbotoken/js-tiktoken/ranks/cl100k_base';
const ranks: TiktokenBPE = cl100k_base;
const enc = new Tiktoken(ranks);
expectType<Equal<ReturnType<typeof enc.encode>, number[]>>();
expectType<Equal<ReturnType<typeof getEncodingNameForModel>, 'gpt2' | 'r50k_base' | 'p50k_base' | 'p50k_edit' | 'cl100k_base' | 'o200k_base' | 'o200k_harmony'>>();
// @ts-expect-error ranks are an object
new Tiktoken('ranks');`,
  'turbotoken/js-tiktoken/ranks/o200k_base': `
import o200k_base from 'turbotoken/js-tiktoken/ranks/o200k_base';
expectType<Equal<typeof o200k_base.bpe_ranks, string>>();
expectType<Equal<typeof o200k_base.special_tokens, Record<string, number>>>();
// @ts-expect-error no such field
o200k_base.ranks;`,
  'turbotoken/gpt-tokenizer': `
import api, { encode, decode, isWithinTokenLimit, encodeGenerator, ALL_SPECIAL_TOKENS, type ChatMessage } from 'turbotoken/gpt-tokenizer';
expectType<Equal<ReturnType<typeof encode>, number[]>>();
expectType<Equal<ReturnType<typeof decode>, string>>();
expectType<Equal<ReturnType<typeof isWithinTokenLimit>, false | number>>();
expectType<Equal<ReturnType<typeof encodeGenerator>, Generator<number[], number, undefined>>>();
expectType<Equal<typeof ALL_SPECIAL_TOKENS, 'all'>>();
expectType<Equal<ReturnType<typeof api.encode>, number[]>>();
const ids: number[] = encode('hello', { allowedSpecial: new Set(['<|endoftext|>']) });
const chat: ChatMessage[] = [{ role: 'user', content: 'hi' }];
// @ts-expect-error text is a string
encode(42);
// @ts-expect-error allowedSpecial is a Set or 'all'
encode('x', { allowedSpecial: 'some' });`,
  'turbotoken/gpt-tokenizer/model/gpt-4o': `
import { encodeChat, countTokens, decodeAsyncGenerator } from 'turbotoken/gpt-tokenizer/model/gpt-4o';
expectType<Equal<ReturnType<typeof encodeChat>, number[]>>();
expectType<Equal<ReturnType<typeof countTokens>, number>>();
expectType<Equal<ReturnType<typeof decodeAsyncGenerator>, AsyncGenerator<string, void>>>();
encodeChat([{ role: 'user', content: 'hi' }]);
// @ts-expect-error a chat is a list of messages
encodeChat('hi');`,
  'turbotoken/gpt-tokenizer/encoding/cl100k_base': `
import { encode, vocabularySize } from 'turbotoken/gpt-tokenizer/encoding/cl100k_base';
expectType<Equal<typeof vocabularySize, number>>();
expectType<Equal<ReturnType<typeof encode>, number[]>>();
// @ts-expect-error options are an object
encode('x', 'all');`,
};

const BASE = { strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: ['node'], noUnusedLocals: false };
// [label, compiler options, file extension]
const SETTINGS = [
  ['node10, CommonJS', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, '.ts'],
  ['node10, CommonJS, esModuleInterop', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true }, '.ts'],
  ['node16, ES module', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }, '.mts'],
  ['node16, CommonJS', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }, '.cts'],
  ['nodenext, ES module', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }, '.mts'],
  ['nodenext, CommonJS', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }, '.cts'],
  ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }, '.ts'],
];

// A project with turbotoken (this checkout) and @types/node installed, as a user has them.
const project = mkdtempSync(join(tmpdir(), 'turbotoken-types-'));
mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
symlinkSync(root, join(project, 'node_modules', 'turbotoken'), 'dir');
symlinkSync(join(root, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
writeFileSync(join(project, 'package.json'), '{ "name": "types-matrix", "private": true }\n');
afterAll(() => rmSync(project, { recursive: true, force: true }));

// Parsed declaration files (lib, @types/node, the package's) are shared between the programs:
// most of a compile is parsing them.
const parsed = new Map();
function cachingHost(options) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, ...rest) => {
    if (!fileName.endsWith('.d.ts') && !fileName.endsWith('.d.mts') && !fileName.endsWith('.d.cts')) return getSourceFile(fileName, version, ...rest);
    const key = `${fileName}|${typeof version === 'object' ? `${version.languageVersion}:${version.impliedNodeFormat}` : version}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, version, ...rest));
    return parsed.get(key);
  };
  return host;
}

function compile(options, ext) {
  const files = Object.entries(SUBPATHS).map(([subpath, body], k) => {
    const file = join(project, `case${k}${ext}`);
    writeFileSync(file, `${PRELUDE}${body}\nexport {};\n`);
    return [file, subpath];
  });
  const all = { ...BASE, ...options, typeRoots: [join(project, 'node_modules', '@types')] };
  const program = ts.createProgram(files.map(([file]) => file), all, cachingHost(all));
  const bySubpath = new Map(files);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${bySubpath.get(d.file.fileName) ?? d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('types of every subpath under every module resolution', () => {
  it.each(SETTINGS)('%s', (_, options, ext) => {
    expect(compile(options, ext)).toEqual([]);
  });
});
