// With --threads 2 and more, a Parquet file of several row groups is decoded one row group ahead
// on a thread of its own (the first on the reading thread while that thread starts). What it
// reads must be what the reading thread would have read: the same documents in the same order,
// across several files in one run (each file's descriptor is reused for the next), and a row
// group that cannot be decoded fails with the error --threads 1 gives, leaving no output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli, documents, listing, readCorpus, tempDir } from '../support/cli.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const dir = tempDir('turbotoken-corpus-parquet-decoder-');
const runIn = (args) => cli(args, { cwd: dir });
const enc = getEncoding('cl100k_base');

const next = rng(0x9e37);
// Three files: two of several row groups (nulls among the values), one of a single row group
// between them (decoded on the reading thread alone).
const files = [
  { name: 'a.parquet', rows: 230, group: 23 },
  { name: 'b.parquet', rows: 30, group: 100 },
  { name: 'c.parquet', rows: 170, group: 16 },
].map(({ name, rows, group }) => ({
  name,
  group,
  values: Array.from({ length: rows }, (_, i) => (i % 11 === 5 ? null : `${name} row ${i}: ${randomText(next, 300 + (i % 7) * 150)}`)),
}));
const texts = files.flatMap((f) => f.values.filter((v) => v !== null));

let parquetMetadata;
let writeParquet;

beforeAll(async () => {
  const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
  ({ parquetMetadata } = await import(require.resolve('hyparquet')));
  writeParquet = (values, group) => new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: values, type: 'STRING' }], rowGroupSize: group }));
  mkdirSync(path.join(dir, 'pq'));
  mkdirSync(path.join(dir, 'bad'));
  for (const f of files) writeFileSync(path.join(dir, 'pq', f.name), writeParquet(f.values, f.group));
  writeFileSync(path.join(dir, 'docs.jsonl'), texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
});

function corpus(input, tag, threads) {
  const run = runIn(['corpus', input, '-e', 'cl100k_base', '--out', `${tag}.bin`, '-q', '--append-eot', '--threads', threads]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return readCorpus(path.join(dir, tag));
}

// A Parquet file of `values` whose row group `g` has its first data page header overwritten.
function corruptGroup(values, group, g) {
  const bytes = writeParquet(values, group);
  const offset = Number(parquetMetadata(bytes.buffer).row_groups[g].columns[0].meta_data.data_page_offset);
  bytes.fill(0xff, offset, offset + 8);
  return bytes;
}

describe('Parquet row groups decoded ahead on a thread of their own', () => {
  it('--threads 2, 3 and 1 write the same bytes, those of the same documents as .jsonl', () => {
    const jsonl = corpus('docs.jsonl', 'jsonl', '1');
    const eot = enc.eotToken;
    expect(documents(jsonl)).toEqual(texts.map((text) => [...enc.encode(text, { disallowedSpecial: [] }), eot]));
    for (const threads of ['1', '2', '3']) {
      const got = corpus('pq', `pq-${threads}`, threads);
      expect(got.header.documents).toBe(texts.length);
      expect(got.bin.equals(jsonl.bin)).toBe(true);
      expect(got.idx.equals(jsonl.idx)).toBe(true);
    }
  });

  it.each([
    ['a later row group (decoded on the thread)', 6, 'rows 60-69'],
    ['the first row group (decoded on the reading thread)', 0, 'rows 0-9'],
  ])('%s that cannot be decoded: the error of --threads 1 at 1 and 2 threads, and no output', (_, g, rows) => {
    const values = files[0].values.slice(0, 100);
    writeFileSync(path.join(dir, 'bad', 'bad.parquet'), corruptGroup(values, 10, g));
    const before = listing(dir);
    const errors = ['1', '2'].map((threads) => {
      const run = runIn(['corpus', 'bad', '-e', 'cl100k_base', '--out', `bad-${threads}.bin`, '-q', '--threads', threads]);
      expect(run.status).toBe(1);
      return run.stderr;
    });
    expect(errors[0]).toMatch(new RegExp(`bad/bad\\.parquet: corrupt Parquet data in ${rows} \\(`));
    expect(errors[1]).toBe(errors[0]);
    expect(listing(dir)).toEqual(before);
  });
});
