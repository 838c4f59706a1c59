// Run in a child process with TURBOTOKEN_KERNEL set: compares one pre-tokenizer kernel with the
// reference on text built to stress the masked kernels (ASCII runs of every class meeting
// non-ASCII characters, special-token text, 64-byte block boundaries, the end of the text), on
// seeded random text, on real documents (as strings and as raw bytes) and on the worst cases.
// Decoding to a string goes through the kernel's UTF-8 to UTF-16 transcoder: it is held to
// TextDecoder on the same inputs, and on byte sequences that mix well-formed characters of every
// length with ill-formed ones. Long strings go through its UTF-16 to UTF-8 transcoder on the way
// in. Prints one JSON line: { backend, checked, mismatches }.
import { backend, getEncoding } from '../../index.mjs';
import { kernelReferenceText, kernelTexts, longStrings } from './reference-cases.mjs';
import { matchesReference, referenceIds } from './reference-digests.mjs';
import { reference } from './reference.mjs';
import { rng } from './random-text.mjs';

const names = process.argv[2].split(',');
const cases = Number(process.argv[3] ?? 300);

// Byte strings for the transcoder: runs long enough for its 64-byte windows, of well-formed
// characters (one to four bytes, the edges of each range) with now and then an ill-formed one.
const GOOD = ['a', ' ', '\n', 'é', 'ж', 'ß', '\u07ff', '\u0800', '中', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}']
  .map((c) => Buffer.from(c));
const BAD = [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xe4, 0xb8],
  [0xed, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xf5], [0xff]].map((b) => Buffer.from(b));

// Three mixes: characters of up to two bytes, up to three, up to four (a window with a four-byte
// character goes to the scalar code, so the first two are what the SIMD windows see).
const MIXES = [7, 12, GOOD.length];

function byteStrings(seed) {
  const next = rng(seed);
  const pick = (list, size = list.length) => list[Math.floor(next() * size)];
  const out = [];
  for (let i = 0; i < cases; i++) {
    const parts = [];
    const length = 66 + Math.floor(next() * 400);  // 66: the least a SIMD window reads
    const good = MIXES[i % 3];
    for (let n = 0; n < length; n += parts.at(-1).length) parts.push(pick(GOOD, good));
    // Few ill-formed sequences, so that most land in a window of well-formed ones.
    const bad = [0, 1, 2, 20][i % 4];
    for (let k = 0; k < bad; k++) parts.splice(Math.floor(next() * (parts.length + 1)), 0, pick(BAD));
    out.push(Buffer.concat(parts));
  }
  return out;
}

// decode's length pass (a kernel sums 16 ids at a time): sequences of ordinary tokens with a
// special token, or an id that is no token, at every position around the 16-id blocks. The bytes
// must equal the reference's, and an id that is no token must be named at its own index.
function checkLengthPass(name, ours, ref) {
  const next = rng(0x6c656e + name.length);
  const ordinary = [];
  for (const text of ['plain ASCII words, 123', 'Ελληνικά, Русский, 中文', '😀👍🏽', ' \n\t  x']) ordinary.push(...ours.encodeOrdinary(text));
  const asciiOrdinary = [...ours.encodeOrdinary('plain ASCII words, 123 and (more)! ')];
  const specials = Object.values(ours.specialTokens);
  const invalid = [ours.nVocab, ours.nVocab + 1000, 2 ** 32 - 1];
  for (let length = 1; length <= 72; length++) {
    for (let at = 0; at < length; at += 1 + Math.floor(next() * 3)) {
      const ids = Array.from({ length }, () => ordinary[Math.floor(next() * ordinary.length)]);
      result.checked++;
      if (specials.length) {
        const withSpecial = ids.slice();
        withSpecial[at] = specials[Math.floor(next() * specials.length)];
        const bytes = Buffer.from(ref.decode(Uint32Array.from(withSpecial)));
        if (!Buffer.from(ours.decodeBytes(withSpecial)).equals(bytes) || ours.decode(withSpecial) !== decoder.decode(bytes))
          result.mismatches.push({ name, lengthPass: 'special', length, at });
      }
      // All ASCII but one token: the kernel's ASCII flag must see that token (Latin-1 otherwise).
      const asciiIds = ids.map(() => asciiOrdinary[Math.floor(next() * asciiOrdinary.length)]);
      asciiIds[at] = ordinary[Math.floor(next() * ordinary.length)];
      const asciiBytes = Buffer.from(ref.decode(Uint32Array.from(asciiIds)));
      if (ours.decode(asciiIds) !== decoder.decode(asciiBytes)) result.mismatches.push({ name, lengthPass: 'ascii', length, at });
      const bad = ids.slice();
      bad[at] = invalid[Math.floor(next() * invalid.length)];
      let message = '';
      try {
        ours.decode(bad);
      } catch (error) {
        message = String(error?.message);
      }
      if (!message.includes(`at index ${at} `)) result.mismatches.push({ name, lengthPass: 'invalid', length, at, message });
    }
  }
}

const result = { backend, checked: 0, mismatches: [] };
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });  // decode() keeps a leading U+FEFF
const inputs = kernelTexts(names, cases);
for (const name of names) {
  const ours = getEncoding(name);
  const ref = reference(name);
  for (const text of inputs) {
    result.checked++;
    const a = ours.encode(text, { allowedSpecial: 'all' });
    const refText = kernelReferenceText(text);
    // The reference's ids are a's when they match its digest; otherwise they come from tiktoken.
    let b = a;
    if (!matchesReference(name, 'all', refText, a)) {
      result.mismatches.push({ name, text: String(text).slice(0, 120) });
      b = referenceIds(name, 'all', refText);
    }
    if (ours.decode(a) !== decoder.decode(ref.decode(b))) result.mismatches.push({ name, decode: String(text).slice(0, 120) });
  }
  for (const text of longStrings(name)) {
    result.checked++;
    const a = ours.encode(text, { allowedSpecial: 'all' });
    if (!matchesReference(name, 'all', text, a)) result.mismatches.push({ name, long: text.slice(0, 120) });
    if (ours.count(text, { allowedSpecial: 'all' }) !== a.length) result.mismatches.push({ name, count: text.slice(0, 120) });
  }
  checkLengthPass(name, ours, ref);
  const byteToken = Array.from({ length: 256 }, (_, b) => ours.encodeSingleToken(Uint8Array.of(b)));
  for (const bytes of byteStrings(0x75746631 + name.length)) {
    result.checked++;
    if (ours.decode(Array.from(bytes, (b) => byteToken[b])) !== decoder.decode(bytes))
      result.mismatches.push({ name, bytes: bytes.toString('hex').slice(0, 240) });
  }
}
console.log(JSON.stringify(result));
