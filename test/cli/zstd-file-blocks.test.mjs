// A .jsonl.zst file decoded by the zstd command: the command reads the file through the reading
// thread's descriptor (not a pipe fed by it), and its output is cut into blocks of whole lines
// where the socket's reads land. Blocks are cut at every size a read leaves them, a line longer
// than a block grows it, and the last line may lack its newline: the ids are the plain .jsonl's,
// byte for byte, with one thread and with two.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, listing, readCorpus, tempDir } from '../support/cli.mjs';

const realZstd = spawnSync('sh', ['-c', 'command -v zstd'], { encoding: 'utf8' }).stdout.trim();
const dir = tempDir('turbotoken-zstd-blocks-');
const run = (args, env = {}) => cli(args, { cwd: dir, env: { TURBOTOKEN_ZSTD: 'command', ...env } });

const LINES = 2500;

beforeAll(() => {
  if (!realZstd) return;
  // About 4.5 MB: 2 MB of lines of many lengths (two blocks' worth), one line of 2.5 MB (longer
  // than two blocks), non-ASCII text, and a last line without its newline.
  const lines = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const words = ['turbotoken', 'zstd', 'block', 'naïve', '日本語', 'emoji 🎉', 'line', '\\n', 'tab\t'];
  for (let i = 0; i < LINES; i++) {
    let text = '';
    const count = next() % 200;
    for (let w = 0; w < count; w++) text += `${words[next() % words.length]} `;
    lines.push(JSON.stringify({ text }));
    if (i === LINES / 2) lines.push(JSON.stringify({ text: 'long '.repeat(500_000) }));
  }
  writeFileSync(path.join(dir, 'docs.jsonl'), lines.join('\n'));
  execFileSync(realZstd, ['-q', '-3', path.join(dir, 'docs.jsonl'), '-o', path.join(dir, 'docs.jsonl.zst')]);
  const plain = run(['corpus', 'docs.jsonl', '-o', 'plain.bin', '-q']);
  expect([plain.status, plain.stderr]).toEqual([0, '']);
});

it.skipIf(!realZstd).each([1, 2])('--threads %i: the ids and document offsets of the plain .jsonl, byte for byte', (threads) => {
  const result = run(['corpus', 'docs.jsonl.zst', '-o', `zst-${threads}.bin`, '-q', '--threads', String(threads)]);
  expect([result.status, result.stderr]).toEqual([0, '']);
  const plain = readCorpus(path.join(dir, 'plain'));
  const zst = readCorpus(path.join(dir, `zst-${threads}`));
  expect(zst.offsets.length).toBe(LINES + 2);
  expect(zst.bin.equals(plain.bin)).toBe(true);
  expect(zst.idx.equals(plain.idx)).toBe(true);
});

it.skipIf(!realZstd)('the command reads a file itself (its stdin is the file), and a pipe for stdin', () => {
  const fake = path.join(dir, 'fake-bin');
  const log = path.join(dir, 'stdin-kinds.log');
  mkdirSync(fake, { recursive: true });
  writeFileSync(path.join(fake, 'zstd'), `#!/bin/sh\nstat -L -c %F /dev/stdin >> '${log}'\nexec '${realZstd}' "$@"\n`);
  chmodSync(path.join(fake, 'zstd'), 0o755);
  writeFileSync(log, '');
  const env = { PATH: `${fake}:${process.env.PATH}` };
  expect(run(['corpus', 'docs.jsonl.zst', '-o', 'fake.bin', '-q'], env).status).toBe(0);
  const piped = cli(['corpus', '-', '-o', 'fake-stdin.bin', '-q'], { cwd: dir, env: { TURBOTOKEN_ZSTD: 'command', ...env }, input: readFileSync(path.join(dir, 'docs.jsonl.zst')) });
  expect(piped.status).toBe(0);
  expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['regular file', expect.not.stringMatching(/regular file/)]);
  expect(readFileSync(path.join(dir, 'fake.bin')).equals(readFileSync(path.join(dir, 'plain.bin')))).toBe(true);
});

it.skipIf(!realZstd)('the socket\'s directory is removed; a temporary directory too long for a socket path falls back to the pipe', () => {
  const plain = readFileSync(path.join(dir, 'plain.bin'));
  const tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  expect(run(['corpus', 'docs.jsonl.zst', '-o', 'tmp.bin', '-q'], { TMPDIR: tmp }).status).toBe(0);
  expect(listing(tmp)).toEqual([]);
  expect(readFileSync(path.join(dir, 'tmp.bin')).equals(plain)).toBe(true);
  const long = path.join(dir, 'x'.repeat(120));
  mkdirSync(long);
  const result = run(['corpus', 'docs.jsonl.zst', '-o', 'long-tmp.bin', '-q', '--threads', '2'], { TMPDIR: long });
  expect([result.status, result.stderr]).toEqual([0, '']);
  expect(listing(long)).toEqual([]);
  // Nothing bound at a path cut short (in the directory above it).
  expect(listing(dir).filter((name) => name.startsWith('x'))).toEqual([path.basename(long)]);
  expect(readFileSync(path.join(dir, 'long-tmp.bin')).equals(plain)).toBe(true);
});

it.skipIf(!realZstd)('a bad line early in a long file stops the command and names the line; no output is left', () => {
  const lines = readFileSync(path.join(dir, 'docs.jsonl'), 'utf8').split('\n');
  lines[1] = '{"text": oops}';
  writeFileSync(path.join(dir, 'bad.jsonl'), lines.join('\n'));
  execFileSync(realZstd, ['-q', '-f', path.join(dir, 'bad.jsonl'), '-o', path.join(dir, 'bad.jsonl.zst')]);
  mkdirSync(path.join(dir, 'bad-out'));
  const result = run(['corpus', 'bad.jsonl.zst', '-o', 'bad-out/out.bin', '-q', '--threads', '2']);
  expect([result.status, result.stderr]).toEqual([1, expect.stringContaining('bad.jsonl.zst:2: not valid JSON')]);
  expect(listing(path.join(dir, 'bad-out'))).toEqual([]);
});

it.skipIf(!realZstd)('a stream cut in the middle of a later block fails as truncated zstd, not as a bad last line', () => {
  const whole = readFileSync(path.join(dir, 'docs.jsonl.zst'));
  writeFileSync(path.join(dir, 'cut.jsonl.zst'), whole.subarray(0, Math.floor(whole.length * 0.8)));
  mkdirSync(path.join(dir, 'cut-out'));
  const result = run(['corpus', 'cut.jsonl.zst', '-o', 'cut-out/out.bin', '-q']);
  expect([result.status, result.stderr]).toEqual([1, expect.stringContaining('cut.jsonl.zst: corrupt or truncated zstd data')]);
  expect(listing(path.join(dir, 'cut-out'))).toEqual([]);
});
