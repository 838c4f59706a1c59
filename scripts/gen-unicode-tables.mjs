#!/usr/bin/env node
// Generates native/core/text/unicode_tables.{h,cpp}: code point -> class bits, as the
// reference tokenizer (the `tiktoken` npm package) sees them.
//
// Also generates src/unicode-unassigned.ts: the code points the reference reads as unassigned
// (\p{Cn}), with which the RegExp path of custom patterns pins the engine's Unicode properties to
// the reference's version (src/unicode-pin.ts).
//
// Usage: node scripts/gen-unicode-tables.mjs [outDir]   (default: native/core/text and src; an outDir
// given gets all three files)
//
// The data is probed from the reference's own regex engine rather than from a
// Unicode database: its Unicode version is whatever its Rust regex crate was
// built with, and that is what we must agree with byte for byte. The @unicode/*
// packages are only used to report which Unicode version that turned out to be.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tiktoken } from 'tiktoken';

const MAX_CP = 0x10ffff;
const UNICODE_VERSIONS = ['15.0.0', '15.1.0', '16.0.0'];
// name -> [reference regex, @unicode data path]
const CLASSES = {
  L: ['\\p{L}', 'General_Category/Letter'],
  N: ['\\p{N}', 'General_Category/Number'],
  s: ['\\s', 'Binary_Property/White_Space'],
  Lu: ['\\p{Lu}', 'General_Category/Uppercase_Letter'],
  Ll: ['\\p{Ll}', 'General_Category/Lowercase_Letter'],
  Lt: ['\\p{Lt}', 'General_Category/Titlecase_Letter'],
  Lm: ['\\p{Lm}', 'General_Category/Modifier_Letter'],
  Lo: ['\\p{Lo}', 'General_Category/Other_Letter'],
  M: ['\\p{M}', 'General_Category/Mark'],
  Cn: ['\\p{Cn}', 'General_Category/Unassigned'],
};
// Properties that some unassigned code points have, by the block they are in (the rest have none).
const BY_BLOCK = ['Extended_Pictographic', 'Default_Ignorable_Code_Point', 'Pattern_Syntax', 'Noncharacter_Code_Point'];
const LETTERS = [...'strevmld'];
// The bit layout the C++ core relies on; UPPERISH/LOWERISH are o200k's word classes.
const UPPERISH = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWERISH = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const BITS = [
  { name: 'kClassLetter', bit: 1, doc: '\\p{L}', of: (c) => c.L },
  { name: 'kClassNumber', bit: 2, doc: '\\p{N}', of: (c) => c.N },
  { name: 'kClassSpace', bit: 4, doc: '\\s (White_Space as the reference sees it)', of: (c) => c.s },
  { name: 'kClassUpperish', bit: 8, doc: `${UPPERISH}  (o200k's first word class)`, composite: UPPERISH,
    of: (c) => c.Lu || c.Lt || c.Lm || c.Lo || c.M },
  { name: 'kClassLowerish', bit: 16, doc: `${LOWERISH}         (o200k's second word class)`, composite: LOWERISH,
    of: (c) => c.Ll || c.Lm || c.Lo || c.M },
  { name: 'kClassMark', bit: 32, doc: '\\p{M}', of: (c) => c.M },
];

const isScalar = (cp) => cp <= MAX_CP && (cp < 0xd800 || cp > 0xdfff);
const hex = (cp) => cp.toString(16).toUpperCase().padStart(4, '0');
const membersOf = (bitmap) => bitmap.reduce((acc, v, cp) => (v ? (acc.push(cp), acc) : acc), []);
const letterSet = (l) => `(?i:${l})`;

// Every scalar value once, in chunks of a few hundred KB so no encode() call is huge.
function allScalarChunks(perChunk = 1 << 16) {
  const chunks = [];
  let parts = [];
  for (let cp = 0; cp <= MAX_CP; cp++) {
    if (!isScalar(cp)) continue;
    parts.push(String.fromCodePoint(cp));
    if (parts.length === perChunk) { chunks.push(parts.join('')); parts = []; }
  }
  chunks.push(parts.join(''));
  return chunks;
}

