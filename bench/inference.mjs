#!/usr/bin/env node
// The inference helpers' cost per call (docs/inference.md): heal on a prompt (microseconds per
// call, beside encode of the same prompt: heal is one encode plus a few prefix searches),
// tokensWithPrefix, isCanonical beside the plain check it is (encode(decodeBytes(ids)) compared
// with ids; canonical ids, and ids that differ at their first token), and encode with dropout or another method beside encode, in the same run. Single thread; median of the runs. --pattern gives the
// encoding's ranks another split pattern (no native scanner: encode splits in JavaScript).
//   node bench/inference.mjs [--encoding o200k_base] [--pattern '\S+|\s+'] [--runs 15]
import os from 'node:os';
import { backend, Encoding, getEncoding } from '../index.mjs';
import { arg } from './args.mjs';
import { PARAGRAPHS } from '../test/support/compat-paragraphs.mjs';

const name = arg('encoding', 'o200k_base');
const runs = Number(arg('runs', 15));
const shipped = getEncoding(name);
const pattern = arg('pattern', undefined);
function withPattern() {
  const specials = new Set(Object.values(shipped.specialTokens));
  const ranks = new Map();
  for (let id = 0; id <= shipped.maxTokenValue; id++) {
    if (specials.has(id)) continue;
    try {
      ranks.set(shipped.tokenBytes(id), id);
    } catch {
      // an id no token has
    }
  }
  return new Encoding({ name: `${name} split by ${pattern}`, pattern, ranks, specialTokens: {} });
}
const enc = pattern === undefined ? shipped : withPattern();

let t0 = performance.now();
enc.tokensWithPrefix('x');
const buildMs = performance.now() - t0;

// Median microseconds per call of f, over `runs` rounds of `calls` calls each.
function perCall(f, calls) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (let k = 0; k < calls; k++) f();
    times.push(((performance.now() - start) * 1000) / calls);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

const prompt = 'Write a function that fetches https://example.com/api/v1/users?id=42 and returns the JSON. The url is http:';
const long = PARAGRAPHS.join('\n').repeat(20);
const ids = enc.encode(long);
const full = () => {
  const again = enc.encode(enc.decodeBytes(ids), { allowedSpecial: 'all' });
  return again.length === ids.length && again.every((x, k) => x === ids[k]);
};
if (enc.isCanonical(ids) !== full()) throw new Error('isCanonical and the full check disagree');
// The same ids with the first token spelled out as single bytes: not canonical from the start.
const spelled = Uint32Array.from([...[...enc.tokenBytes(ids[0])].map((b) => enc.encodeSingleToken(Uint8Array.of(b))), ...ids.subarray(1)]);
const fullSpelled = () => {
  const again = enc.encode(enc.decodeBytes(spelled), { allowedSpecial: 'all' });
  return again.length === spelled.length && again.every((x, k) => x === spelled[k]);
};
if (enc.isCanonical(spelled) !== fullSpelled()) throw new Error('isCanonical and the full check disagree');

const rows = [
  ['heal(prompt), ' + prompt.length + ' chars', perCall(() => enc.heal(prompt), 2000)],
  ['encode(prompt), the same prompt', perCall(() => enc.encode(prompt), 2000)],
  ["tokensWithPrefix(' th')", perCall(() => enc.tokensWithPrefix(' th'), 2000)],
  [`isCanonical(ids), ${ids.length} ids (${(long.length / 1024).toFixed(0)} KiB)`, perCall(() => enc.isCanonical(ids), 20)],
  ['encode(decodeBytes(ids)) == ids, the same ids', perCall(full, 20)],
  ['isCanonical, the first token spelled out (not canonical)', perCall(() => enc.isCanonical(spelled), 20)],
  ['encode(decodeBytes(ids)) == ids, the same spelled-out ids', perCall(fullSpelled, 20)],
  [`encode(text), the same ${(long.length / 1024).toFixed(0)} KiB`, perCall(() => enc.encode(long), 20)],
  ['  with { dropout: 0.1, seed: 1 }', perCall(() => enc.encode(long, { dropout: 0.1, seed: 1 }), 5)],
  ["  with { method: 'longest-prefix' }", perCall(() => enc.encode(long, { method: 'longest-prefix' }), 5)],
  ["  with { method: 'least-tokens' }", perCall(() => enc.encode(long, { method: 'least-tokens' }), 5)],
  ["  with { method: 'long-token-first' }", perCall(() => enc.encode(long, { method: 'long-token-first' }), 5)],
];
console.log(`Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, backend ${backend}, ${enc.name} (patternKind ${enc.patternKind}); load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`prefix index and token table built in ${buildMs.toFixed(0)} ms (first call)`);
for (const [label, us] of rows) console.log(`${label.padEnd(60)} ${us.toFixed(1)} µs/call (median of ${runs})`);
