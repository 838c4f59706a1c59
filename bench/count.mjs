#!/usr/bin/env node
// count() against encode(): MB/s of input for each on the corpus kinds and one call per line of
// code (counting should be at least as fast as encoding: it keeps no ids). Checks that count() equals
// the number of ids encode() returns before timing. Single thread, special-token text as ordinary
// text; rounds as in bench/rotate.mjs.
//   node bench/count.mjs [--encoding o200k_base] [--runs 15] [--write]
// --write also writes bench/results/count-<encoding>.md.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { backend, getEncoding } from '../index.mjs';
import { loadInputs } from './inputs.mjs';
import { timeRotating } from './rotate.mjs';
import { arg } from './args.mjs';

const name = arg('encoding', 'o200k_base');
const runs = Number(arg('runs', 15));
const enc = getEncoding(name);
const ORDINARY = Object.freeze({ disallowedSpecial: [], threads: 1 });

const { inputs } = loadInputs();
const rows = [];
for (const input of inputs.filter((i) => !i.label.startsWith('worst') && !i.defaults)) {
  const encoded = input.texts.reduce((n, t) => n + enc.encode(t, ORDINARY).length, 0);
  const counted = input.texts.reduce((n, t) => n + enc.count(t, ORDINARY), 0);
  if (encoded !== counted) throw new Error(`count() gives ${counted} tokens on ${input.label}, encode() ${encoded}`);
  const [encodeMs, countMs] = timeRotating([
    () => { for (const t of input.texts) enc.encode(t, ORDINARY); },
    () => { for (const t of input.texts) enc.count(t, ORDINARY); },
  ], runs).map((t) => t.median);
  const mbs = (ms) => (input.bytes / 1e6 / (ms / 1e3)).toFixed(2);
  rows.push(`| ${input.label} | ${(input.bytes / 1e6).toFixed(2)} | ${mbs(encodeMs)} | ${mbs(countMs)} | ${(encodeMs / countMs).toFixed(2)}× |`);
}
const text = [
  `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, turbotoken backend ${backend}, ${name}, single thread; MB/s of input, median of ${runs} rounds; load average ${os.loadavg()[0].toFixed(1)} at the end.`,
  '',
  '| input | MB | encode() MB/s | count() MB/s | count ÷ encode |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(text);
if (process.argv.includes('--write')) writeFileSync(new URL(`./results/count-${name}.md`, import.meta.url), `# count() against encode()\n\nWritten by \`node bench/count.mjs --encoding ${name} --write\`.\n\n${text}\n`);
