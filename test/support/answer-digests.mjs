// Reference answers computed once, for tests that hold turbotoken to a reference package built
// from inputs of their own (tiktoken's Tiktoken constructor on a vocabulary a test writes, Hugging
// Face `tokenizers` on a tokenizer.json a test writes). Building those references and running
// them is most of such a file's time; their answers do not change while the package's version
// does not. A book, test/data/answer-digests/<book>.txt, holds a digest of each answer, written
// and checked by scripts/make-answer-digests.mjs from the cases of test/support/<book>-cases.mjs.
//
// A test compares the digest of its own answer with the book's. Any other outcome (no digest for
// the case, a different digest, a book written by another version of the package) runs the
// reference itself on that case, so the result is always the reference's: the book only saves time.
//
// File format: a header line `# <package>@<version> ...`, then `<key> <digest>` lines, where key is
// the first 16 hex digits of the sha256 of the case's parts (NUL-separated) and digest that of the
// answer (answerDigest below).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { idsDigest } from './reference-digests.mjs';

const require = createRequire(import.meta.url);

export const BOOK_DIR = new URL('../data/answer-digests/', import.meta.url);

/** The outcome of a call that threw (the reference's or ours): the books record that it threw. */
export const THREW = Object.freeze({ threw: true });

const hex16 = (hash) => hash.digest('hex').slice(0, 16);

/** sha256 (16 hex digits) of a large input such as a vocabulary's text, to stand for it in a key. */
export function inputDigest(value) {
  return hex16(createHash('sha256').update(typeof value === 'string' ? value : Buffer.from(value)));
}

/** The lookup key of a case: its parts (strings, or values JSON can write) joined by NUL. */
export function caseKey(parts) {
  const hash = createHash('sha256');
  parts.forEach((part, k) => {
    if (k) hash.update('\0');
    hash.update(typeof part === 'string' ? part : JSON.stringify(part), 'utf8');
  });
  return hex16(hash);
}

/**
 * The digest of an answer: an id array (`<count>:<digest>`), a string (`s<length>:<digest>`),
 * THREW, or an array of those (joined by '+', as for Hugging Face's ids and its decode).
 */
export function answerDigest(answer) {
  if (answer === THREW) return 'threw';
  if (typeof answer === 'string') return `s${answer.length}:${hex16(createHash('sha256').update(answer, 'utf8'))}`;
  if (Array.isArray(answer) && answer.some((part) => part === THREW || typeof part === 'string' || ArrayBuffer.isView(part) || Array.isArray(part))) {
    return answer.map(answerDigest).join('+');
  }
  return idsDigest(answer);
}

/** The outcome of `call()`: its value, or THREW. */
export function outcome(call) {
  try {
    return call();
  } catch {
    return THREW;
  }
}

/** The installed version of an npm package (its package.json, found above its main file). */
export function packageVersion(pkg) {
  for (let dir = path.dirname(require.resolve(pkg)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (json.name === pkg) return json.version;
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`no package.json for ${pkg}`);
}

/** The header line a book written for this version of `pkg` starts with. */
export function bookHeader(book, pkg) {
  return `# ${pkg}@${packageVersion(pkg)} answers for test/support/${book}-cases.mjs; made by scripts/make-answer-digests.mjs, do not edit`;
}

function shown(answer) {
  if (answer === THREW) return 'threw';
  if (typeof answer === 'string') return JSON.stringify(answer.length > 80 ? `${answer.slice(0, 80)}...` : answer);
  if (Array.isArray(answer) && answer.some((part) => part === THREW || typeof part === 'string' || ArrayBuffer.isView(part) || Array.isArray(part))) {
    return `[${answer.map(shown).join(', ')}]`;
  }
  const ids = Array.from(answer);
  return `${ids.length} ids [${ids.slice(0, 30).join(',')}${ids.length > 30 ? ',...' : ''}]`;
}

/** Where two answers first differ, for a failure message. */
export function describeDifference(ours, theirs) {
  const a = ArrayBuffer.isView(ours) || Array.isArray(ours) ? Array.from(ours) : null;
  const b = ArrayBuffer.isView(theirs) || Array.isArray(theirs) ? Array.from(theirs) : null;
  if (a && b && a.every((x) => typeof x === 'number') && b.every((x) => typeof x === 'number')) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return `first difference at id ${i}: ours [${a.slice(i, i + 12).join(',')}] (${a.length} ids), reference [${b.slice(i, i + 12).join(',')}] (${b.length} ids)`;
  }
  return `ours ${shown(ours)}, reference ${shown(theirs)}`;
}

const books = new Map();

/** One book, read once per process. */
export function answerBook(book, pkg) {
  let entry = books.get(book);
  if (entry) return entry;
  const header = bookHeader(book, pkg);
  const table = new Map();
  let stale = false;
  let text = '';
  try {
    text = readFileSync(new URL(`${book}.txt`, BOOK_DIR), 'utf8');
  } catch {
    stale = true;
  }
  const lines = text.split('\n');
  if (!stale && lines[0] !== header) stale = true;
  if (!stale) {
    for (const line of lines.slice(1)) {
      if (!line) continue;
      const space = line.indexOf(' ');
      table.set(line.slice(0, space), line.slice(space + 1));
    }
  }
  let warned = false;
  entry = {
    book,
    pkg,
    /** False when the book is missing or was written for another version of the package. */
    current: !stale,
    /** How many answers had to come from the reference itself (no digest, or a different one). */
    liveRuns: 0,
    digest: (parts) => table.get(caseKey(parts)),
    /**
     * Null when `ours` is the reference's answer for the case `parts`; otherwise where the two
     * differ. `live()` returns the reference's answer (or THREW, or a promise of either: then so
     * is the result); it runs only when the book has no digest for the case or the digest is not
     * that of `ours`.
     */
    mismatch(parts, ours, live) {
      const want = table.get(caseKey(parts));
      const got = answerDigest(ours);
      if (want !== undefined && want === got) return null;
      entry.liveRuns++;
      if (!warned && want === undefined) {
        // Still exact, only slow: said once, so that the book gets rewritten.
        warned = true;
        console.warn(`${book}: no digest for a case (${stale ? `the book is not for ${pkg}@${packageVersion(pkg)}` : 'a case the book lacks'}): the reference runs instead (node scripts/make-answer-digests.mjs --write ${book})`);
      }
      const finish = (theirs) => {
        if (answerDigest(theirs) === got) {
          return want === undefined ? null : `${book}: the book's digest for this case is not the reference's (node scripts/make-answer-digests.mjs --write ${book})`;
        }
        return describeDifference(ours, theirs);
      };
      // An asynchronous reference (Hugging Face's encode) gives a promise of the same result.
      const theirs = live();
      return typeof theirs?.then === 'function' ? theirs.then(finish, () => finish(THREW)) : finish(theirs);
    },
  };
  books.set(book, entry);
  return entry;
}
