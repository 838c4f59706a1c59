// npm run bench: turbotoken against tiktoken, js-tiktoken and gpt-tokenizer on the same inputs.
// Checks that every contestant returns the same ids before timing anything; prints a markdown
// table of MB/s (10^6 bytes of UTF-8 input per second, median of the runs) and the ratio to
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

function checkAgree(players, input) {
  const reference = input.texts.map((t) => players[0].encode(t));
  for (const p of players.slice(1)) {
    input.texts.forEach((t, i) => {
      if (!sameIds(Array.from(p.encode(t)), Array.from(reference[i]))) {
        throw new Error(`${p.name} and ${players[0].name} disagree on "${input.label}" (text ${i}); not timing unequal outputs`);
      }
    });
  }
}

async function time(players, input) {
  // checkAgree has just run every contestant once on this input, which warms it up.
  const bench = new Bench({ time: 0, iterations: input.bytes > 1e6 ? 3 : 5, warmupIterations: 0, warmup: false });
  for (const p of players) bench.add(p.name, () => { for (const t of input.texts) p.encode(t); });
  await bench.run();
  const out = {};
  for (const task of bench.tasks) out[task.name] = input.bytes / 1e6 / (task.result.latency.p50 / 1000);
  return out;
}

function table(encoding, names, rows, meta) {
  const head = `| input | MB | ${names.map((n) => `${n} MB/s`).join(' | ')} | turbotoken ÷ tiktoken |`;
  const lines = [head, `|${'---|'.repeat(names.length + 3)}`];
  for (const r of rows) {
    const ratio = r.values.tiktoken ? (r.values.turbotoken / r.values.tiktoken).toFixed(1) + '×' : '—';
    lines.push(`| ${r.label} | ${(r.bytes / 1e6).toFixed(2)} | ${names.map((n) => (r.values[n] === undefined ? '—' : r.values[n].toFixed(2))).join(' | ')} | ${ratio} |`);
  }
  return `### ${encoding}\n\n${meta}\n\n${lines.join('\n')}\n`;
}

// turbotoken alone on 1 MB worst cases (the peers take minutes there): MB/s and the share of
// its mixed-corpus speed, which the speed target wants to be at least a third.
async function worstCasesAlone(encoding, mixedMBs) {
  const player = contestants(encoding)[0];
  const lines = ['| 1 MB of | turbotoken MB/s | ÷ mixed-corpus MB/s |', '|---|---|---|'];
  for (const [label, unit] of Object.entries(WORST_UNITS)) {
    const text = unit.repeat(Math.round(1e6 / Buffer.byteLength(unit)));
    const values = await time([player], { label, texts: [text], bytes: Buffer.byteLength(text) });
    lines.push(`| ${label} | ${values.turbotoken.toFixed(2)} | ${mixedMBs ? (values.turbotoken / mixedMBs).toFixed(2) : '—'} |`);
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
    const meta = `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, turbotoken backend ${players[0].detail}, ${corpus}, single thread, median of runs.`;
    console.log(`\n# ${encoding}: ${meta}`);
    const rows = [];
    for (const input of inputs) {
      checkAgree(players, input);
      const values = await time(players, input);
      rows.push({ label: input.label, bytes: input.bytes, values });
      console.log(`${input.label.padEnd(28)} ${names.map((n) => `${n} ${values[n].toFixed(2)}`).join('  ')}`);
    }
    const mixed = rows.find((r) => r.label === 'mixed')?.values.turbotoken;
    const md = `${table(encoding, names, rows, meta)}\n#### turbotoken alone, 1 MB worst cases\n\n${await worstCasesAlone(encoding, mixed)}`;
    console.log('\n' + md);
    writeFileSync(new URL(`${encoding}.md`, outDir), md);
    writeFileSync(new URL(`chart-${encoding}.svg`, outDir), barChart({ title: `${encoding}: MB/s by input (turbotoken ${players[0].detail})`, rows, names }));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
