// npm run bench:train: turbotoken's trainer against Hugging Face `tokenizers` (its Node train(files),
// given the same split pattern through a tokenizer.json) on the same corpus and settings: vocabulary
// 30000, chunking by lines, tie-break 'huggingface', no special tokens. Each trainer runs once in a
// child process of its own (CPU seconds from process.cpuUsage, peak RSS from resourceUsage); the
// merges are compared, then the ratios printed.
//
// Then the counting phase alone, on one thread and on two: trainAsync to a vocabulary of one merge
// over the corpus repeated to about 200 MB (the same Buffer documents again, so the child holds one
// corpus), so that one thread counts for 2-3 s: phases of 0.2-0.4 s measured mostly the host's
// noise. Two shapes: pieces of about 1 MB cut after a newline (as `turbotoken train` hands a file
// over), and paragraphs (cut at blank lines: many small documents, more work on the JS thread).
// Wall seconds to the last progress report, 1 and 2 threads interleaved (their order alternating
// from round to round), medians of 5 rounds, with the load average; and each round's own 1/2
// ratio. On a shared machine wall time mostly measures the other processes, so the CPU seconds are
// split too: S, the JS thread's (reading the input, the batch copies; from
// /proc/self/task/PID/schedstat), and P, every other thread's (checking, cutting and counting,
// adding the batch tables to the table), itself split into the live threads' (libuv's pool, where
// thread 0 of each count runs) and the counting pool's (the rest: its threads end with the last
// batch, before the last report). On an idle machine with two cores, two threads take at most
// S + P2/2 where one takes S + P1 (Amdahl's law, the overlap of S with P not credited): the "idle
// 2-thread speed-up" printed is (S1 + P1) / (S2 + P2/2). With the overlap credited, one counting
// thread leaves the JS thread a core of its own while two share both cores with it:
// max(S1, P1) / max((S2 + P2)/2, S2, P2/2). Both bounds take P2 as measured, so a P2 above P1 (the
// two cores slowing each other) lowers them. Last, the host's own limit: two 1-thread counts in two
// processes at once, against one alone, and each CPU's speed on the encoder (bench/host-cpus.mjs).
// The count phase ends at the last progress report, after the last batch is counted. Linux only
// (schedstat).
//
//   node bench/train.mjs [--count-only] [corpus files...]   (default: corpus/npm-only/*.txt, concatenated;
//   --count-only: the count-phase rows alone)
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSpeeds, describeCpus } from './host-cpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CL100K = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const dir = mkdtempSync(path.join(tmpdir(), 'bench-train-'));
const countOnly = process.argv.includes('--count-only');
const given = process.argv.slice(2).filter((a) => a !== '--count-only');
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

// The counting phase: trainAsync with a vocabulary of one merge, timed to the last progress report.
const COUNT = `
const { trainAsync } = require(${JSON.stringify(`${root}/dist/cjs/index.js`)});
const fs = require('fs');
const [file, threads, copies, shape] = process.argv.slice(1);
const docs = [];
const text = fs.readFileSync(file);
const cuts = [];
if (shape === 'pieces') {
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf(10, Math.min(text.length, at + (1 << 20)));
    const end = nl < 0 ? text.length : nl + 1;
    cuts.push(text.subarray(at, end));
    at = end;
  }
} else for (const d of text.toString('utf8').split(/(?<=\\n\\n)/)) cuts.push(Buffer.from(d));
// The same documents again for each copy: the trainer copies them into its batches either way,
// and the child's memory stays that of one corpus.
for (let k = 0; k < Number(copies); k++) for (const d of cuts) docs.push(d);
const taskNs = (tid) => Number(fs.readFileSync('/proc/self/task/' + tid + '/schedstat', 'utf8').split(' ')[0]);
const jsNs = () => taskNs(process.pid);
// Every other live thread's CPU nanoseconds (libuv's pool, V8's and node's own): the counting
// pool's threads have ended by the last report, so theirs is the rest of the total.
const liveNs = () => {
  let ns = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) if (Number(tid) !== process.pid) try { ns += taskNs(tid); } catch {}
  return ns;
};
(async () => {
  const c0 = process.cpuUsage(), j0 = jsNs(), l0 = liveNs(), w0 = performance.now();
  let counted;
  const onProgress = () => {
    const c = process.cpuUsage(c0);
    counted = { cpu: (c.user + c.system) / 1e6, js: (jsNs() - j0) / 1e9, live: (liveNs() - l0) / 1e9, wall: (performance.now() - w0) / 1000 };
  };
  await trainAsync(docs, { vocabSize: 257, chunking: 'lines', pattern: 'cl100k', threads: Number(threads), onProgress });
  console.log(JSON.stringify(counted));
})();
`;

