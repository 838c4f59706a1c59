// One call on a large input in this process, and how much the resident set grew during it:
// node --expose-gc peak-rss.mjs <case> <MiB> <call>. Prints {bytes, grew, output} as JSON, `bytes` being the
// input's UTF-8 length, `grew` the peak resident set during the call minus the resident set
// before it (the input and the loaded encoding are there already), `output` the bytes of the
// returned ids (part of `grew`). Linux: the peak is reset through /proc/self/clear_refs.
import { readFileSync, writeFileSync } from 'node:fs';
import { getEncoding } from '../../index.mjs';

const [name, mib, call] = process.argv.slice(2);
const n = Number(mib) << 20;

function random(alphabet) {
  const b = Buffer.allocUnsafe(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = alphabet.charCodeAt((x >>> 16) % alphabet.length);
  }
  return b;
}
const CJK = '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能过';
const inputs = {
  // One piece each under cl100k_base: the long merge on all of it.
  letters: () => random('abcdefghijklmnopqrstuvwxyz').toString('latin1'),
  mixedCase: () => random('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ').toString('latin1'),
  tabsAndSpaces: () => random(' \t').toString('latin1'),
  cjk: () => {
    const chars = Buffer.from(CJK, 'utf8');  // three bytes each
    const picks = random('0123456789abcdef');
    const b = Buffer.allocUnsafe(n - (n % 3));
    for (let i = 0; i < b.length; i += 3) chars.copy(b, i, 3 * (picks[i] % CJK.length), 3 * (picks[i] % CJK.length) + 3);
    return b.toString('utf8');
  },
  // Each byte reads as U+FFFD, three bytes: the repaired text is three times the input.
  illFormed: () => Buffer.alloc(n, 0xff),
};
const input = inputs[name]();
const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
const enc = getEncoding('cl100k_base');
enc.encode('warm up');
await enc.encodeAsync('warm up');
enc.encodeBatch(['warm up']);

// The garbage of building the input collected first, so that no collection runs during the call.
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 300));

const rss = (field) => Number(/\b(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)))[1]) * 1024;
writeFileSync('/proc/self/clear_refs', '5');
const before = rss('VmRSS:');
let result;
if (call === 'encode') result = enc.encode(input);
else if (call === 'count') result = enc.countTokens(input);
else if (call === 'encodeAsync') result = await enc.encodeAsync(input);
else if (call === 'countAsync') result = await enc.countAsync(input);
else if (call === 'encodeBatch') result = enc.encodeBatch([input]).tokens;
else throw new Error(`unknown call ${call}`);
const grew = rss("VmHWM:") - before;
console.log(JSON.stringify({ bytes, grew, output: typeof result === 'number' ? 0 : result.byteLength }));
