// Run in a child process (so that environment variables that pick an implementation take
// effect at load): compares encodings with the reference and prints one JSON line of results.
import { getEncoding } from '../../index.mjs';
import { reference, sameIds } from './reference.mjs';
import { randomText, rng } from './random-text.mjs';
import { WORST_CASES, repeatToBytes } from './worst-cases.mjs';

const names = process.argv[2].split(',');
const cases = Number(process.argv[3] ?? 300);
const result = { checked: 0, mismatches: [] };
for (const name of names) {
  const ours = getEncoding(name);
  const ref = reference(name);
  const next = rng(0x5eed + name.length);
  const texts = [];
  for (let i = 0; i < cases; i++) texts.push(randomText(next, 40));
  for (const unit of Object.values(WORST_CASES)) texts.push(repeatToBytes(unit, 4096));
  for (const text of texts) {
    result.checked++;
    if (!sameIds(ours.encodeOrdinary(text), ref.encode_ordinary(text))) result.mismatches.push({ name, text: text.slice(0, 200) });
  }
}
console.log(JSON.stringify(result));