// Membership bitmap (index = code point) of what `pattern` matches in the reference.
// A vocabulary of just the 256 single bytes (rank = byte value) makes encode()
// return the UTF-8 bytes of exactly the text the pattern matched; the rest is skipped.
function probe(pattern, chunks) {
  const ranks = `! 0 ${Array.from({ length: 256 }, (_, b) => Buffer.from([b]).toString('base64')).join(' ')}`;
  // With no special tokens at all tiktoken scans with an empty regex, several times slower.
  const enc = new Tiktoken(ranks, { '<|turbotoken-probe|>': 256 }, `(?:${pattern})+`);
  const member = new Uint8Array(MAX_CP + 1);
  try {
    for (const chunk of chunks) {
      for (const ch of Buffer.from(enc.encode(chunk, [], [])).toString('utf8')) member[ch.codePointAt(0)] = 1;
    }
  } finally {
    enc.free();
  }
  return member;
}

// Returns the probed sets, keyed like CLASSES plus "(?i:x)" per letter; the class bits; and, per
// BY_BLOCK property, the unassigned code points that have it.
function probeReference() {
  const chunks = allScalarChunks();
  const sets = {};
  for (const [name, [pattern]] of Object.entries(CLASSES)) sets[name] = probe(pattern, chunks);
  for (const l of LETTERS) sets[letterSet(l)] = probe(letterSet(l), chunks);
  const byBlock = Object.fromEntries(BY_BLOCK.map((name) => [name, probe(`\\p{${name}}`, chunks).map((v, cp) => v & sets.Cn[cp])]));
  const bits = new Uint8Array(MAX_CP + 1);
  for (let cp = 0; cp <= MAX_CP; cp++) {
    const at = Object.fromEntries(Object.keys(CLASSES).map((name) => [name, sets[name][cp] === 1]));
    for (const { bit, of } of BITS) if (of(at)) bits[cp] |= bit;
  }
  // The bits assume the reference's bracket classes are plain unions; make sure.
  for (const { name, bit, composite } of BITS.filter((b) => b.composite)) {
    const direct = probe(composite, chunks);
    const bad = direct.findIndex((v, cp) => v !== (bits[cp] & bit ? 1 : 0));
    if (bad >= 0) throw new Error(`${name}: reference ${composite} disagrees at U+${hex(bad)}`);
  }
  return { sets, bits, byBlock };
}

// Unicode's view of a letter under (?i): everything whose simple case fold is it.
function caseOrbit(folding, letter) {
  const target = letter.codePointAt(0);
  const orbit = new Uint8Array(MAX_CP + 1);
  orbit[target] = 1;
  for (const [cp, folded] of [...folding.C, ...folding.S]) if (folded === target) orbit[cp] = 1;
  return orbit;
}

async function loadUnicode(version) {
  const load = async (path) => (await import(`@unicode/unicode-${version}/${path}/code-points.mjs`)).default;
  const sets = {};
  for (const [name, [, path]] of Object.entries(CLASSES)) {
    sets[name] = new Uint8Array(MAX_CP + 1);
    for (const cp of await load(path)) sets[name][cp] = 1;
  }
  const folding = { C: await load('Case_Folding/C'), S: await load('Case_Folding/S') };
  for (const l of LETTERS) sets[letterSet(l)] = caseOrbit(folding, l);
  return sets;
}

// Prints per-version differences; returns the version with none (or the closest).
async function crossCheck(refSets) {
  const ex = (cps) => cps.slice(0, 5).map((cp) => `U+${hex(cp)}`).join(' ');
  let best = null;
  for (const version of UNICODE_VERSIONS) {
    const uni = await loadUnicode(version);
    let total = 0;
    const lines = [];
    for (const [name, ref] of Object.entries(refSets)) {
      const diff = membersOf(ref.map((v, cp) => (isScalar(cp) && v !== uni[name][cp] ? 1 : 0)));
      const onlyRef = diff.filter((cp) => ref[cp]);
      const onlyUni = diff.filter((cp) => !ref[cp]);
      total += diff.length;
      if (onlyRef.length) lines.push(`  ${name}: ${onlyRef.length} only in reference (${ex(onlyRef)})`);
      if (onlyUni.length) lines.push(`  ${name}: ${onlyUni.length} only in Unicode ${version} (${ex(onlyUni)})`);
    }
    console.log(`Unicode ${version}: ${total} differing code points${lines.map((l) => '\n' + l).join('')}`);
    if (!best || total < best.total) best = { version, total };
  }
  return best.total === 0 ? best.version : `none exactly (closest: ${best.version}, ${best.total} differences)`;
}

