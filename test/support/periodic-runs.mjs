// Pieces that repeat a short unit (native/core/bpe/bpe_periodic.cpp merges them on repeated blocks
// of parts), shared by test/reference/periodic-runs.test.mjs and the child processes it runs. As a
// child: node periodic-runs.mjs <encoding,...> short prints one JSON line of the
// short texts' differences from tiktoken; with long, the digests of the long texts' ids.
import { fileURLToPath } from 'node:url';
import { getEncoding } from '../../index.mjs';
import { describeMismatch, reference, sameIds } from './reference.mjs';
import { idsDigest } from './reference-digests.mjs';

// Units of up to 32 bytes whose repeats pre-tokenize to one piece (or a few long ones) in some
// encoding: whitespace pairs, CJK, emoji with modifiers, ZWJ sequences and flags, U+FFFD (what
// ill-formed UTF-8 reads as), letters of other scripts, punctuation and letter pairs.
export const UNITS = [
  ' \n', '\n ', '\t ', ' \t', '\r\n', '中', '中文', '😀', '👍🏽', '👨‍👩‍👧', '👨‍👩‍👧‍👦', '🇺🇸', '\ufffd',
  'é', 'e\u0301', 'ा', 'ha', 'abc', 'Ab', '-=', '*/', '.,', '0123456789abcdefghijklmnopqrstuv',
];

/** The first n code points of unit repeated (whole units and a part of one). */
export function periodicText(unit, n) {
  const cps = [...unit];
  let s = '';
  for (let k = 0; k < n; k++) s += cps[k % cps.length];
  return s;
}

/**
 * Lengths 1-48 and every eleventh to 300 code points for every unit (short: tiktoken is quick on
 * them), or every 97th length from 129 bytes to 4,000 (long).
 */
export function periodicTexts(which) {
  const texts = [];
  for (const unit of UNITS) {
    const perCodePoint = Buffer.byteLength(unit) / [...unit].length;
    if (which === 'short') {
      for (let n = 1; n <= 300; n += n < 48 ? 1 : 11) texts.push(periodicText(unit, n));
    } else {
      for (let n = Math.ceil(129 / perCodePoint); n * perCodePoint <= 4000; n += 97) texts.push(periodicText(unit, n));
    }
  }
  return texts;
}

/** The short texts where `name` differs from tiktoken, described; and how many were checked. */
export function periodicMismatches(names) {
  const result = { checked: 0, mismatches: [] };
  for (const name of names) {
    const ours = getEncoding(name);
    const ref = reference(name);
    for (const text of periodicTexts('short')) {
      result.checked++;
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      if (!sameIds(a, b)) result.mismatches.push(describeMismatch(name, Array.from(a), Array.from(b), text));
    }
  }
  return result;
}

/** The ids of every long text under each encoding, as digests. */
export function periodicDigests(names) {
  return names.flatMap((name) => {
    const ours = getEncoding(name);
    return periodicTexts('long').map((text) => idsDigest(ours.encodeOrdinary(text)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv[2].split(',');
  console.log(JSON.stringify(process.argv[3] === 'short' ? periodicMismatches(names) : periodicDigests(names)));
}
