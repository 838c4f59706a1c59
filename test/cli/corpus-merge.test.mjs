// turbotoken corpus merge: the outputs of n shards joined are the unsharded run's .bin, .idx and
// .json byte for byte, in both layouts, for n = 1, 2, 7 (7 shards of these inputs cut .jsonl
// files between shards and leave shards without a document of a text file); shards that are
// missing, given twice, of another run, or changed since they were written are refused, and the
// refusal writes nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-in-process.mjs';
import { listing, tempDir } from '../support/cli.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const BIN = fileURLToPath(new URL('../../bin/turbotoken.js', import.meta.url));
const dir = tempDir('turbotoken-corpus-merge-');
const runIn = (args) => cli(args, { cwd: dir });

// Several runs at once: most of a short run is starting Node.
function runAll(argvs) {
  return Promise.all(
    argvs.map(
      (args) =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (data) => (stderr += data));
          child.on('close', (status) => resolve({ status, stderr }));
        }),
    ),
  );
}

const files = (base) => ['bin', 'idx', 'json'].map((ext) => readFileSync(path.join(dir, `${base}.${ext}`)));

beforeAll(() => {
  const next = rng(0x3e7);
  mkdirSync(path.join(dir, 'docs', 'sub'), { recursive: true });
  const lines = Array.from({ length: 60 }, (_, i) => (i % 13 === 6 ? '' : randomText(next, 15)));
  writeFileSync(path.join(dir, 'docs', 'a.jsonl'), lines.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  writeFileSync(path.join(dir, 'docs', 'b.txt'), PARAGRAPHS.slice(0, 3).join('\n'));
  writeFileSync(path.join(dir, 'docs', 'sub', 'c.jsonl'), PARAGRAPHS.map((text) => JSON.stringify({ text })).join('\n'));
  // Over half of all bytes: the shards whose share lies inside this one document are empty.
  const others = ['a.jsonl', 'b.txt', 'sub/c.jsonl'].reduce((sum, name) => sum + readFileSync(path.join(dir, 'docs', name)).length, 0);
  let big = '';
  while (big.length < 2 * others) big += randomText(next, 200) + '\n';
  writeFileSync(path.join(dir, 'docs', 'sub', 'd.txt'), big);
});

describe('turbotoken corpus merge', () => {
  for (const format of ['turbotoken', 'megatron']) {
    it(`${format}: n = 1, 2, 7 shards merge to the unsharded run's three files, byte for byte`, async () => {
      const common = ['docs', '-e', 'r50k_base', '--append-eot', '--format', format, '-q'];
      mkdirSync(path.join(dir, format), { recursive: true });
      const argvs = [['corpus', ...common, '--out', `${format}/full.bin`]];
      for (const n of [1, 2, 7]) for (let k = 0; k < n; k++) argvs.push(['corpus', ...common, '--shard', `${k}/${n}`, '--out', `${format}/s${n}-${k}.bin`]);
      for (const run of await runAll(argvs)) expect(run).toEqual({ status: 0, stderr: '' });
      const full = files(`${format}/full`);
      for (const n of [1, 2, 7]) {
        mkdirSync(path.join(dir, format, `m${n}`), { recursive: true });
        // Given in any order, as .bin, .json, .idx or a quoted glob.
        const shards = n === 7 ? [`${format}/s7-*.json`] : Array.from({ length: n }, (_, k) => `${format}/s${n}-${n - 1 - k}.bin`);
        const merge = await runIn(['corpus', 'merge', ...shards, '--out', `${format}/m${n}/full.bin`, '-q']);
        expect(merge.stderr).toBe('');
        expect(merge.status).toBe(0);
        const merged = files(`${format}/m${n}/full`);
        expect(merged[0].equals(full[0])).toBe(true);
        expect(merged[1].equals(full[1])).toBe(true);
        expect(merged[2].toString()).toBe(full[2].toString());
      }
      // The 7 shards are not trivial: some are empty, and a file (a .jsonl) is listed by two.
      const headers = Array.from({ length: 7 }, (_, k) => JSON.parse(readFileSync(path.join(dir, format, `s7-${k}.json`), 'utf8')));
      expect(headers.some((h) => h.documents === 0)).toBe(true);
      const paths = headers.flatMap((h) => h.files.map((f) => f.path));
      expect(new Set(paths).size).toBeLessThan(paths.length);
    });
  }

  describe('refuses shards that are not one run, complete, and unchanged; writes nothing', () => {
    const common = ['docs', '-e', 'r50k_base', '-q'];
    beforeAll(async () => {
      mkdirSync(path.join(dir, 'bad', 'other'), { recursive: true });
      writeFileSync(path.join(dir, 'docs2-extra.txt'), 'one more file');
      const runs = await runAll([
        ...[0, 1, 2].map((k) => ['corpus', ...common, '--shard', `${k}/3`, '--out', `bad/s-${k}.bin`]),
        ['corpus', ...common, '--shard', '1/3', '--out', 'bad/again-1.bin'],
        ['corpus', 'docs', '-e', 'cl100k_base', '-q', '--shard', '2/3', '--out', 'bad/cl100k-2.bin'],
        ['corpus', ...common, '--append-eot', '--shard', '2/3', '--out', 'bad/eot-2.bin'],
        ['corpus', ...common, 'docs2-extra.txt', '--shard', '2/3', '--out', 'bad/inputs-2.bin'],
        ['corpus', ...common, '--shard', '2/4', '--out', 'bad/four-2.bin'],
        ['corpus', ...common, '--format', 'megatron', '--shard', '2/3', '--out', 'bad/megatron-2.bin'],
      ]);
      for (const run of runs) expect(run).toEqual({ status: 0, stderr: '' });
    });

    it.each([
      ['a missing shard', ['bad/s-0.bin', 'bad/s-2.bin'], 'missing (shard 1)'],
      ['a shard given twice (another run of it)', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/again-1.bin', 'bad/s-2.bin'], 'shard 1 of 3 is given twice'],
      ['another encoding', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/cl100k-2.bin'], 'they differ in encoding'],
      ['other options', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/eot-2.bin'], 'they differ in appendEot'],
      ['another input list', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/inputs-2.bin'], 'they differ in input list'],
      ['another shard count', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/four-2.bin'], 'not shards of one run'],
      ['the other layout', ['bad/s-0.bin', 'bad/s-1.bin', 'bad/megatron-2.bin'], 'they differ in'],
    ])('%s', async (_, shards, message) => {
      const run = await runIn(['corpus', 'merge', ...shards, '--out', 'bad/other/merged.bin']);
      expect(run.stderr).toContain(message);
      expect(run.status).toBe(1);
      expect(listing(path.join(dir, 'bad', 'other'))).toEqual([]);
    });

    it('a shard whose .bin or .idx changed since its header was written', async () => {
      for (const ext of ['bin', 'idx']) {
        const file = path.join(dir, 'bad', `s-0.${ext}`);
        const original = readFileSync(file);
        const changed = Buffer.from(original);
        changed[changed.length - 1] ^= 1;
        expect(changed.equals(original)).toBe(false);
        writeFileSync(file, changed);
        const run = await runIn(['corpus', 'merge', 'bad/s-0.bin', 'bad/s-1.bin', 'bad/s-2.bin', '--out', 'bad/other/merged.bin']);
        writeFileSync(file, original);
        expect(run.stderr).toContain(`s-0.${ext}: its size or SHA-256 is not the one its header records`);
        expect(run.status).toBe(1);
        expect(listing(path.join(dir, 'bad', 'other'))).toEqual([]);
      }
      expect((await runIn(['corpus', 'merge', 'bad/s-0.bin', 'bad/s-1.bin', 'bad/s-2.bin', '--out', 'bad/other/merged.bin', '-q'])).status).toBe(0);
      expect(existsSync(path.join(dir, 'bad', 'other', 'merged.json'))).toBe(true);
    });

    it('an output that is one of the shards, and files that are not shard outputs', async () => {
      const self = await runIn(['corpus', 'merge', 'bad/s-0.bin', 'bad/s-1.bin', 'bad/s-2.bin', '--out', 'bad/s-0.bin']);
      expect(self.status).toBe(2);
      expect(self.stderr).toContain('also an output of the merge');
      const text = await runIn(['corpus', 'merge', 'docs/b.txt', '--out', 'bad/other/x.bin']);
      expect(text.status).toBe(2);
      expect(text.stderr).toContain("not a shard's output");
    });
  });
});
