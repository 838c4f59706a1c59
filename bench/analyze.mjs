#!/usr/bin/env node
// analyze() beside the encodeBatch calls it is made of (docs/analysis.md: "at the encoder's
// speed"): the same texts, the same batches and threads, taking turns; CPU time of this process
// (user + system), the median of --runs each, and the median of the runs' ratios. The ratio is
// what to read: the host is shared.
//   node bench/analyze.mjs [--encoding o200k_base] [--mb 8] [--runs 5] [--threads 1]
import { readFileSync } from 'node:fs';
import { analyze, getEncoding } from '../index.mjs';
import { arg } from './args.mjs';
import { loadInputs } from './inputs.mjs';

const enc = getEncoding(arg('encoding', 'o200k_base'));
const mb = Number(arg('mb', 8));
const runs = Number(arg('runs', 5));
const threads = Number(arg('threads', 1));

// One text per line of the corpus files, up to --mb of each kind's share.
const { dir } = loadInputs();
const kinds = {};
for (const kind of ['prose', 'code', 'email', 'multilingual']) {
  const lines = readFileSync(`${dir}/${kind}.txt`, 'utf8').split('\n');
  const want = (mb * 1e6) / 4;
  const texts = [];
  let bytes = 0;
  for (let k = 0; bytes < want; k = (k + 1) % lines.length) {
    texts.push(lines[k]);
    bytes += lines[k].length + 1;
  }
  kinds[kind] = texts;
}

const BATCH_UNITS = 8 << 20; // src/analyze.ts's batches
const options = { disallowedSpecial: [], threads };
function encodeOnly() {
  let n = 0;
  for (const texts of Object.values(kinds)) {
    let batch = [];
    let units = 0;
    for (const t of texts) {
      batch.push(t);
      units += t.length;
      if (units >= BATCH_UNITS || batch.length >= 65536) {
        n += enc.encodeBatch(batch, options).tokens.length;
        batch = [];
        units = 0;
      }
    }
    if (batch.length) n += enc.encodeBatch(batch, options).tokens.length;
  }
  return n;
}
const analyzeAll = () => analyze(enc, kinds, { threads });

function cpu(f) {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

analyzeAll();
encodeOnly();
const a = [];
const e = [];
const ratios = [];
for (let r = 0; r < runs; r++) {
  // Alternating which goes first: neither always runs on a cache the other warmed.
  if (r % 2) a.push(cpu(analyzeAll)), e.push(cpu(encodeOnly));
  else e.push(cpu(encodeOnly)), a.push(cpu(analyzeAll));
  ratios.push(a[r] / e[r]);
}
const totalMb = Object.values(kinds).reduce((s, t) => s + t.reduce((x, y) => x + Buffer.byteLength(y) + 1, 0), 0) / 1e6;
console.log(`${enc.name}, ${totalMb.toFixed(1)} MB in ${Object.values(kinds).reduce((s, t) => s + t.length, 0)} texts, threads ${threads}, median of ${runs}`);
console.log(`encodeBatch: ${median(e).toFixed(0)} ms CPU; analyze: ${median(a).toFixed(0)} ms CPU; ratio ${(median(a) / median(e)).toFixed(3)} (median of the runs' ratios ${median(ratios).toFixed(3)}: ${ratios.map((x) => x.toFixed(3)).join(' ')})`);