// Two-stage table: stage1[cp >> 8] picks a deduplicated 256-entry stage2 block.
function buildStages(bits) {
  const blockIds = new Map();
  const stage1 = [];
  const blocks = [];
  for (let hi = 0; hi <= MAX_CP >> 8; hi++) {
    const block = bits.subarray(hi << 8, (hi + 1) << 8);
    const key = Buffer.from(block).toString('latin1');
    if (!blockIds.has(key)) { blockIds.set(key, blocks.length); blocks.push(block); }
    stage1.push(blockIds.get(key));
  }
  const stage2 = new Uint8Array(blocks.length * 256);
  blocks.forEach((b, i) => stage2.set(b, i * 256));
  const wide = blocks.length > 256;
  return { stage1: (wide ? Uint16Array : Uint8Array).from(stage1), s1Type: wide ? 'uint16_t' : 'uint8_t', stage2 };
}

function cArray(values, perLine = 32) {
  const lines = [];
  for (let i = 0; i < values.length; i += perLine) lines.push(`  ${Array.from(values.subarray(i, i + perLine)).join(',')},`);
  return lines.join('\n');
}

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

function letterCases(sets) {
  return LETTERS.map((l) => {
    const test = membersOf(sets[letterSet(l)]).map((cp) => `cp == 0x${hex(cp)}`).join(' || ');
    return `    case '${l}': return ${test};`;
  }).join('\n');
}

function emitHeader(meta, stages) {
  const enumLines = BITS.map(({ name, bit, doc }) => `  ${`${name} = ${bit},`.padEnd(22)} // ${doc}`);
  return `// GENERATED FILE - DO NOT EDIT. Regenerate with: node scripts/gen-unicode-tables.mjs
// Probed from the reference tokenizer's regex engine:
//   tiktoken ${meta.tiktokenVersion}, tiktoken_bg.wasm sha256 ${meta.wasmSha}
//   matches Unicode: ${meta.unicodeVersion}
//   table sha256 (stage1 LE bytes + stage2 + letter sets): ${meta.tableSha}
#pragma once
#include <cstdint>
namespace turbotoken {
enum : uint8_t {
${enumLines.join('\n')}
};
namespace unicode_tables_detail {
extern const ${stages.s1Type} kStage1[${stages.stage1.length}];
extern const uint8_t kStage2[${stages.stage2.length}];
}  // namespace unicode_tables_detail
// Class bits of a Unicode scalar value (cp <= 0x10FFFF, not a surrogate); 0 for anything else.
inline uint8_t unicode_class(uint32_t cp) {
  using namespace unicode_tables_detail;
  if (cp < 0x100) return kStage2[cp];  // stage1[0] is always block 0
  if (cp > 0x10FFFF) return 0;
  return kStage2[(static_cast<uint32_t>(kStage1[cp >> 8]) << 8) | (cp & 0xFF)];
}
// True when cp matches the ASCII letter \`lower\` ('s','t','r','e','v','m','l','d') case-insensitively
// the way the reference's (?i:...) does.
bool contraction_letter_matches(char lower, uint32_t cp);
}  // namespace turbotoken
`;
}

function emitSource(meta, stages, sets) {
  return `// GENERATED FILE - DO NOT EDIT. Regenerate with: node scripts/gen-unicode-tables.mjs
// Source: tiktoken ${meta.tiktokenVersion} (Unicode ${meta.unicodeVersion}); table sha256 ${meta.tableSha}
#include "text/unicode_tables.h"
namespace turbotoken {
namespace unicode_tables_detail {
const ${stages.s1Type} kStage1[${stages.stage1.length}] = {
${cArray(stages.stage1)}
};
const uint8_t kStage2[${stages.stage2.length}] = {
${cArray(stages.stage2)}
};
}  // namespace unicode_tables_detail

bool contraction_letter_matches(char lower, uint32_t cp) {
  switch (lower) {
${letterCases(sets)}
    default: return false;
  }
}
}  // namespace turbotoken
`;
}

