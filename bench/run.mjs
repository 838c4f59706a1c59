// npm run bench: turbotoken (native, and its WebAssembly backend) against tiktoken, js-tiktoken
// and gpt-tokenizer on the same inputs.
// Checks that every contestant returns the same ids before timing anything; prints a markdown
// table of MB/s (10^6 bytes of UTF-8 input per second, median of interleaved rounds) and the ratio to
// tiktoken, and writes bench/results/<encoding>.md and bench/results/chart-<encoding>.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';
import { barChart } from './chart.mjs';
import { contestants } from './contestants.mjs';
import { WORST_UNITS, loadInputs } from './inputs.mjs';

const ENCODINGS = (process.env.BENCH_ENCODINGS ?? 'cl100k_base,o200k_base').split(',');
const outDir = new URL('./results/', import.meta.url);

function sameIds(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Runs every contestant once (timing the calls alone, not the comparison) and checks that all
// return the same ids.
function checkAgree(players, input) {
  const once = {};
  let reference;
  for (const p of players) {
    p.reset?.();
    const encode = input.defaults ? p.encodeDefault : p.encode;
    const start = performance.now();
    const results = input.texts.map((t) => encode(t));
    once[p.name] = performance.now() - start;
    const ids = results.map((r) => Array.from(r));
    if (!reference) reference = ids;
    else if (!ids.every((a, i) => sameIds(a, reference[i]))) {
      throw new Error(`${p.name} and ${players[0].name} disagree on "${input.label}"; not timing unequal outputs`);
    }
  }
  return once;
}

// A contestant whose checked run took longer than this is reported from that one run (marked
// in the table) instead of being run again: the peers are quadratic on the worst cases.
// tiktoken is the denominator of every ratio, so it gets every round unless a run takes over
// REFERENCE_SLOW_RUN_MS: one run of it taken apart from turbotoken's rounds moved the mix's ratio
// by the host's noise (1.98 MB/s in one such run, where its rounds measure 3.3-4.1).
const SLOW_RUN_MS = 5000;
const REFERENCE = 'tiktoken';
const REFERENCE_SLOW_RUN_MS = 60000;

// Rounds of one timed call per contestant, in an order that rotates from round to round: on a
// shared machine a burst of load then slows every contestant alike, where timing all runs of
// one contestant before the next lets a burst land on one of them only. The median of the rounds
// is reported. Each round is one tinybench run with one iteration per task.
const ROUNDS_LARGE = Number(process.env.BENCH_ROUNDS ?? 7);  // inputs over 1 MB
const ROUNDS_SMALL = 2 * ROUNDS_LARGE + 1;
// BENCH_INPUTS=mixed,multilingual times only those inputs (labels as printed) and writes no
// results files: a quick rerun of one row, not a run to quote.
const ONLY = process.env.BENCH_INPUTS ? process.env.BENCH_INPUTS.split(',') : null;

async function time(players, input, once = {}) {
  // checkAgree has just run every contestant once on this input, which warms it up.
  const out = {};
  const timed = [];
  for (const p of players) {
    const limit = p.name === REFERENCE ? REFERENCE_SLOW_RUN_MS : SLOW_RUN_MS;
    if (once[p.name] > limit) out[p.name] = { mbs: input.bytes / 1e6 / (once[p.name] / 1000), single: true };
    else timed.push(p);
  }
  const samples = Object.fromEntries(timed.map((p) => [p.name, []]));
  const rounds = input.bytes > 1e6 ? ROUNDS_LARGE : ROUNDS_SMALL;
  for (let r = 0; r < rounds && timed.length; r++) {
    const bench = new Bench({ time: 0, iterations: 1, warmupIterations: 0, warmup: false });
    for (let k = 0; k < timed.length; k++) {
      const p = timed[(k + r) % timed.length];
      const encode = input.defaults ? p.encodeDefault : p.encode;
      bench.add(p.name, () => { p.reset?.(); for (const t of input.texts) encode(t); });
    }
    await bench.run();
    for (const task of bench.tasks) samples[task.name].push(task.result.latency.p50);
  }
  for (const [name, ms] of Object.entries(samples)) {
    ms.sort((x, y) => x - y);
    out[name] = { mbs: input.bytes / 1e6 / (ms[ms.length >> 1] / 1000) };
  }
  return out;
}

function table(encoding, names, rows, meta) {
  const ours = names.filter((n) => n.startsWith('turbotoken'));
  const head = `| input | MB | ${names.map((n) => `${n} MB/s`).join(' | ')} | ${ours.map((n) => `${n} ÷ ${REFERENCE}`).join(' | ')} |`;
  const lines = [head, `|${'---|'.repeat(names.length + ours.length + 2)}`];
  for (const r of rows) {
    const reference = r.values[REFERENCE];
    const ratio = (n) => (reference ? (r.values[n].mbs / reference.mbs).toFixed(1) + '×' : '—');
    const cell = (v) => (v === undefined ? '—' : `${v.mbs.toFixed(2)}${v.single ? '¹' : ''}`);
    lines.push(`| ${r.label} | ${(r.bytes / 1e6).toFixed(2)} | ${names.map((n) => cell(r.values[n])).join(' | ')} | ${ours.map(ratio).join(' | ')} |`);
  }
  const notes = `¹ one run only (it took over ${SLOW_RUN_MS / 1000} s; ${REFERENCE}, the denominator of the ratios, runs every round unless a run takes over ${REFERENCE_SLOW_RUN_MS / 1000} s). gpt-tokenizer's piece cache is cleared before each timed run, so it helps only within one input, as it would on new text.`;
  return `### ${encoding}\n\n${meta}\n\n${lines.join('\n')}\n\n${notes}\n`;
}

// turbotoken alone (each of its backends) on 1 MB worst cases (the peers take minutes there):
// MB/s and the share of its mixed-corpus speed, which the speed target wants to be at least a third.
async function worstCasesAlone(encoding, mixed) {
  const players = contestants(encoding).filter((p) => p.name.startsWith('turbotoken'));
  const head = players.map((p) => `| ${p.name} MB/s | ÷ mixed-corpus MB/s `).join('');
  const lines = [`| 1 MB of ${head}|`, `|---|${'---|---|'.repeat(players.length)}`];
  for (const [label, unit] of Object.entries(WORST_UNITS)) {
    const text = unit.repeat(Math.round(1e6 / Buffer.byteLength(unit)));
    const values = await time(players, { label, texts: [text], bytes: Buffer.byteLength(text) });
    const cells = players.map((p) => {
      const mbs = values[p.name].mbs;
      return `| ${mbs.toFixed(2)} | ${mixed[p.name] ? (mbs / mixed[p.name].mbs).toFixed(2) : '—'} `;
    });
    lines.push(`| ${label} ${cells.join('')}|`);
  }
  return lines.join('\n') + '\n';
}

async function main() {
  const { inputs, corpus } = loadInputs();
  mkdirSync(outDir, { recursive: true });
  for (const encoding of ENCODINGS) {
    const all = contestants(encoding);
    for (const m of all.filter((c) => c.missing)) console.log(`note: ${m.missing}`);
    const players = all.filter((c) => !c.missing);
    const names = players.map((p) => p.name);
    const meta = `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, turbotoken backend ${players.filter((p) => p.name.startsWith('turbotoken')).map((p) => p.detail).join(' and ')}, ${corpus}, single thread, median of ${ROUNDS_LARGE} rounds (${ROUNDS_SMALL} for inputs under 1 MB) that alternate the contestants.`;
    console.log(`\n# ${encoding}: ${meta}`);
    const rows = [];
    for (const input of inputs.filter((i) => !ONLY || ONLY.includes(i.label))) {
      const once = checkAgree(players, input);
      const values = await time(players, input, once);
      rows.push({ label: input.label, bytes: input.bytes, values });
      console.log(`${input.label.padEnd(28)} ${names.map((n) => `${n} ${values[n].mbs.toFixed(2)}`).join('  ')}`);
    }
    if (ONLY) continue;
    const mixed = rows.find((r) => r.label === 'mixed')?.values ?? {};
    const md = `${table(encoding, names, rows, meta)}\n#### turbotoken alone, 1 MB worst cases\n\n${await worstCasesAlone(encoding, mixed)}`;
    console.log('\n' + md);
    writeFileSync(new URL(`${encoding}.md`, outDir), md);
    writeFileSync(new URL(`chart-${encoding}.svg`, outDir), barChart({ title: `${encoding}: MB/s by input`, rows: rows.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, v.mbs])) })), names }));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
