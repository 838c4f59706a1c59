#!/usr/bin/env node
// Split patterns that no hand-written scanner implements, against Llama 3 (whose pattern runs on
// the cl100k_base scanner): full encode MB/s of Llama 3, Qwen3 (one Split pattern on the core's
// lazy DFA) and DeepSeek-V3 (a Sequence of three Splits run by the core's Splitter in one call)
// on the same texts, one thread, rounds rotating as in bench/rotate.mjs; and the splitting alone
// (the core's Splitter from JS). The ratios are the goals: each model's encode at least
// 2/3 of Llama 3's. Ids are checked against each other's counts first (every model must encode
// every text).
//   node bench/models-pattern.mjs [--runs 7] [--write-steps DIR] [--core build-cmake/bench_pattern]
// --write-steps writes DIR/<model>.u32 (native/core/regex/splitter.h's layout) for bench_pattern;
// --core runs that binary on the same text for the split rows against the cl100k_base scanner
// (CPU MB/s in one process each, printed side by side). Times are this process's CPU time (the
// calls run on one thread): on a shared machine wall time says more about the neighbours.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Encoding, backend } from '../index.mjs';
import { createSplitter, splitterWords, SplitMode } from '../dist/cjs/pattern-matcher.js';
import { compilePattern } from '../dist/cjs/pattern-program.js';
import { readPreTokenizer, BYTE_LEVEL_PATTERN } from '../dist/cjs/pretokenizer-sequence.js';
import { modelFile } from '../scripts/model-files.mjs';
import { loadInputs } from './inputs.mjs';
import { timeRotating } from './rotate.mjs';
import { arg } from './args.mjs';

const runs = Number(arg('runs', 5));
const MODELS = ['llama3', 'qwen3', 'deepseek_v3'];
const ORDINARY = Object.freeze({ disallowedSpecial: [], threads: 1 });
const MODES = { Removed: SplitMode.Removed, Isolated: SplitMode.Isolated, MergedWithPrevious: SplitMode.MergedWithPrevious, MergedWithNext: SplitMode.MergedWithNext, Contiguous: SplitMode.Contiguous };

/** A model's pre-tokenizer as the core's Splitter steps. */
function stepsOf(model) {
  const json = JSON.parse(readFileSync(modelFile(model), 'utf8'));
  const plan = readPreTokenizer(json.pre_tokenizer, model);
  if ('pattern' in plan) return [{ program: compilePattern(plan.pattern), mode: SplitMode.Isolated }];
  const steps = [];
  for (const s of plan.sequence.steps) {
    if (s.kind === 'split') steps.push({ program: s.program, mode: MODES[s.behavior], invert: s.invert });
    else if (s.useRegex) steps.push({ program: compilePattern(BYTE_LEVEL_PATTERN), mode: SplitMode.Isolated });
  }
  return steps;
}

/** This process's CPU time in milliseconds. */
function cpuMs() {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
}

const { inputs } = loadInputs();
const kinds = inputs.filter((i) => ['prose', 'code', 'email', 'multilingual'].includes(i.label));
// 400,000 characters of each kind: a few seconds a round on a busy machine.
const text = kinds.map((i) => i.texts[0].slice(0, 400_000)).join('\n\n');
const bytes = Buffer.from(text);
const mb = bytes.length / 1e6;

const encodings = Object.fromEntries(MODELS.map((m) => [m, Encoding.fromTokenizerJson(modelFile(m))]));
for (const m of MODELS) encodings[m].encode(text.slice(0, 10_000), ORDINARY);
const encodeTimes = timeRotating(MODELS.map((m) => () => encodings[m].encode(text, ORDINARY)), runs, cpuMs);

const splitters = Object.fromEntries(MODELS.map((m) => [m, createSplitter(stepsOf(m))]));
const splitTimes = timeRotating(MODELS.map((m) => () => splitters[m].split(bytes)), runs, cpuMs);

const rate = (ms) => mb / (ms / 1e3);
const llama = rate(encodeTimes[0].median);
console.log(`backend ${backend}, ${mb.toFixed(2)} MB (prose, code, email, multilingual), ${runs} rounds, load average ${os.loadavg()[0].toFixed(1)}`);
console.log('| model | encode MB/s | / Llama 3 | split MB/s (core Splitter) |');
console.log('|---|---|---|---|');
MODELS.forEach((m, k) => {
  const e = rate(encodeTimes[k].median);
  console.log(`| ${m} | ${e.toFixed(1)} | ${(e / llama).toFixed(2)} | ${rate(splitTimes[k].median).toFixed(1)} |`);
});

const dir = arg('write-steps', undefined) ?? (arg('core', undefined) ? mkdtempSync(`${os.tmpdir()}/models-pattern-`) : undefined);
if (dir) {
  mkdirSync(dir, { recursive: true });
  for (const m of MODELS) {
    const words = splitterWords(stepsOf(m));
    writeFileSync(`${dir}/${m}.u32`, Buffer.from(words.buffer, words.byteOffset, words.byteLength));
  }
  writeFileSync(`${dir}/text.txt`, bytes);
  console.log(`steps and text written to ${dir}`);
}
const core = arg('core', undefined);
if (core) {
  const line = (steps) => execFileSync(core, [steps, `${dir}/text.txt`, '5'], { encoding: 'utf8' }).trim();
  const scanner = line('cl100k');
  const cpu = (l) => Number(/cpu=([\d.]+)/.exec(l)[1]);
  console.log(`\ncore, CPU MB/s of the split alone: cl100k_base scanner ${cpu(scanner)}`);
  for (const m of MODELS) {
    const l = line(`${dir}/${m}.u32`);
    console.log(`  ${m} Splitter ${cpu(l)} (${(cpu(l) / cpu(scanner)).toFixed(2)} of the scanner; ${/pieces=\d+/.exec(l)[0]})`);
  }
}
