#!/usr/bin/env node
// Writes the books of reference answers (test/data/answer-digests/<book>.txt) that tests read
// instead of building and running a reference package themselves (test/support/answer-digests.mjs):
// for every case of test/support/<book>-cases.mjs, a digest of the reference's answer, under a
// header naming the package and the version that gave them.
//
// --check recomputes every answer with the reference and fails unless the committed book is
// exactly what this script writes. --sample N recomputes N cases of each of the groups a book's
// cases module names in SAMPLE_GROUPS (its cheapest references) and fails unless the book holds their digests
// and was written for the installed version: test/reference/answer-digests.test.mjs runs it so
// that the books are held to the reference on every run, not only when --check runs.
//
// Run: node scripts/make-answer-digests.mjs [--write | --check | --sample N] [book ...]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const support = new URL('../test/support/', import.meta.url);
const { BOOK_DIR, answerDigest, bookHeader, caseKey } = await import(new URL('answer-digests.mjs', support));

/** Book name -> the module of test/support/ that lists its cases (exports PACKAGE, bookGroups and SAMPLE_GROUPS). */
const BOOKS = {
  'custom-vocab': 'custom-vocab-cases.mjs',
  'tokenizer-json': 'tokenizer-json-cases.mjs',
  'gpt-tokenizer-chat': 'gpt-tokenizer-chat-cases.mjs',
  'compat-tiktoken': 'compat-tiktoken-cases.mjs',
};

const args = process.argv.slice(2);
const check = args.includes('--check');
const sampleAt = args.indexOf('--sample');
const sample = sampleAt >= 0 ? Number(args[sampleAt + 1]) : 0;
if (sampleAt >= 0 && !(sample > 0)) throw new Error('--sample needs a count');
const named = args.filter((arg, k) => !arg.startsWith('--') && !(sampleAt >= 0 && k === sampleAt + 1));
for (const book of named) if (!BOOKS[book]) throw new Error(`no book ${book} (books: ${Object.keys(BOOKS).join(', ')})`);
const books = named.length ? named : Object.keys(BOOKS);

async function answerLines(groups) {
  const lines = [];
  for (const group of groups) {
    const reference = group.build();
    for (const [parts, answer] of group.cases()) lines.push(`${caseKey(parts)} ${answerDigest(await answer(await reference))}`);
    try {
      (await reference).free?.();
    } catch {
      // tiktoken will not free a reference that panicked (the group whose answer is that it throws)
    }
  }
  return lines;
}

/** Up to `count` cases spread evenly over one group. */
function spread(group, count) {
  const cases = group.cases();
  const step = Math.max(1, Math.floor(cases.length / count));
  return { build: group.build, cases: () => cases.filter((_, k) => k % step === 0).slice(0, count) };
}

let failed = false;
for (const book of books) {
  const started = Date.now();
  const module = await import(new URL(BOOKS[book], support));
  const header = bookHeader(book, module.PACKAGE);
  const file = fileURLToPath(new URL(`${book}.txt`, BOOK_DIR));
  let old = '';
  try { old = readFileSync(file, 'utf8'); } catch {}
  const groups = module.bookGroups();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  if (sample) {
    const committed = new Map(old.split('\n').slice(1).filter(Boolean).map((line) => [line.slice(0, 16), line]));
    const picked = [...new Set(module.SAMPLE_GROUPS.map((k) => groups.at(k)))].map((group) => spread(group, sample));
    const lines = await answerLines(picked);
    const wrong = lines.filter((line) => committed.get(line.slice(0, 16)) !== line);
    if (!old.startsWith(`${header}\n`)) {
      console.error(`${file}: not written for the installed ${module.PACKAGE} (its header: ${old.split('\n')[0] || 'none'})`);
      failed = true;
    } else if (wrong.length) {
      console.error(`${file}: ${wrong.length} of ${lines.length} sampled answers are not the reference's (first: ${wrong[0]}, book: ${committed.get(wrong[0].slice(0, 16)) ?? 'no digest'})`);
      failed = true;
    } else {
      console.log(`${file}: ${lines.length} sampled answers, all the reference's (${seconds()} s)`);
    }
    continue;
  }
  const lines = await answerLines(groups);
  // One line per key: a case that two groups share has one digest.
  const unique = [...new Set(lines)].sort();
  if (new Set(unique.map((line) => line.slice(0, 16))).size !== unique.length) throw new Error(`${book}: two digests for one key`);
  const content = `${header}\n${unique.join('\n')}\n`;
  if (check) {
    if (old !== content) {
      console.error(`${file} is not what scripts/make-answer-digests.mjs makes (${seconds()} s)`);
      failed = true;
    } else {
      console.log(`${file}: ${unique.length} digests, all the reference's (${seconds()} s)`);
    }
  } else {
    mkdirSync(new URL('.', BOOK_DIR), { recursive: true });
    writeFileSync(file, content);
    console.log(`${file}: ${unique.length} digests, ${content.length} bytes (${seconds()} s)`);
  }
}
process.exit(failed ? 1 : 0);
