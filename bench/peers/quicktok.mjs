// turbotoken from Node against quicktok from C++ (github.com/dmatth1/quicktok: an exact C++ BPE
// tokenizer for OpenAI's encodings with hand-written SIMD pre-tokenizers and backtracking BPE),
// with the `tiktoken` package beside them, on the corpus files. quicktok is on neither npm nor apt,
// so this is not part of `npm run bench`: check it out yourself and point this script at it.
//
//   git clone https://github.com/dmatth1/quicktok /path/to/quicktok
//   node bench/peers/quicktok.mjs --quicktok /path/to/quicktok [--rounds 15] [--inputs mixed,...] [--write]
//
// Under `taskset -c N` all three run on one CPU (the child inherits the affinity), which the table
// then says: on a VM whose CPUs run at different speeds (bench/host-cpus.mjs), a contestant moved
// to the other CPU between calls would shift the ratios.
//
// Builds quicktok's library with its own Makefile (-O3 -march=native, its defaults) unless it is
// built, and bench/peers/quicktok_file.cpp against it. quicktok runs in a child process that
// encodes the whole file once per request; turbotoken and tiktoken run in this process, each
// encoding the file as a JS string (special-token text as ordinary text, turbotoken on one
// thread), so that getting the string into native code is counted. After a check that all three
// give the same token count and id hash, each round calls each once, in an order that rotates,
// with a garbage collection before each call of ours, so that the host's changes of speed fall on
// all of them alike. Reported: median MB/s of each, and the median (and range) of the per-round
// ratios.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { arg } from '../args.mjs';
import { loadInputs } from '../inputs.mjs';
import { collectGarbage, median } from '../rotate.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const ENCODINGS = ['cl100k_base', 'o200k_base'];
const CALL_TIMEOUT_MS = 120_000;

const quicktokDir = arg('quicktok', process.env.QUICKTOK_DIR);
const rounds = Number(arg('rounds', 15));
const only = arg('inputs', null)?.split(',');
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

function hashIds(ids) {
  let h = 2166136261;
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i], 16777619) >>> 0;
  return h;
}