const lastLine = (out) => JSON.parse(out.trim().split('\n').at(-1));
const run = (script, args) => lastLine(execFileSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }));
const runAsync = (script, args) =>
  new Promise((resolve, reject) => execFile(process.execPath, ['-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }, (error, out) => (error ? reject(error) : resolve(lastLine(out)))));

writeFileSync(path.join(dir, 'empty.json'), JSON.stringify(emptyBpe));
let hf, hfOut, ours, same = true;
if (!countOnly) {
  hf = run(HF, [path.join(dir, 'empty.json'), corpus, path.join(dir, 'hf.json')]);
  hfOut = JSON.parse(readFileSync(path.join(dir, 'hf.json'), 'utf8'));
  ours = run(OURS, [corpus, String(hfOut.vocab), '1', path.join(dir, 'ours.json')]);
  const oursOut = JSON.parse(readFileSync(path.join(dir, 'ours.json'), 'utf8'));
  same = JSON.stringify(hfOut.merges) === JSON.stringify(oursOut.merges);
}
// Enough copies that one thread counts for about 2-3 s (a phase of 0.2-0.4 s measured mostly the
// host's noise): about 200 MB.
const COPIES = Math.max(1, Math.round(200e6 / bytes));
const ROUNDS = 5;
const SHAPES = ['pieces', 'paragraphs'];
const counts = {};
for (const shape of SHAPES) counts[shape] = { 1: [], 2: [] };
// The host's own limit: two 1-thread counts of 1 MB pieces at once, in two processes that share
// nothing but the machine. Their slowdown against one alone is what two cores give this
// memory-bound work here (shared caches and memory, other processes), whatever the trainer does.
const pairs = [];
const load0 = loadavg()[0];
// Interleaved, the order of 1 and 2 threads alternating from round to round, so that a drift in
// the host's load falls on both.
for (let k = 0; k < ROUNDS; k++) {
  for (const shape of SHAPES) for (const t of k % 2 ? [2, 1] : [1, 2]) counts[shape][t].push(run(COUNT, [corpus, String(t), String(COPIES), shape]));
  const args = [corpus, '1', String(COPIES), 'pieces'];
  pairs.push(...(await Promise.all([runAsync(COUNT, args), runAsync(COUNT, args)])));
}
const load1 = loadavg()[0];
rmSync(dir, { recursive: true, force: true });
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const phase = (shape, t) => {
  const rows = counts[shape][t];
  const of = (key) => median(rows.map((r) => r[key]));
  const cpu = of('cpu'), js = of('js'), live = of('live');
  return { wall: of('wall'), cpu, S: js, P: Math.max(0, cpu - js), live, pool: Math.max(0, cpu - js - live) };
};

const f = (x, d = 2) => x.toFixed(d);
if (!countOnly) {
  console.log(`corpus: ${(bytes / 1e6).toFixed(1)} MB (${sources.length} files); vocabulary ${hfOut.vocab}; ${hfOut.merges.length} merges; merges identical to Hugging Face: ${same}`);
  console.log('');
  console.log('| trainer | CPU s | wall s | peak RSS MB |');
  console.log('|---|---|---|---|');
  console.log(`| Hugging Face tokenizers | ${f(hf.cpu)} | ${f(hf.wall)} | ${f(hf.rss, 0)} |`);
  console.log(`| turbotoken, 1 thread | ${f(ours.cpu)} | ${f(ours.wall)} | ${f(ours.rss, 0)} |`);
  console.log('');
  console.log(`CPU: Hugging Face / turbotoken = ${f(hf.cpu / ours.cpu)}x; peak RSS turbotoken / Hugging Face = ${f(ours.rss / hf.rss)}`);
  console.log('');
}
console.log(`count phase, 1 vs 2 threads: ${f((bytes * COPIES) / 1e6, 1)} MB (the corpus ${COPIES} times), trainAsync, medians of ${ROUNDS} interleaved rounds; load average ${f(load0)} before, ${f(load1)} after`);
console.log('');
console.log('| count phase | documents | wall s | CPU s | S: JS thread CPU s | P: other threads CPU s | of P: live threads (libuv pool: count thread 0) | of P: the counting pool\'s threads |');
console.log('|---|---|---|---|---|---|---|---|');
for (const shape of SHAPES) for (const t of [1, 2]) {
  const p = phase(shape, t);
  console.log(`| ${t} thread${t > 1 ? 's' : ''} | ${shape} | ${f(p.wall)} | ${f(p.cpu)} | ${f(p.S)} | ${f(p.P)} | ${f(p.live)} | ${f(p.pool)} |`);
}
console.log('');
for (const shape of SHAPES) {
  const one = phase(shape, 1), two = phase(shape, 2);
  // On two idle cores one counting thread overlaps the JS thread (wall about max(S1, P1)), while
  // two counting threads and the JS thread share the cores (wall at least (S2 + P2) / 2).
  const twoCore = Math.max(one.S, one.P) / Math.max((two.S + two.P) / 2, two.S, two.P / 2);
  // Each round's own ratio (its two runs ran next to each other), the median of those.
  const paired = median(counts[shape][1].map((r, k) => r.wall / counts[shape][2][k].wall));
  console.log(`${shape}: wall 1 thread / 2 threads = ${f(one.wall / two.wall)}x (medians; median of the rounds' own ratios ${f(paired)}x; this machine, now); idle 2-thread speed-up (Amdahl, from the CPU split) = (S1 + P1) / (S2 + P2/2) = ${f((one.S + one.P) / (two.S + two.P / 2))}x; on two cores with the JS thread overlapping = max(S1, P1) / max((S2 + P2)/2, S2, P2/2) = ${f(twoCore)}x; P2/P1 = ${f(two.P / one.P, 3)}`);
}
const pairWall = median(pairs.map((r) => r.wall)), oneWall = phase('pieces', 1).wall;
console.log(`host limit: two 1-thread counts of pieces at once take ${f(pairWall)} s (median of ${pairs.length}) against ${f(oneWall)} s alone: two cores do ${f((2 * oneWall) / pairWall)}x the work of one for two independent counts`);
console.log(describeCpus(cpuSpeeds()));
console.log('(on a shared machine: compare the ratios and the CPU split, not the seconds)');
if (!same) process.exitCode = 1;
