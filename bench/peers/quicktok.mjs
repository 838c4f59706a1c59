// turbotoken from Node against quicktok from C++ (github.com/dmatth1/quicktok: an exact C++ BPE
// tokenizer for OpenAI's encodings with hand-written SIMD pre-tokenizers and backtracking BPE),
// on the corpus files. quicktok is on neither npm nor apt, so this is not part of `npm run bench`:
// check it out yourself and point this script at it.
//
//   git clone https://github.com/dmatth1/quicktok /path/to/quicktok
//   node bench/peers/quicktok.mjs --quicktok /path/to/quicktok [--rounds 15] [--inputs mixed,...] [--write]
//
// Builds quicktok's library with its own Makefile (-O3 -march=native, its defaults) unless it is
// built, and bench/peers/quicktok_file.cpp against it. quicktok runs in a child process that
// encodes the whole file once per request; turbotoken runs in this process, `encode(text,
// { disallowedSpecial: [], threads: 1 })` on the file as a JS string (so getting the string into
// native code is counted). After a warm-up call each and a check that both give the same token
// count and id hash, the two take turns one call at a time, the first of each round alternating,
// so that the host's changes of speed fall on both alike. Reported: each side's median MB/s and the
// median (and range) of the per-round ratios.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadInputs } from '../inputs.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const ENCODINGS = ['cl100k_base', 'o200k_base'];
const KINDS = ['prose', 'code', 'email', 'multilingual', 'mixed'];

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const quicktokDir = option('quicktok', process.env.QUICKTOK_DIR);
const rounds = Number(option('rounds', 15));
const only = option('inputs', null)?.split(',');
const ORDINARY = Object.freeze({ disallowedSpecial: [], threads: 1 });
const write = process.argv.includes('--write');
if (!quicktokDir || !existsSync(`${quicktokDir}/include/quicktok.hpp`)) {
  console.error('usage: node bench/peers/quicktok.mjs --quicktok DIR (a checkout of github.com/dmatth1/quicktok)');
  process.exit(2);
}

function buildDriver() {
  if (!existsSync(`${quicktokDir}/build/libquicktok.a`)) {
    execFileSync('make', ['-C', quicktokDir, 'lib'], { stdio: 'inherit' });
  }
  mkdirSync(`${root}/build/peers`, { recursive: true });
  const driver = `${root}/build/peers/quicktok_file`;
  execFileSync('g++', ['-O3', '-std=c++20', `-I${quicktokDir}/include`, `${root}/bench/peers/quicktok_file.cpp`,
    `${quicktokDir}/build/libquicktok.a`, '-o', driver], { stdio: 'inherit' });
  return driver;
}

function quicktokCommit() {
  try {
    return execFileSync('git', ['-C', quicktokDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown commit';
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function hashIds(ids) {
  let h = 2166136261;
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i], 16777619) >>> 0;
  return h;
}

// The driver as a child process: ready() resolves to its first line (tokens and hash), and each
// call() to the seconds of one more encode of the file.
function startQuicktok(driver, encoding, path) {
  const child = spawn(driver, [`${quicktokDir}/data`, encoding, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`quicktok_file exited with ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const first = next();
  return {
    ready: async () => JSON.parse(await first),
    call: async () => {
      const line = next();
      child.stdin.write('\n');
      return Number(await line);
    },
    stop: () => child.stdin.end(),
  };
}

function timeTurbotoken(enc, text) {
  const start = process.hrtime.bigint();
  enc.encode(text, ORDINARY);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function compare(driver, turbotoken, encoding, input, path) {
  const enc = turbotoken.getEncoding(encoding);
  const text = input.texts[0];
  const quicktok = startQuicktok(driver, encoding, path);
  try {
    const theirs = await quicktok.ready();
    const ids = enc.encode(text, ORDINARY);
    const ours = { tokens: ids.length, hash: hashIds(ids) };
    if (theirs.tokens !== ours.tokens || theirs.hash !== ours.hash) {
      return { label: input.label, mismatch: `quicktok ${theirs.tokens} tokens (hash ${theirs.hash}), turbotoken ${ours.tokens} (hash ${ours.hash})` };
    }
    const oursMBps = [], theirsMBps = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) theirsMBps.push(input.bytes / (await quicktok.call()) / 1e6);
      oursMBps.push(input.bytes / timeTurbotoken(enc, text) / 1e6);
      if (r % 2 === 1) theirsMBps.push(input.bytes / (await quicktok.call()) / 1e6);
    }
    const ratios = oursMBps.map((v, r) => v / theirsMBps[r]);
    return { label: input.label, bytes: input.bytes, ours: median(oursMBps), theirs: median(theirsMBps), ratio: median(ratios),
      low: Math.min(...ratios), high: Math.max(...ratios) };
  } finally {
    quicktok.stop();
  }
}

function table(encoding, rows, backend, commit) {
  const lines = [`### ${encoding}: turbotoken from Node against quicktok from C++`, '',
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, turbotoken backend ${backend}; quicktok ${commit} ` +
    `built with its Makefile (-O3 -march=native), in a child process. Single thread, whole file per call, the two ` +
    `taking turns one call at a time for ${rounds} rounds; medians. Token counts and id hashes checked equal first.`, '',
    '| input | MB | turbotoken MB/s | quicktok MB/s | turbotoken ÷ quicktok (median; range over rounds) |', '|---|---|---|---|---|'];
  for (const row of rows) {
    if (row.mismatch) lines.push(`| ${row.label} | | | | outputs differ, not timed: ${row.mismatch} |`);
    else lines.push(`| ${row.label} | ${(row.bytes / 1e6).toFixed(2)} | ${row.ours.toFixed(2)} | ${row.theirs.toFixed(2)} | ` +
      `${row.ratio.toFixed(2)}× (${row.low.toFixed(2)}-${row.high.toFixed(2)}) |`);
  }
  return lines.join('\n') + '\n';
}

const turbotoken = require('../../dist/cjs/index.js');
const driver = buildDriver();
const commit = quicktokCommit();
const { inputs } = loadInputs();
const corpus = inputs.filter((input) => KINDS.includes(input.label) && (!only || only.includes(input.label)));
const corpusDir = existsSync(`${root}/corpus/mixed.txt`) ? `${root}/corpus` : `${root}/corpus/npm-only`;
let report = '';
for (const encoding of ENCODINGS) {
  const rows = [];
  for (const input of corpus) rows.push(await compare(driver, turbotoken, encoding, input, `${corpusDir}/${input.label}.txt`));
  const md = table(encoding, rows, turbotoken.backend, commit);
  console.log(md);
  report += md + '\n';
}
if (write) writeFileSync(`${root}/bench/results/quicktok.md`, report);
