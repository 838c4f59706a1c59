// The reference's answers, computed once: test/data/reference-digests.txt holds, for every case
// of test/support/reference-cases.mjs, a digest of the ids tiktoken gives (written and checked by
// scripts/make-reference-digests.mjs; CI runs its --check). Tests compare turbotoken's ids with
// the digest instead of running tiktoken, which is quadratic on long runs (16 KB of one letter
// takes it seconds). A mismatch, or a text with no digest, runs tiktoken itself on that text.
//
// File format: a comment line, then one line per case: `<key> <count>:<digest>`, where key is
// the first 16 hex digits of sha256(encoding NUL mode NUL text as UTF-8) and digest those of the
// sha256 of the ids as little-endian uint32.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeMismatch, reference, sameIds } from './reference.mjs';

export const DIGEST_FILE = new URL('../data/reference-digests.txt', import.meta.url);

const hex16 = (hash) => hash.digest('hex').slice(0, 16);

/** The lookup key of a case. Lone surrogates hash as U+FFFD, which is what both tokenizers read. */
export function caseKey(name, mode, text) {
  return hex16(createHash('sha256').update(`${name}\0${mode}\0`).update(text, 'utf8'));
}

/** `<count>:<digest>` of an id array (any array-like of uint32). */
export function idsDigest(ids) {
  const words = ids instanceof Uint32Array ? ids : Uint32Array.from(ids);
  const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  // The hash reads bytes in memory order: swap on a big-endian host so digests are the same.
  const little = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  return `${words.length}:${hex16(createHash('sha256').update(little ? bytes : Buffer.from(bytes).swap32()))}`;
}

/** The reference's ids for one case, from tiktoken itself. */
export function referenceIds(name, mode, text) {
  const enc = reference(name);
  return mode === 'all' ? enc.encode(text, 'all') : enc.encode_ordinary(text);
}

let table;
/** key -> digest, from the committed file (read once per process). */
export function digestTable() {
  if (!table) {
    table = new Map();
    for (const line of readFileSync(DIGEST_FILE, 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const space = line.indexOf(' ');
      table.set(line.slice(0, space), line.slice(space + 1));
    }
  }
  return table;
}

let warned = false;

/**
 * Null when `ids` are the reference's ids for `text` under encoding `name` and `mode` ('ordinary'
 * or 'all'); otherwise where they first differ, from the reference run on this one text.
 */
export function referenceMismatch(name, mode, text, ids) {
  const want = digestTable().get(caseKey(name, mode, text));
  if (want !== undefined && idsDigest(ids) === want) return null;
  if (want === undefined && !warned) {
    // Still exact, only slow: say so once, so that a stale file gets rewritten.
    warned = true;
    console.warn(`no committed reference digest for a ${name} text: tiktoken runs instead (scripts/make-reference-digests.mjs rewrites the file)`);
  }
  const ref = referenceIds(name, mode, text);
  if (sameIds(ids, ref)) {
    // The ids are right and the committed digest is not: the file is stale for this text.
    return want === undefined ? null : `${name}: the committed digest for this text is not tiktoken's (run scripts/make-reference-digests.mjs)`;
  }
  return describeMismatch(name, Array.from(ids), Array.from(ref), text);
}

/** True when `ids` are the reference's ids (for tests that only count or report mismatches). */
export function matchesReference(name, mode, text, ids) {
  return referenceMismatch(name, mode, text, ids) === null;
}
