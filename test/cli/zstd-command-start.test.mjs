// The zstd command is started as the decoder, with no `zstd --version` probe first (a synchronous
// spawn that held the reading thread before the first block), and when it cannot be started (not
// on PATH) fzstd decodes instead: the same documents either way. Runs the command line itself in
// child processes with a PATH of its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/turbotoken.js', import.meta.url));
const FIXTURES = new URL('../data/corpus-formats/', import.meta.url);
const realZstd = spawnSync('sh', ['-c', 'command -v zstd'], { encoding: 'utf8' }).stdout.trim();
const dir = mkdtempSync(path.join(os.tmpdir(), 'turbotoken-zstd-start-'));
const log = path.join(dir, 'calls.log');

function corpus(input, out, PATH) {
  const env = { ...process.env, PATH };
  delete env.TURBOTOKEN_ZSTD;
  const run = spawnSync(process.execPath, [bin, 'corpus', input, '-o', out, '-q', '--threads', '1'], { cwd: dir, env, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, '']);
  return readFileSync(path.join(dir, out));
}

let plain;
beforeAll(() => {
  writeFileSync(path.join(dir, 'docs.jsonl'), readFileSync(new URL('docs.jsonl', FIXTURES)));
  writeFileSync(path.join(dir, 'docs.jsonl.zst'), readFileSync(new URL('docs.jsonl.zst', FIXTURES)));
  plain = corpus('docs.jsonl', 'plain.bin', process.env.PATH);
});

it.skipIf(!realZstd)('the command is started once, to decode (no --version probe), and gives the plain .jsonl\'s ids', () => {
  // A zstd on PATH that logs its arguments and runs the real one.
  const fake = path.join(dir, 'fake-bin');
  mkdirSync(fake, { recursive: true });
  writeFileSync(path.join(fake, 'zstd'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realZstd}' "$@"\n`);
  chmodSync(path.join(fake, 'zstd'), 0o755);
  writeFileSync(log, '');
  expect(corpus('docs.jsonl.zst', 'command.bin', fake).equals(plain)).toBe(true);
  expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['-d -c -q']);
});

it('no zstd on PATH: fzstd decodes the same ids', () => {
  const empty = path.join(dir, 'empty-bin');
  mkdirSync(empty, { recursive: true });
  expect(corpus('docs.jsonl.zst', 'fallback.bin', empty).equals(plain)).toBe(true);
});
