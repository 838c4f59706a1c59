// npm run bench:train: turbotoken's trainer against Hugging Face `tokenizers` (its Node train(files),
// given the same split pattern through a tokenizer.json) on the same corpus and settings: vocabulary
// 30000, chunking by lines, tie-break 'huggingface', no special tokens. Each trainer runs once in a
// child process of its own (CPU seconds from process.cpuUsage, peak RSS from resourceUsage); the
// merges are compared, then the ratios printed. Also the counting phase (until the last progress
// report) on one thread and on two, in wall time.
//
//   node bench/train.mjs [corpus files...]   (default: corpus/npm-only/*.txt, concatenated)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CL100K = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const dir = mkdtempSync(path.join(tmpdir(), 'bench-train-'));
const given = process.argv.slice(2);
const sources = given.length ? given : readdirSync(`${root}/corpus/npm-only`).filter((f) => f.endsWith('.txt')).sort().map((f) => `${root}/corpus/npm-only/${f}`);
const corpus = path.join(dir, 'corpus.txt');
writeFileSync(corpus, Buffer.concat(sources.map((f) => readFileSync(f))));
const bytes = readFileSync(corpus).length;

const emptyBpe = {
  version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
  pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: CL100K }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
  post_processor: null, decoder: null,
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: {}, merges: [] },
};

// Each child prints one JSON line: cpu seconds, wall seconds, peak RSS (MB), and where its merges went.
const HF = `
const { Tokenizer } = require(${JSON.stringify(`${root}/node_modules/tokenizers`)});
const fs = require('fs');
const t = Tokenizer.fromString(fs.readFileSync(process.argv[1], 'utf8'));
const c0 = process.cpuUsage(), w0 = performance.now();
t.train([process.argv[2]]);
const c = process.cpuUsage(c0), wall = (performance.now() - w0) / 1000;
t.save(process.argv[3]);
const model = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).model;
fs.writeFileSync(process.argv[3], JSON.stringify({ merges: model.merges, vocab: Object.keys(model.vocab).length }));
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1e6, wall, rss: process.resourceUsage().maxRSS / 1024 }));
`;
const OURS = `
const { train } = require(${JSON.stringify(`${root}/dist/cjs/index.js`)});
const fs = require('fs');
const [file, vocab, threads, out] = process.argv.slice(1);
const text = fs.readFileSync(file);
const c0 = process.cpuUsage(), w0 = performance.now();
let counted; // the counting phase ends at the last progress report
const onProgress = () => { const c = process.cpuUsage(c0); counted = { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - w0) / 1000 }; };
const r = train(text, { vocabSize: Number(vocab), tieBreak: 'huggingface', chunking: 'lines', pattern: 'cl100k', threads: Number(threads), onProgress });
const c = process.cpuUsage(c0), wall = (performance.now() - w0) / 1000;
fs.writeFileSync(out, JSON.stringify({ merges: JSON.parse(r.toTokenizerJson()).model.merges }));
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1e6, wall, rss: process.resourceUsage().maxRSS / 1024, counted }));
`;

const run = (script, args) => JSON.parse(execFileSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n').at(-1));

writeFileSync(path.join(dir, 'empty.json'), JSON.stringify(emptyBpe));
const hf = run(HF, [path.join(dir, 'empty.json'), corpus, path.join(dir, 'hf.json')]);
const hfOut = JSON.parse(readFileSync(path.join(dir, 'hf.json'), 'utf8'));
const ours = run(OURS, [corpus, String(hfOut.vocab), '1', path.join(dir, 'ours.json')]);
const oursOut = JSON.parse(readFileSync(path.join(dir, 'ours.json'), 'utf8'));
const same = JSON.stringify(hfOut.merges) === JSON.stringify(oursOut.merges);
const count1 = ours.counted;
const count2 = run(OURS, [corpus, String(hfOut.vocab), '2', path.join(dir, 'c2.json')]).counted;
rmSync(dir, { recursive: true, force: true });

const f = (x, d = 2) => x.toFixed(d);
console.log(`corpus: ${(bytes / 1e6).toFixed(1)} MB (${sources.length} files); vocabulary ${hfOut.vocab}; ${hfOut.merges.length} merges; merges identical to Hugging Face: ${same}`);
console.log('');
console.log('| trainer | CPU s | wall s | peak RSS MB |');
console.log('|---|---|---|---|');
console.log(`| Hugging Face tokenizers | ${f(hf.cpu)} | ${f(hf.wall)} | ${f(hf.rss, 0)} |`);
console.log(`| turbotoken, 1 thread | ${f(ours.cpu)} | ${f(ours.wall)} | ${f(ours.rss, 0)} |`);
console.log(`| turbotoken, counting phase, 1 thread | ${f(count1.cpu)} | ${f(count1.wall)} | |`);
console.log(`| turbotoken, counting phase, 2 threads | ${f(count2.cpu)} | ${f(count2.wall)} | |`);
console.log('');
console.log(`CPU: Hugging Face / turbotoken = ${f(hf.cpu / ours.cpu)}x; peak RSS turbotoken / Hugging Face = ${f(ours.rss / hf.rss)}; counting wall time 1 thread / 2 threads = ${f(count1.wall / count2.wall)}x`);
console.log('(one run each on a shared machine: compare the ratios, not the seconds)');
if (!same) process.exitCode = 1;
