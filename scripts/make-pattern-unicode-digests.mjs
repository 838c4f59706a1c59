#!/usr/bin/env node
// Writes test/data/pattern-unicode-digests.json: for each class and whole pattern of
// test/support/pattern-unicode-sweep.mjs, the digest (test/support/reference-digests.mjs's
// idsDigest) of the ids the `tiktoken` npm package (the reference) gives for each chunk of the
// sweep. test/reference/pattern-unicode-version.test.mjs runs tiktoken only where turbotoken's ids
// differ from a chunk's digest.
//
// --check recomputes every digest with tiktoken and fails unless the committed file is exactly
// what this script writes. CI runs it (.ci/run).
//
// Run: node scripts/make-pattern-unicode-digests.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const support = new URL('../test/support/', import.meta.url);
const sweep = await import(new URL('pattern-unicode-sweep.mjs', support));
const { idsDigest } = await import(new URL('reference-digests.mjs', support));

const started = Date.now();
const chunks = [...sweep.codePointChunks()];
const classTexts = chunks.map((cps) => String.fromCodePoint(...cps));
const classes = {};
for (const pattern of sweep.CLASSES) {
  const reference = sweep.classReference(pattern);
  try {
    classes[pattern] = classTexts.map((text) => idsDigest(sweep.classIds(reference, text)));
  } finally {
    reference.free();
  }
}
const cases = {};
for (const pattern of Object.values(sweep.CASES)) {
  const reference = sweep.caseReference(pattern);
  try {
    cases[pattern] = chunks.map((cps) => idsDigest(reference.encode_ordinary(sweep.caseText(cps))));
  } finally {
    reference.free();
  }
}

const require = createRequire(import.meta.url);
const tiktokenVersion = JSON.parse(readFileSync(new URL('package.json', pathToFileURL(require.resolve('tiktoken'))), 'utf8')).version;
const content = JSON.stringify({
  comment: `ids of tiktoken@${tiktokenVersion} for each chunk of test/support/pattern-unicode-sweep.mjs; made by scripts/make-pattern-unicode-digests.mjs, do not edit`,
  classes,
  cases,
}, null, 1) + '\n';
const path = fileURLToPath(sweep.DIGEST_FILE);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (process.argv.includes('--check')) {
  let old = '';
  try { old = readFileSync(path, 'utf8'); } catch {}
  if (old !== content) {
    console.error(`${path} is not what scripts/make-pattern-unicode-digests.mjs makes (${seconds} s)`);
    process.exit(1);
  }
  console.log(`${path}: all tiktoken's (${seconds} s)`);
} else {
  writeFileSync(path, content);
  console.log(`${path}: ${content.length} bytes (${seconds} s)`);
}