// The driver as a child process, one line out per request: ready() gives its first line (tokens
// and hash), call() the seconds of one more encode of the file. Once the driver has failed, or
// says something nobody asked for, every pending and later request fails with the reason.
function startQuicktok(driver, encoding, path) {
  const child = spawn(driver, [`${quicktokDir}/data`, encoding, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let failure = null;
  const fail = (error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  child.on('error', fail);
  child.stdin.on('error', fail);
  child.on('close', (code, signal) => fail(new Error(`quicktok_file ended (${signal ?? `exit code ${code}`})`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(line);
    else fail(new Error(`quicktok_file wrote a line nobody asked for: ${line.slice(0, 80)}`));
  });
  const next = () => new Promise((resolve, reject) => {
    if (failure) return reject(failure);
    const timer = setTimeout(() => fail(new Error(`quicktok_file gave no answer in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    const settle = (fn) => (value) => {
      clearTimeout(timer);
      fn(value);
    };
    waiting.push({ resolve: settle(resolve), reject: settle(reject) });
  });
  const first = next();
  return {
    ready: async () => JSON.parse(await first),
    call: async () => {
      const line = next();
      if (!failure) child.stdin.write('\n');
      return Number(await line);
    },
    stop: () => {
      if (!failure) child.stdin.end();
      else child.kill();
    },
  };
}

function timeInProcess(encode, text) {
  collectGarbage();
  const start = process.hrtime.bigint();
  encode(text);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function compare(driver, turbotoken, tiktoken, encoding, input, path) {
  const ordinary = { disallowedSpecial: [], threads: 1 };
  const ours = turbotoken.getEncoding(encoding);
  const reference = tiktoken.get_encoding(encoding);
  const encoders = { turbotoken: (t) => ours.encode(t, ordinary), tiktoken: (t) => reference.encode_ordinary(t) };
  const text = input.texts[0];
  const quicktok = startQuicktok(driver, encoding, path);
  try {
    const got = { quicktok: await quicktok.ready() };
    for (const [name, encode] of Object.entries(encoders)) {
      const ids = encode(text);
      got[name] = { tokens: ids.length, hash: hashIds(ids) };
    }
    const differ = Object.entries(got).filter(([, g]) => g.tokens !== got.quicktok.tokens || g.hash !== got.quicktok.hash);
    if (differ.length) {
      return { label: input.label, mismatch: Object.entries(got).map(([n, g]) => `${n} ${g.tokens} tokens (hash ${g.hash})`).join(', ') };
    }
    const timers = [
      ['quicktok', () => quicktok.call()],
      ['turbotoken', async () => timeInProcess(encoders.turbotoken, text)],
      ['tiktoken', async () => timeInProcess(encoders.tiktoken, text)],
    ];
    const mbps = { quicktok: [], turbotoken: [], tiktoken: [] };
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < timers.length; k++) {
        const [name, time] = timers[(k + r) % timers.length];
        mbps[name].push(input.bytes / (await time()) / 1e6);
      }
    }
    const ratio = (a, b) => mbps[a].map((v, r) => v / mbps[b][r]);
    const summary = (values) => ({ median: median(values), low: Math.min(...values), high: Math.max(...values) });
    return { label: input.label, bytes: input.bytes, mbps: Object.fromEntries(Object.entries(mbps).map(([n, v]) => [n, median(v)])),
      oursToQuicktok: summary(ratio('turbotoken', 'quicktok')), oursToTiktoken: summary(ratio('turbotoken', 'tiktoken')), quicktokToTiktoken: summary(ratio('quicktok', 'tiktoken')) };
  } finally {
    quicktok.stop();
    reference.free();
  }
}

function table(encoding, rows, backend, commit) {
  const range = (s) => `${s.median.toFixed(2)}× (${s.low.toFixed(2)}-${s.high.toFixed(2)})`;
  const lines = [`### ${encoding}: turbotoken from Node against quicktok from C++`, '',
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, turbotoken backend ${backend}; quicktok ${commit} ` +
    `built with its Makefile (-O3 -march=native), in a child process; the tiktoken npm package. Single thread, whole ` +
    `file per call, each once per round in a rotating order, ${rounds} rounds; medians. Token counts and id hashes checked equal first.` +
    (os.availableParallelism() < os.cpus().length ? ` All three on ${os.availableParallelism()} of the machine's ${os.cpus().length} CPUs (taskset).` : ''), '',
    '| input | MB | turbotoken MB/s | quicktok MB/s | tiktoken MB/s | turbotoken ÷ quicktok (median; range over rounds) | turbotoken ÷ tiktoken | quicktok ÷ tiktoken |',
    '|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    if (row.mismatch) lines.push(`| ${row.label} | | | | | outputs differ, not timed: ${row.mismatch} | | |`);
    else lines.push(`| ${row.label} | ${(row.bytes / 1e6).toFixed(2)} | ${row.mbps.turbotoken.toFixed(2)} | ${row.mbps.quicktok.toFixed(2)} | ` +
      `${row.mbps.tiktoken.toFixed(2)} | ${range(row.oursToQuicktok)} | ${range(row.oursToTiktoken)} | ${range(row.quicktokToTiktoken)} |`);
  }
  return lines.join('\n') + '\n';
}

const turbotoken = require('../../dist/cjs/index.js');
const tiktoken = require('tiktoken');
const driver = buildDriver();
const commit = quicktokCommit();
const { inputs, dir } = loadInputs();
const corpus = inputs.filter((input) => input.texts.length === 1 && existsSync(`${dir}/${input.label}.txt`) &&
  (!only || only.includes(input.label)));
let report = '';
for (const encoding of ENCODINGS) {
  const rows = [];
  for (const input of corpus) rows.push(await compare(driver, turbotoken, tiktoken, encoding, input, `${dir}/${input.label}.txt`));
  const md = table(encoding, rows, turbotoken.backend, commit);
  console.log(md);
  report += md + '\n';
}
if (write) writeFileSync(`${root}/bench/results/quicktok.md`, report);
