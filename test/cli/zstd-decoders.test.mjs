// Every zstd decoder the command may pick gives the same documents: fzstd (pure JavaScript, the
// fallback everywhere) and the `zstd` command in a child process (when on PATH; CI installs it).
// Each must read several frames and skippable frames, fail on truncated or corrupt data naming
// the file with no output left behind, and read stdin.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, documents, listing, readCorpus, tempDir } from '../support/cli.mjs';

const FIXTURES = new URL('../data/corpus-formats/', import.meta.url);
const jsonl = readFileSync(new URL('docs.jsonl', FIXTURES));
const zstd = readFileSync(new URL('docs.jsonl.zst', FIXTURES));
// A skippable frame (magic 0x184D2A5E, 8 bytes of payload) before and between the data frames.
const skippable = Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
const haveCommand = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;

it('CI has the zstd command, so both decoders run there', () => {
  if (process.env.CI) expect(haveCommand).toBe(true);
  else expect(typeof haveCommand).toBe('boolean');
});

const decoders = haveCommand ? ['js', 'command'] : ['js'];
const dir = tempDir();
let plain;

beforeAll(() => {
  writeFileSync(path.join(dir, 'docs.jsonl'), jsonl);
  writeFileSync(path.join(dir, 'docs.jsonl.zst'), zstd);
  writeFileSync(path.join(dir, 'skippable.jsonl.zst'), Buffer.concat([skippable, zstd, skippable]));
  writeFileSync(path.join(dir, 'truncated.jsonl.zst'), zstd.subarray(0, zstd.length - 700));
  const corrupt = Buffer.from(zstd);
  for (let at = 200; at < corrupt.length; at += 97) corrupt[at] ^= 0x5a;
  writeFileSync(path.join(dir, 'corrupt.jsonl.zst'), corrupt);
  for (const decoder of decoders) mkdirSync(path.join(dir, `bad-${decoder}`));
  expect(cli(['corpus', 'docs.jsonl', '-o', 'plain.bin', '-q'], { cwd: dir }).status).toBe(0);
  plain = documents(readCorpus(path.join(dir, 'plain')));
  expect(plain.length).toBeGreaterThan(10);
});

describe.each(decoders)('TURBOTOKEN_ZSTD=%s', (decoder) => {
  const env = { TURBOTOKEN_ZSTD: decoder };
  const run = (args, options = {}) => cli(args, { cwd: dir, env, ...options });

  it.each(['docs.jsonl.zst', 'skippable.jsonl.zst'])('%s gives the documents of the plain .jsonl', (name) => {
    const out = `${decoder}-${name}.bin`;
    const result = run(['corpus', name, '-o', out, '-q']);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(documents(readCorpus(path.join(dir, out.replace(/\.bin$/, ''))))).toEqual(plain);
  });

  it('stdin', () => {
    const result = run(['corpus', '-', '-o', `${decoder}-stdin.bin`, '-q'], { input: zstd });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(documents(readCorpus(path.join(dir, `${decoder}-stdin`)))).toEqual(plain);
  });

  it.each(['truncated.jsonl.zst', 'corrupt.jsonl.zst'])('%s fails naming the file, leaving no output', (name) => {
    const result = run(['corpus', name, '-o', `bad-${decoder}/out.bin`, '-q']);
    expect([result.status, result.stderr]).toEqual([1, expect.stringContaining(`${name}: corrupt or truncated zstd data`)]);
    expect(listing(path.join(dir, `bad-${decoder}`))).toEqual([]);
  });
});

it('without the command on PATH the JavaScript decoder is used', () => {
  const result = cli(['count', '--special', 'ordinary', 'docs.jsonl.zst'], { cwd: dir, env: { PATH: '' } });
  const expected = cli(['count', '--special', 'ordinary', 'docs.jsonl'], { cwd: dir });
  expect([result.status, result.stderr]).toEqual([0, '']);
  expect(result.stdout.split('\t')[0]).toBe(expected.stdout.split('\t')[0]);
});