// Scalar values in `set` as inclusive ranges, "lo-hi" or "cp" in hex, space-separated.
function rangesText(set) {
  const parts = [];
  for (let cp = 0; cp <= MAX_CP; cp++) {
    if (!set[cp] || !isScalar(cp)) continue;
    let hi = cp;
    while (hi < MAX_CP && set[hi + 1] && isScalar(hi + 1)) hi++;
    parts.push(hi === cp ? hex(cp) : `${hex(cp)}-${hex(hi)}`);
    cp = hi;
  }
  return parts.join(' ');
}

function emitUnassigned(meta, set, byBlock) {
  const ranges = rangesText(set);
  const blockRanges = Object.fromEntries(Object.entries(byBlock).map(([name, members]) => [name, rangesText(members)]));
  const blockLines = Object.entries(blockRanges).map(([name, text]) => `  ${name}: '${text}',`);
  return `// GENERATED FILE - DO NOT EDIT. Regenerate with: node scripts/gen-unicode-tables.mjs
// The scalar values the reference's regex engine reads as unassigned (\\p{Cn}), probed from
// tiktoken ${meta.tiktokenVersion} (tiktoken_bg.wasm sha256 ${meta.wasmSha}).
// Matches Unicode: ${meta.unicodeVersion}. Ranges sha256: ${sha256(ranges, ...Object.values(blockRanges))}
/** Inclusive ranges in hex, "lo-hi" or "cp", space-separated. */
export const UNASSIGNED_RANGES =
  '${ranges}';
/** The unassigned code points that have each of these properties all the same (same format). */
export const UNASSIGNED_WITH: Record<string, string> = {
${blockLines.join('\n')}
};
`;
}

// Raw probe results ("<set> <cp> <cp> ..." per line) so the C++ side can be checked independently.
function writeDump(path, sets) {
  writeFileSync(path, Object.entries(sets).map(([name, set]) => `${name} ${membersOf(set).join(' ')}\n`).join(''));
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = resolve(process.argv[2] ?? join(root, 'native', 'core', 'text'));
  const tsDir = process.argv[2] ? outDir : join(root, 'src');
  const wasmPath = createRequire(import.meta.url).resolve('tiktoken/tiktoken_bg.wasm');
  const tiktokenVersion = JSON.parse(readFileSync(join(dirname(wasmPath), 'package.json'), 'utf8')).version;

  const { sets, bits, byBlock } = probeReference();
  const unicodeVersion = await crossCheck(sets);
  const stages = buildStages(bits);
  const letterText = LETTERS.map((l) => `${l}:${membersOf(sets[letterSet(l)]).join(',')}`).join(';');
  const s1Bytes = Buffer.from(stages.stage1.buffer, stages.stage1.byteOffset, stages.stage1.byteLength);
  const meta = {
    tiktokenVersion,
    unicodeVersion,
    wasmSha: sha256(readFileSync(wasmPath)),
    tableSha: sha256(s1Bytes, stages.stage2, letterText),
  };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'unicode_tables.h'), emitHeader(meta, stages));
  writeFileSync(join(outDir, 'unicode_tables.cpp'), emitSource(meta, stages, sets));
  writeFileSync(join(tsDir, 'unicode-unassigned.ts'), emitUnassigned(meta, sets.Cn, byBlock));
  if (process.env.UNICODE_DUMP) writeDump(process.env.UNICODE_DUMP, sets);
  console.log(`stage1 ${stages.stage1.byteLength} B, stage2 ${stages.stage2.length} B ` +
    `(${stages.stage2.length / 256} blocks); Unicode ${unicodeVersion}; wrote ${outDir}`);
  for (const l of LETTERS) console.log(`${letterSet(l)} = ${membersOf(sets[letterSet(l)]).map((cp) => `U+${hex(cp)}`).join(' ')}`);
}

await main();
