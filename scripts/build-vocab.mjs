#!/usr/bin/env node
// Derives turbotoken's shipped vocabularies from the `tiktoken` npm package (the reference).
//
// Output, committed to the repo:
//   data/<ranks>.tkv      token bytes by rank (format below)
//   data/encodings.json   per encoding: ranks file, pre-tokenizer family, special tokens,
//                         and the provenance (package, version, sha256 of source and output)
//
// .tkv format (little-endian):
//   "TTV1"            magic
//   u32 count         number of rank slots (max rank + 1)
//   u8  len[count]    byte length of each token; 0 marks a rank with no token
//   bytes             the tokens' bytes, concatenated in rank order
//
// Run: node scripts/build-vocab.mjs [--check]   (--check verifies the committed files instead)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'data');
const tiktokenDir = dirname(require.resolve('tiktoken')); // the package exports no package.json
const tiktokenVersion = JSON.parse(readFileSync(join(tiktokenDir, 'package.json'), 'utf8')).version;

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// Which pre-tokenizer implements each reference pattern; checked against the source text.
const FAMILY_BY_PATTERN = {
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+": 'gpt2',
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    'cl100k',
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    'o200k',
};

// Encodings that share a ranks table point at one file.
const ENCODINGS = [
  { name: 'gpt2', source: 'gpt2', ranks: 'r50k_base' },
  { name: 'r50k_base', source: 'r50k_base', ranks: 'r50k_base' },
  { name: 'p50k_base', source: 'p50k_base', ranks: 'p50k_base' },
  { name: 'p50k_edit', source: 'p50k_edit', ranks: 'p50k_base' },
  { name: 'cl100k_base', source: 'cl100k_base', ranks: 'cl100k_base' },
  { name: 'o200k_base', source: 'o200k_base', ranks: 'o200k_base' },
  { name: 'o200k_harmony', source: 'o200k_base', ranks: 'o200k_base', specials: harmonySpecials },
];

// o200k_harmony is not in the npm package; tiktoken's Python registry defines it as o200k_base
// plus these special tokens (later entries win for a repeated name; ids may repeat: 200018 is
// both <|endofprompt|> and <|reserved_200018|>).
function harmonySpecials(base) {
  const named = {
    '<|startoftext|>': 199998, '<|endoftext|>': 199999, '<|reserved_200000|>': 200000,
    '<|reserved_200001|>': 200001, '<|return|>': 200002, '<|constrain|>': 200003,
    '<|reserved_200004|>': 200004, '<|channel|>': 200005, '<|start|>': 200006, '<|end|>': 200007,
    '<|message|>': 200008, '<|reserved_200009|>': 200009, '<|reserved_200010|>': 200010,
    '<|reserved_200011|>': 200011, '<|call|>': 200012,
  };
  const out = { ...base, ...named };
  for (let i = 200013; i < 201088; i++) out[`<|reserved_${i}|>`] = i;
  return out;
}

// The package's bpe_ranks string: "! <rank>" sets the next rank, each base64 word is one token.
function parseRanks(text) {
  const words = text.split(' ');
  const tokens = [];
  let rank = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '!') {
      rank = Number(words[++i]);
      continue;
    }
    tokens[rank++] = Buffer.from(words[i], 'base64');
  }
  return tokens;
}

// The package fills the rank of a special token with a placeholder that is not valid UTF-8
// (p50k_base rank 50256 = e7 4d b9); tiktoken decodes that id as the special token and no
// valid text can reach the placeholder, so it is dropped.
function dropSpecialIds(tokens, specials) {
  const dropped = [];
  for (const id of Object.values(specials)) {
    if (tokens[id] !== undefined) {
      dropped.push({ id, hex: tokens[id].toString('hex') });
      tokens[id] = undefined;
    }
  }
  return dropped;
}

function serialize(tokens) {
  const count = tokens.length;
  const header = Buffer.alloc(8);
  header.write('TTV1', 0, 'latin1');
  header.writeUInt32LE(count, 4);
  const lengths = Buffer.alloc(count);
  tokens.forEach((t, i) => {
    if (t && t.length > 255) throw new Error(`token ${i} is longer than 255 bytes`);
    lengths[i] = t ? t.length : 0;
  });
  return Buffer.concat([header, lengths, ...tokens.filter(Boolean)]);
}

function checkUnique(tokens, name) {
  const seen = new Set();
  for (const t of tokens) {
    if (!t) continue;
    const key = t.toString('latin1');
    if (seen.has(key)) throw new Error(`${name}: duplicate token ${t.toString('hex')}`);
    seen.add(key);
  }
}

function build() {
  const files = {};
  const encodings = {};
  for (const enc of ENCODINGS) {
    const sourcePath = join(tiktokenDir, 'encoders', `${enc.source}.json`);
    const sourceText = readFileSync(sourcePath);
    const source = JSON.parse(sourceText);
    const family = FAMILY_BY_PATTERN[source.pat_str];
    if (!family) throw new Error(`${enc.name}: unknown pattern ${source.pat_str}`);
    const specials = enc.specials ? enc.specials(source.special_tokens) : source.special_tokens;
    const tokens = parseRanks(source.bpe_ranks);
    const dropped = dropSpecialIds(tokens, specials);
    checkUnique(tokens, enc.name);
    const blob = serialize(tokens);
    const previous = files[enc.ranks];
    if (previous && !previous.blob.equals(blob)) throw new Error(`${enc.name}: ranks differ from ${enc.ranks}`);
    files[enc.ranks] = { blob };
    encodings[enc.name] = {
      ranks: `${enc.ranks}.tkv`,
      family,
      pattern: source.pat_str,
      specialTokens: specials,
      droppedPlaceholders: dropped,
      source: {
        package: `tiktoken@${tiktokenVersion}`,
        file: `encoders/${enc.source}.json`,
        sha256: sha256(sourceText),
        ...(enc.specials ? { specialTokensFrom: 'tiktoken (Python) tiktoken_ext/openai_public.py o200k_harmony' } : {}),
      },
    };
  }
  for (const [name, f] of Object.entries(files)) {
    for (const e of Object.values(encodings)) if (e.ranks === `${name}.tkv`) e.ranksSha256 = sha256(f.blob);
  }
  return { files, encodings };
}

function main() {
  const check = process.argv.includes('--check');
  const { files, encodings } = build();
  const manifest = JSON.stringify({ generatedBy: 'scripts/build-vocab.mjs', encodings }, null, 2) + '\n';
  const outputs = [[join(dataDir, 'encodings.json'), Buffer.from(manifest)]];
  for (const [name, f] of Object.entries(files)) outputs.push([join(dataDir, `${name}.tkv`), f.blob]);
  let stale = 0;
  for (const [path, buf] of outputs) {
    if (check) {
      let current = null;
      try { current = readFileSync(path); } catch {}
      if (!current || !current.equals(buf)) { console.error(`stale: ${path}`); stale++; }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, buf);
      console.log(`wrote ${path} (${buf.length} bytes, sha256 ${sha256(buf).slice(0, 16)}…)`);
    }
  }
  if (stale) process.exit(1);
}

main();
