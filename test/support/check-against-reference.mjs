// Run in a child process (so that environment variables that pick an implementation take
// effect at load): compares encodings with the reference (its ids from the committed digests,
// test/support/reference-digests.mjs) and prints one JSON line of results.
import { getEncoding } from '../../index.mjs';
import { strategyTexts } from './reference-cases.mjs';
import { matchesReference } from './reference-digests.mjs';

const names = process.argv[2].split(',');
const cases = Number(process.argv[3] ?? 300);
const result = { checked: 0, mismatches: [] };
for (const name of names) {
  const ours = getEncoding(name);
  for (const text of strategyTexts(name, cases)) {
    result.checked++;
    if (!matchesReference(name, 'ordinary', text, ours.encodeOrdinary(text))) result.mismatches.push({ name, text: text.slice(0, 200) });
  }
}
console.log(JSON.stringify(result));
