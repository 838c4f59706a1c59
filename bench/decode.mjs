#!/usr/bin/env node
// Decode speed: MB/s of output (10^6 bytes of UTF-8 per second) for turbotoken's decodeBytes and
// decode (to a JS string) on each corpus kind, beside the tiktoken package's decode (bytes) and
// TextDecoder turning those bytes into a string (what a tiktoken user adds to get text). Checks
// that the outputs agree before timing. Median and best of the runs, single thread; each round runs
// every contestant once, in a rotating order, each after a garbage collection.
//   node bench/decode.mjs [--encoding o200k_base] [--runs 21] [--write]
// --write also writes bench/results/decode-<encoding>.md.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { backend, getEncoding } from '../index.mjs';
import { loadInputs } from './inputs.mjs';
import { timeRotating } from './rotate.mjs';
import { arg } from './args.mjs';

const require = createRequire(import.meta.url);
const name = arg('encoding', 'o200k_base');
const runs = Number(arg('runs', 21));
const enc = getEncoding(name);
const ref = require('tiktoken').get_encoding(name);
const decoder = new TextDecoder();

const { inputs } = loadInputs();
const rows = [];
for (const input of inputs.filter((i) => i.texts.length === 1 && !i.label.startsWith('worst'))) {
  const ids = enc.encodeOrdinary(input.texts[0]);
  const bytes = enc.decodeBytes(ids);
  if (Buffer.compare(Buffer.from(bytes), Buffer.from(ref.decode(ids))) !== 0) throw new Error(`decodeBytes differs from tiktoken on ${input.label}`);
  if (enc.decode(ids) !== decoder.decode(bytes)) throw new Error(`decode differs from TextDecoder on ${input.label}`);
  const mbs = (t) => `${(bytes.length / 1e6 / (t.median / 1e3)).toFixed(0)} (${(bytes.length / 1e6 / (t.best / 1e3)).toFixed(0)})`;
  const times = timeRotating([() => enc.decodeBytes(ids), () => enc.decode(ids), () => ref.decode(ids), () => decoder.decode(ref.decode(ids))], runs);
  rows.push(`| ${input.label} | ${(bytes.length / 1e6).toFixed(2)} | ${times.map(mbs).join(' | ')} |`);
}
const text = [
  `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, turbotoken backend ${backend}, ${name}, single thread; MB/s of output, median (best) of ${runs} runs; load average ${os.loadavg()[0].toFixed(1)} at the end.`,
  '',
  '| input | MB out | turbotoken decodeBytes | turbotoken decode (string) | tiktoken decode (bytes) | tiktoken decode + TextDecoder (string) |',
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(text);
if (process.argv.includes('--write')) writeFileSync(new URL(`./results/decode-${name}.md`, import.meta.url), `# Decode\n\nWritten by \`node bench/decode.mjs --encoding ${name} --write\`.\n\n${text}\n`);
