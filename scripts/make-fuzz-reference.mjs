#!/usr/bin/env node
// Writes the fuzz targets' reference outputs: fuzz/reference/<encoding>.ref, a few hundred inputs
// (adversarial ones written out below, and random ones from a fixed seed) with the ids that the
// `tiktoken` npm package (the reference) gives for them. fuzz/regress checks the core against them
// and writes them out as the fuzz target's seed corpus. Format: see fuzz/regress.cpp.
//
// Inputs are bytes; they go to tiktoken through TextDecoder with ignoreBOM (ill-formed UTF-8 becomes
// U+FFFD and a leading U+FEFF stays), which is how turbotoken reads bytes (docs/api.md).
//
// Run: node scripts/make-fuzz-reference.mjs [--check]   (--check verifies the committed files)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { get_encoding } = require('tiktoken');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'fuzz', 'reference');
const tiktokenVersion = JSON.parse(readFileSync(join(dirname(require.resolve('tiktoken')), 'package.json'), 'utf8')).version;

// One encoding per pre-tokenizer family, plus p50k_edit for its several special tokens.
const ENCODINGS = ['r50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'];
const RANDOM_CASES = 110;

// A fixed-seed generator (xorshift32), so that the files are reproducible.
let seed = 0x7475726b;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const utf8 = (s) => Buffer.from(s, 'utf8');
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));

// Texts aimed at the edges of the three patterns, of BPE and of UTF-8 repair.
function adversarialInputs() {
  return [
    '', 'a', ' ', '\n', 'hello world', "I'm we'll they'D you'RE it'S", "'s's's 's ''s", 'HelloWORLDFooBar camelCase',
    'x'.repeat(1000), ' '.repeat(300) + 'x', '!'.repeat(500), '1234567890123', '१२३४ ٣٤٥ Ⅻ ½', 'a1b22c333',
    '  \n\n  \t\r\n\r\n x  \u00a0\u3000y \u2028', 'tab\tsep\tline\r\nnext  \n', 'foo  bar   baz    ',
    'Ünïcödé façade naïve Ελληνικά Русский', '日本語のテキスト、中文文本。한국어 텍스트', 'e\u0301 a\u0308\u0308 Z\u0336',
    '👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇫🇷', 'ǅungla ǈ ǋ ᾈ', 'ʰʲ ˀ ᵃᵇ ﾟ', 'http://example.com/a/b?c=d&e=f#g', '/* c */ int x=1;//y\n',
    '<|endoftext|>', 'a<|endoftext|>b', '<|endoftext|><|endoftext|>', '<|endoftext', '<|endoftext|', '<<|endoftext|>>',
    ' <|endoftext|> <|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z<|endofprompt|>', '<|fim_prefix|<|endoftext|>',
    'A'.repeat(200) + 'b'.repeat(200), 'ab'.repeat(400), '\u00e9'.repeat(300), '🙂'.repeat(150), ' 🙂'.repeat(80),
    '\ufeffleading BOM \ufeff', '\ufeff<|endoftext|>', 'The QUICK brown Fox\'s jumps; OVER the lazy dog\'LL 42 times!!\n\n',
    bytes([0xff]), bytes([0x80]), bytes('a', [0xc3], 'b'), bytes([0xe0, 0x80, 0x80]), bytes([0xed, 0xa0, 0x80]),
    bytes([0xf4, 0x90, 0x80, 0x80]), bytes([0xf0, 0x9f, 0x98]), bytes('x', [0xf0, 0x9f], ' y'), bytes([0xc0, 0xaf]),
    bytes([0xf5, 0xf8, 0xfc, 0xfe]), bytes('<|endof', [0xff], 'text|>'), bytes([0xe2, 0x82], '<|endoftext|>', [0xa0]),
    bytes('caf', [0xc3, 0xa9], ' ', [0xc3, 0x28], ' ', [0xa0, 0xa1]), bytes([0xef, 0xbf, 0xbd, 0xef, 0xbf]),
  ].map((t) => (typeof t === 'string' ? utf8(t) : t));
}

