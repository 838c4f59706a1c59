// npm run bench:models: one row per model family (the tokenizer.json files of test/data/model-files.json),
// turbotoken against Hugging Face `tokenizers` (its npm binding) and @lenml/tokenizers (the JS port
// of transformers.js' tokenizers) on the same texts, one call per paragraph, one thread; and each
// one's load time. Times are CPU time of this process (process.cpuUsage: it counts the binding's
// worker threads too and is steadier than wall time on a shared machine), median of interleaved rounds.
// turbotoken's ids are checked against Hugging Face's before timing; @lenml's disagreements are
// counted (on 200 texts), not excluded. Each load is timed once, in this order: turbotoken's
// tokenizer.json load, Encoding.load of the file it saves, Hugging Face's, @lenml's (the first
// model's turbotoken load also pays for this process's first use of the modules).
//   node bench/models.mjs [--models llama2,gemma3] [--rounds 5] [--kb 200]
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Encoding } from '../index.mjs';
import { MODEL_PACKAGES, modelFile } from '../scripts/model-files.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const models = arg('models', Object.keys(MODEL_PACKAGES).join(',')).split(',');
const rounds = Number(arg('rounds', 5));
const kb = Number(arg('kb', 200));
const root = new URL('..', import.meta.url).pathname;

function optional(name) {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}
const lenml = optional('@lenml/tokenizers');

// The first kb KB of each corpus kind, one text per paragraph.
function texts() {
  const dir = ['corpus', 'corpus/npm-only'].map((d) => path.join(root, d)).find((d) => existsSync(path.join(d, 'prose.txt')));
  if (!dir) throw new Error('no corpus: run node scripts/build-corpus.mjs --npm-only');
  const out = [];
  for (const kind of ['prose', 'code', 'multilingual']) {
    const file = path.join(dir, `${kind}.txt`);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').slice(0, kb * 1000);
    out.push(...text.split(/\n\s*\n/).filter((p) => p.trim().length));
  }
  return out;
}

function cpu(fn) {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}

async function cpuAsync(fn) {
  const start = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const list = texts();
const bytes = list.reduce((n, t) => n + Buffer.byteLength(t), 0);
const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-bench-models-'));
const rows = [];
for (const model of models) {
  const file = modelFile(model);
  const load = {};
  const ours = cpu(() => Encoding.fromTokenizerJson(file));
  load.turbotoken = ours.ms;
  const enc = ours.value;
  const saved = path.join(dir, `${model}.ttenc`);
  enc.save(saved);
  load.saved = cpu(() => Encoding.load(saved)).ms;
  const hfLoad = cpu(() => Tokenizer.fromFile(file));
  load.hf = hfLoad.ms;
  const hf = hfLoad.value;
  let lenmlTok;
  if (lenml) {
    const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
    const l = cpu(() => lenml.TokenizerLoader.fromPreTrained({ tokenizerJSON: JSON.parse(readFileSync(file, 'utf8')), tokenizerConfig: existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {} }));
    load.lenml = l.ms;
    lenmlTok = l.value;
  }
  // Exactness first: no timing of unequal outputs.
  let mismatches = 0;
  for (const text of list) {
    const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
    if (!same([...enc.encode(text)], theirs)) mismatches++;
  }
  if (mismatches) throw new Error(`${model}: turbotoken and Hugging Face disagree on ${mismatches} of ${list.length} texts; not timing`);
  let lenmlMismatches = 0;
  if (lenmlTok) for (const text of list.slice(0, 200)) if (!same(lenmlTok.encode(text, { add_special_tokens: false }), [...enc.encode(text)])) lenmlMismatches++;
  const times = { turbotoken: [], hf: [], lenml: [] };
  for (let r = 0; r < rounds; r++) {
    times.turbotoken.push(cpu(() => { for (const t of list) enc.encode(t); }).ms);
    times.hf.push((await cpuAsync(async () => { for (const t of list) await hf.encode(t, null, { addSpecialTokens: false }); })).ms);
    if (lenmlTok && r < 2) times.lenml.push(cpu(() => { for (const t of list) lenmlTok.encode(t, { add_special_tokens: false }); }).ms);
  }
  const mbps = (ms) => (ms ? bytes / 1e3 / ms : NaN);
  const row = { model, turbotoken: mbps(median(times.turbotoken)), hf: mbps(median(times.hf)), lenml: times.lenml.length ? mbps(median(times.lenml)) : undefined, lenmlMismatches, load };
  rows.push(row);
  console.error(`${model}: ${row.turbotoken.toFixed(1)} MB/s, HF ${row.hf.toFixed(1)} MB/s (${(row.turbotoken / row.hf).toFixed(1)}x)`);
}

const f1 = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const f0 = (x) => (x === undefined ? '-' : x.toFixed(0));
const lines = [
  `${list.length} paragraphs, ${(bytes / 1e6).toFixed(2)} MB (prose, code, multilingual); MB/s of CPU time, median of ${rounds} interleaved rounds; load in ms of CPU time.`,
  '',
  '| model | turbotoken MB/s | HF tokenizers MB/s | ratio | @lenml/tokenizers MB/s (mismatches /200) | load: turbotoken | saved (Encoding.load) | HF | @lenml |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.model} | ${f1(r.turbotoken)} | ${f1(r.hf)} | ${(r.turbotoken / r.hf).toFixed(1)}x | ${f1(r.lenml)}${r.lenml === undefined ? '' : ` (${r.lenmlMismatches})`} | ${f0(r.load.turbotoken)} | ${f0(r.load.saved)} | ${f0(r.load.hf)} | ${f0(r.load.lenml)} |`),
];
console.log(lines.join('\n'));
const results = new URL('./results/', import.meta.url);
writeFileSync(new URL('models.md', results), `# Model families (bench/models.mjs)\n\n${lines.join('\n')}\n`);
