// Run in a child process with TURBOTOKEN_KERNEL set: compares one pre-tokenizer kernel with the
// reference on text built to stress the masked kernels (ASCII runs of every class meeting
// non-ASCII characters, special-token text, 64-byte block boundaries, the end of the text), on
// seeded random text, on real documents (as strings and as raw bytes) and on the worst cases.
// Prints one JSON line: { backend, checked, mismatches }.
import { backend, getEncoding } from '../../index.mjs';
import { corpusSamples } from './corpus-samples.mjs';
import { reference, sameIds } from './reference.mjs';
import { randomText, rng } from './random-text.mjs';
import { WORST_CASES, repeatToBytes } from './worst-cases.mjs';

const names = process.argv[2].split(',');
const cases = Number(process.argv[3] ?? 300);

// Pieces whose ASCII bytes decide a masked rule, and neighbours that hand it to the scalar code.
const ASCII_PARTS = ['a', 'z', 'A', 'Z', 'abc', 'ABC', 'AbC', 'aBc', '0', '12', '345', '6789', ' ', '  ', '\t', '\n', '\r\n', '\r', '\v', '\f',
  '.', '...', '/', '//', "'", "'s", "'T", "'ll", '(', ')', '-', '_', '"', '\\', '\u0000', '\u007f', '<|endoftext|>', '<|fim_prefix|>'];
const OTHER_PARTS = ['é', 'É', 'ß', 'ſ', 'ǅ', 'ʰ', '٣', '²', '\u00a0', '\u0085', '\u2028', '\u3000', '\u0301', '€', '中', '😀', '\ufeff', 'Привет'];

function blockText(next) {
  let text = '';
  const target = 1 + Math.floor(next() * 200);
  while (text.length < target) {
    const parts = next() < 0.85 ? ASCII_PARTS : OTHER_PARTS;
    text += parts[Math.floor(next() * parts.length)];
  }
  return text;
}

function texts() {
  const out = [];
  for (const name of names) {
    const next = rng(0x6b65726e + name.length);
    for (let i = 0; i < cases; i++) out.push(blockText(next), randomText(next, 60));
  }
  // Every ASCII character next to every ASCII character, at a block boundary and at the end.
  for (let a = 0; a < 128; a++) {
    let line = '';
    for (let b = 0; b < 128; b++) line += String.fromCharCode(a, b, a);
    out.push(line, 'x'.repeat(62) + line.slice(0, 6), line.slice(0, 3));
  }
  for (const unit of Object.values(WORST_CASES)) out.push(repeatToBytes(unit, 2048));
  for (const doc of corpusSamples(2)) out.push(doc.bytes, doc.bytes.toString('utf8'));
  return out;
}

const result = { backend, checked: 0, mismatches: [] };
const inputs = texts();
for (const name of names) {
  const ours = getEncoding(name);
  const ref = reference(name);
  for (const text of inputs) {
    result.checked++;
    const a = ours.encode(text, { allowedSpecial: 'all' });
    const b = ref.encode(typeof text === 'string' ? text : new TextDecoder().decode(text), 'all');
    if (!sameIds(a, b)) result.mismatches.push({ name, text: String(text).slice(0, 120) });
  }
}
console.log(JSON.stringify(result));