// Code points grouped by what the patterns tell apart.
const PALETTE = [
  ...'abcXYZ', ...'0123456789', ...' \t\n\r', "'", "'s", "'LL", ...'.,;:!?-_/()[]{}<>|"', '\u00a0', '\u3000', '\u2003',
  ...'éÉßÆǅ', ...'ДЖя', ...'日本中', ...'ا ب', '\u0301', '\u0308', 'ʰ', '²', '½', 'Ⅻ', '٣', '🙂', '👍🏽', '\u200d', '\ufeff',
  '<|endoftext|>', '<|fim_prefix|>', '<|endofprompt|>', '<|', '|>',
];

function randomInput() {
  const parts = [];
  const length = 1 + Math.floor(random() * random() * 400);
  for (let k = 0; k < length; k++) {
    const r = random();
    if (r < 0.03) parts.push(Buffer.from([Math.floor(random() * 256)]));  // often ill-formed
    else parts.push(utf8(pick(PALETTE)));
  }
  return Buffer.concat(parts);
}

// Runs of this encoding's tokens of 9-16 bytes that share their first 8 bytes and their length
// with another token (" developer", " developed"): the rank table tells them apart by the rest of
// their bytes, and a whole-piece or merge lookup of one must not find its sibling.
function siblingInputs(enc) {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const groups = new Map();
  // token_byte_values() lists every ordinary token's bytes; sorted, so the order is ours.
  for (const value of enc.token_byte_values()) {
    const token = Buffer.from(value);
    if (token.length <= 8 || token.length > 16) continue;
    try { strict.decode(token); } catch { continue; }
    const key = `${token.length}:${token.subarray(0, 8).toString('hex')}`;
    groups.set(key, [...(groups.get(key) ?? []), token]);
  }
  const siblings = [...groups.values()].filter((g) => g.length > 1).flat().sort(Buffer.compare).slice(0, 400);
  const inputs = [];
  for (let k = 0; k < siblings.length; k += 50) inputs.push(Buffer.concat(siblings.slice(k, k + 50)));
  return inputs;
}

const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

function caseLine(enc, input, mode) {
  const text = bytesDecoder.decode(input);
  const ids = mode === 'a' ? enc.encode(text, 'all') : enc.encode(text, [], []);
  return `${mode} ${input.length ? input.toString('hex') : '-'} ${ids.length ? Array.from(ids).join(',') : '-'}`;
}

function build() {
  const inputs = adversarialInputs();
  for (let k = 0; k < RANDOM_CASES; k++) inputs.push(randomInput());
  const files = {};
  for (const name of ENCODINGS) {
    const enc = get_encoding(name);
    const lines = [`# ${name}: ids from tiktoken@${tiktokenVersion}; made by scripts/make-fuzz-reference.mjs, do not edit`];
    // Special tokens allowed for every other input; both ways for special-token text.
    inputs.forEach((input, k) => {
      const both = input.includes('<|');
      if (both || k % 2 === 0) lines.push(caseLine(enc, input, 'o'));
      if (both || k % 2 === 1) lines.push(caseLine(enc, input, 'a'));
    });
    for (const input of siblingInputs(enc)) lines.push(caseLine(enc, input, 'o'));
    enc.free();
    files[`${name}.ref`] = lines.join('\n') + '\n';
  }
  return files;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, content] of Object.entries(build())) {
  const path = join(outDir, file);
  if (check) {
    let old = '';
    try { old = readFileSync(path, 'utf8'); } catch {}
    if (old !== content) {
      console.error(`${path} is not what scripts/make-fuzz-reference.mjs makes`);
      stale++;
    }
  } else {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path, content);
    console.log(`${path}: ${content.split('\n').length - 2} cases, ${content.length} bytes`);
  }
}
process.exit(stale ? 1 : 0);
