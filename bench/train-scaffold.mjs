// Bytes per token on held-out text: plain BPE against Scaffold-BPE (train's algorithm 'scaffold'),
// trained on the same text at the same vocabulary sizes. The corpus is scripts/build-corpus.mjs
// --npm-only's (corpus/npm-only/*.txt); each file's lines are cut into blocks of 50, and every
// fifth block is held out (20%), the rest trained on. Training: cl100k's pattern, chunking by
// lines, tie-break 'bytes', no special tokens. Measured: the held-out text's UTF-8 bytes over its
// token count, per file and over all; higher is better compression. Token counts do not depend
// on timing, so the numbers are exact and repeatable.
//
//   node bench/train-scaffold.mjs [vocabSize...]   (default 1024 4096 16384)
//   writes bench/results/train-scaffold.md
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../index.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = `${root}/corpus/npm-only`;
const sizes = process.argv.slice(2).map(Number);
if (sizes.length === 0) sizes.push(1024, 4096, 16384);

const kinds = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
if (kinds.length === 0) throw new Error('no corpus: run node scripts/build-corpus.mjs --npm-only');
const trainText = [];
const heldOut = {};
for (const file of kinds) {
  const lines = readFileSync(`${dir}/${file}`, 'utf8').split(/(?<=\n)/);
  const held = [];
  for (let k = 0; k < lines.length; k += 50) {
    const block = lines.slice(k, k + 50).join('');
    if ((k / 50) % 5 === 4) held.push(block);
    else trainText.push(block);
  }
  heldOut[file] = held;
}
const utf8 = (s) => Buffer.byteLength(s, 'utf8');
const trainBytes = trainText.reduce((n, s) => n + utf8(s), 0);
const heldBytes = Object.fromEntries(kinds.map((k) => [k, heldOut[k].reduce((n, s) => n + utf8(s), 0)]));

function measure(result) {
  const perKind = {};
  let bytes = 0;
  let tokens = 0;
  for (const kind of kinds) {
    const n = heldOut[kind].reduce((sum, text) => sum + result.encoding.encode(text).length, 0);
    perKind[kind] = heldBytes[kind] / n;
    bytes += heldBytes[kind];
    tokens += n;
  }
  return { all: bytes / tokens, tokens, perKind };
}

const rows = [];
for (const vocabSize of sizes) {
  for (const algorithm of ['bpe', 'scaffold']) {
    const result = train(trainText, { vocabSize, chunking: 'lines', algorithm });
    const m = measure(result);
    rows.push({ vocabSize, algorithm, scaffold: result.scaffold.length, expanded: result.tokens.length, ...m });
    console.log(`${vocabSize} ${algorithm}: ${m.all.toFixed(4)} bytes/token (${m.tokens} tokens), ${result.scaffold.length} scaffold tokens`);
  }
  // Plain BPE given as many tokens as Scaffold-BPE merges through (its scaffold tokens included):
  // what the same rank table buys when every token is kept.
  const expanded = rows.at(-1).expanded;
  const big = train(trainText, { vocabSize: expanded, chunking: 'lines' });
  rows.push({ vocabSize: expanded, algorithm: `bpe (= scaffold ${vocabSize}'s ${expanded} tokens)`, base: vocabSize, scaffold: 0, expanded, ...measure(big) });
}

const f = (x) => x.toFixed(3);
const lines = [
  '# Scaffold-BPE against plain BPE: bytes per token on held-out text',
  '',
  `Written by \`node bench/train-scaffold.mjs\`. Corpus: corpus/npm-only (scripts/build-corpus.mjs --npm-only), ${(trainBytes / 1e6).toFixed(2)} MB trained on,`,
  `${(Object.values(heldBytes).reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} MB held out (every fifth block of 50 lines of each file). cl100k pattern, chunking 'lines', tie-break 'bytes'.`,
  'Vocabulary size as train counts it (Scaffold-BPE: without its scaffold tokens). Higher bytes/token is better; token counts are exact, not timings.',
  '',
  `| vocabSize | algorithm | scaffold tokens | tokens merged through | bytes/token (all) | ${kinds.map((k) => k.replace('.txt', '')).join(' | ')} | held-out tokens | vs BPE |`,
  `|---:|---|---:|---:|---:|${kinds.map(() => '---:').join('|')}|---:|---:|`,
];
for (const r of rows) {
  const bpe = rows.find((x) => x.vocabSize === (r.base ?? r.vocabSize) && x.algorithm === 'bpe');
  const change = r.algorithm === 'bpe' ? '' : `${(((bpe.tokens - r.tokens) / bpe.tokens) * 100).toFixed(2)}% fewer tokens than bpe ${bpe.vocabSize}`;
  lines.push(`| ${r.vocabSize} | ${r.algorithm} | ${r.scaffold} | ${r.expanded} | ${f(r.all)} | ${kinds.map((k) => f(r.perKind[k])).join(' | ')} | ${r.tokens} | ${change} |`);
}
writeFileSync(`${root}/bench/results/train-scaffold.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
