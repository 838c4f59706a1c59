#!/usr/bin/env node
// The compat suites (test/support/compat-*.mjs) hold turbotoken's drop-in layers to expectations
// that must be the original packages' behaviour: test/compat/compat-originals.test.mjs runs the
// same suites against tiktoken, js-tiktoken and gpt-tokenizer themselves. That run builds every
// original encoder several times over (about 30 s of CPU, nothing of turbotoken in it), and its
// answer changes only when a suite file or an original's version does. So it runs here, and
// test/data/compat-originals.json records what it passed on: the SHA-256 of the test file and of
// every test/support module it imports, and the originals' versions.
// test/package/compat-originals-stamp.test.mjs (in npm test) fails when the record is not the
// current files' and versions: a suite edited without this run.
//
// Run: node scripts/check-compat-originals.mjs [--write | --check]
//   --write  run the originals and, when they pass, write the record
//   --check  run the originals and fail unless they pass and the record is the current one (CI)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { RECORD, compatOriginalsRecord } = await import(new URL('../test/support/compat-originals-record.mjs', import.meta.url));

const mode = process.argv[2];
if (mode !== '--write' && mode !== '--check') {
  console.error('usage: node scripts/check-compat-originals.mjs --write | --check');
  process.exit(2);
}

const want = compatOriginalsRecord();
if (mode === '--check') {
  const have = readFileSync(new URL(`../${RECORD}`, import.meta.url), 'utf8');
  if (have !== `${JSON.stringify(want, null, 2)}\n`) {
    console.error(`${RECORD} is not the current suite files' and originals' record: run node scripts/check-compat-originals.mjs --write`);
    process.exit(1);
  }
}

// vitest.config.mjs includes the file only with this variable set.
const run = spawnSync('npx', ['vitest', 'run', 'test/compat/compat-originals.test.mjs', '--project', 'native'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBOTOKEN_COMPAT_ORIGINALS: '1' },
});
if (run.status !== 0) {
  console.error('the originals do not meet the compat suites');
  process.exit(1);
}
if (mode === '--write') {
  writeFileSync(new URL(`../${RECORD}`, import.meta.url), `${JSON.stringify(want, null, 2)}\n`);
  console.log(`wrote ${RECORD}`);
}
