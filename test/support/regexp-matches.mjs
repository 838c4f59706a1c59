// The pattern matcher's reference: JavaScript's RegExp running the translated pattern, as the
// RegExp path of src/regexp-handle.ts finds pieces.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

/** RegExp's non-empty matches as [start, end) UTF-8 offsets (a global RegExp; empty matches skipped a code point). */
export function regexpMatches(re, text) {
  const out = [];
  re.lastIndex = 0;
  // Byte offsets counted on from the last match: a text of many matches stays linear.
  let bytes = 0;
  let upTo = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    bytes += Buffer.byteLength(text.slice(upTo, m.index), 'utf8');
    const length = Buffer.byteLength(m[0], 'utf8');
    out.push(bytes, bytes + length);
    bytes += length;
    upTo = m.index + m[0].length;
  }
  return out;
}

/**
 * Where the matcher's matches of `pattern` on `text` first differ from RegExp's: the pattern, both
 * match counts and a few offsets on each side of the first difference; undefined when equal.
 */
export function firstDifference(pattern, text) {
  const ours = findMatches(compilePattern(pattern), Buffer.from(text, 'utf8'));
  const theirs = regexpMatches(translatePattern(pattern), text);
  if (ours.length === theirs.length && ours.every((v, k) => v === theirs[k])) return undefined;
  const at = [...ours].findIndex((v, k) => v !== theirs[k]);
  const from = Math.max(0, (at < 0 ? theirs.length : at) - 4);
  return { pattern, pairs: [ours.length / 2, theirs.length / 2], at, ours: [...ours.slice(from, from + 8)], theirs: theirs.slice(from, from + 8) };
}

/** The program of a (random) pattern, or undefined when it is refused with ERR_INVALID_PATTERN; any other error is thrown. */
export function compileOrRefused(pattern) {
  try {
    return compilePattern(pattern);
  } catch (error) {
    if (error?.code !== 'ERR_INVALID_PATTERN') throw error;
    return undefined;
  }
}
