#!/usr/bin/env node
// How long native calls hold the JS thread (the event loop), native backend, cl100k_base:
// - encodeAsync / countAsync on long flat strings (one-byte and two-byte, 10 and 100 MB): the time
//   until the call returns its promise (wall clock and the process's CPU time, which on a loaded
//   host is the steadier measure: the call runs on the JS thread alone), in ms per MB of UTF-8,
//   and the JS thread's time for the job's completion;
// - encodeBatch / countBatch with threads 1 against 2, run in turn in one process (the host's
//   speed drifts between minutes), medians, on ~70 MB of paragraphs and ~7 MB of short lines.
// The texts come from the npm-only corpus (scripts/build-corpus.mjs --npm-only).
//   node bench/event-loop.mjs [--runs 7] [--only async|batch] [--sizes 10,100]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { arg } from './args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { getEncoding, backend } = require('../dist/cjs/index.js');
const dir = `${root}/corpus/npm-only`;
if (!existsSync(`${dir}/prose.txt`)) execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'inherit' });
const corpus = Object.fromEntries(['prose', 'code', 'email', 'multilingual'].map((k) => [k, readFileSync(`${dir}/${k}.txt`, 'utf8')]));

const runs = Number(arg('runs', 7));
const only = arg('only', 'all');
const sizes = arg('sizes', '10,100').split(',').map(Number);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const enc = getEncoding('cl100k_base');
const opts = { disallowedSpecial: [] };

// A flat sequential string, as readFileSync(path, 'utf8') gives: a repeat() rope is flattened by
// V8 on its first read, which is not the binding's time.
const flat = (s) => Buffer.from(s, 'utf8').toString('utf8');
function textOf(unit, megabytes) {
  const s = unit.repeat(Math.ceil((megabytes * 1e6) / Buffer.byteLength(unit)));
  return flat(s.slice(0, s.length - Math.max(0, Buffer.byteLength(s) - megabytes * 1e6)));
}

// The event loop turns (setImmediate) until the promise settles: the longest wall-clock gap
// between turns, and the process's CPU time in the last gap, where the job's completion ran on
// the JS thread (its worker had finished: the gap holds little else).
async function settling(promise) {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let longest = 0;
  let finalCpu = 0;
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  while (!settled) {
    await new Promise(setImmediate);
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest = Math.max(longest, now - last);
    finalCpu = (cpu.user + cpu.system) / 1e3;
    last = now;
    lastCpu = process.cpuUsage();
  }
  return { longest, finalCpu };
}

async function asyncRows() {
  // One-byte: the corpus with every character above U+00FF replaced (V8 keeps it one-byte);
  // two-byte: the multilingual text, whose characters above U+00FF make V8 keep it two-byte.
  const all = Object.values(corpus).join('\n');
  const oneByteUnit = all.replace(/[^\x00-\xff]/g, '?');
  const twoByteUnit = corpus.multilingual;
  for (const mb of sizes) {
    for (const [kind, unit] of [['one-byte', oneByteUnit], ['two-byte', twoByteUnit]]) {
      const text = textOf(unit, mb);
      const bytes = Buffer.byteLength(text);
      for (const op of ['encodeAsync', 'countAsync']) {
        await enc[op](text, opts); // warm: the vocabulary, the thread pool
        const call = [];
        const cpu = [];
        const settle = [];
        const completion = [];
        for (let r = 0; r < runs; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const p = enc[op](text, opts);
          call.push(performance.now() - t0);
          const used = process.cpuUsage(c0);
          cpu.push((used.user + used.system) / 1e3);
          const { longest, finalCpu } = await settling(p);
          settle.push(longest);
          completion.push(finalCpu);
          await p;
        }
        const perMB = (ms) => (ms / (bytes / 1e6)).toFixed(3);
        console.log(`${op} ${kind} ${(bytes / 1e6).toFixed(1)} MB (${(text.length / 1e6).toFixed(1)}M units): ` +
          `call ${median(call).toFixed(1)} ms = ${perMB(median(call))} ms/MB (min ${perMB(Math.min(...call))}), ` +
          `CPU ${median(cpu).toFixed(1)} ms = ${perMB(median(cpu))} ms/MB, ` +
          `completion CPU ${median(completion).toFixed(2)} ms, longest wall-clock gap between turns of the loop ${median(settle).toFixed(1)} ms; load ${load()}`);
      }
    }
  }
}

function batchRows() {
  // Paragraphs: the corpus cut at blank lines, repeated to ~70 MB; lines: its non-empty lines,
  // repeated to ~7 MB (short texts, where the per-text cost of reading a string shows).
  const all = Object.values(corpus).join('\n\n');
  const paragraphs = all.split(/\n\s*\n/).filter((p) => p.length > 0);
  const lines = all.split('\n').filter((l) => l.length > 0);
  const fill = (pieces, megabytes) => {
    const out = [];
    let bytes = 0;
    for (let k = 0; bytes < megabytes * 1e6; k++) {
      const t = flat(pieces[k % pieces.length]);
      out.push(t);
      bytes += Buffer.byteLength(t);
    }
    return [out, bytes];
  };
  for (const [label, [texts, bytes]] of [['paragraphs', fill(paragraphs, 70)], ['lines', fill(lines, 7)]]) {
    for (const op of ['encodeBatch', 'countBatch']) {
      enc[op](texts.slice(0, 2000), { ...opts, threads: 2 }); // warm-up
      const ms = { 1: [], 2: [] };
      const pairs = [];
      for (let r = 0; r < runs; r++) {
        const order = r % 2 ? [2, 1] : [1, 2];
        const pair = {};
        for (const threads of order) {
          const t0 = performance.now();
          enc[op](texts, { ...opts, threads });
          pair[threads] = performance.now() - t0;
          ms[threads].push(pair[threads]);
        }
        pairs.push(pair[1] / pair[2]);
      }
      console.log(`${op} ${label} (${texts.length} texts, ${(bytes / 1e6).toFixed(1)} MB): 1 thread ${median(ms[1]).toFixed(0)} ms, ` +
        `2 threads ${median(ms[2]).toFixed(0)} ms, ratio of medians ${(median(ms[1]) / median(ms[2])).toFixed(2)}x, ` +
        `median of paired ratios ${median(pairs).toFixed(2)}x (${runs} runs each, in turn); load ${load()}`);
    }
  }
}

console.log(`backend ${backend}, node ${process.version}; load ${load()}`);
if (only !== 'batch') await asyncRows();
if (only !== 'async') batchRows();
