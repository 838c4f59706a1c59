// Parquet's snappy pages are decoded by the core into memory reused from row group to row group
// (PageMemory, src/cli/formats/parquet-pages.ts): pages given out for one row group never overlap and
// each holds its own bytes, the next row group writes the same memory again, and a corrupt snappy
// page fails the run with the decoder's typed fault, leaving no output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-in-process.mjs';
import { listing, tempDir } from '../support/cli.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { PageMemory } = require('../../dist/cjs/cli/formats/parquet-pages.js');
const dir = tempDir('turbotoken-corpus-parquet-snappy-');
const runIn = (args) => cli(args, { cwd: dir });

let hysnappy;
beforeAll(async () => {
  hysnappy = await import(require.resolve('hysnappy'));
});

describe('PageMemory', () => {
  it('gives each page of a row group its own bytes, and reuses the memory for the next row group', () => {
    const next = rng(0x9a6e);
    const memory = new PageMemory(4096);
    // Pages smaller and larger than a chunk, and empty ones; each row group's the same sizes.
    const lengths = Array.from({ length: 30 }, (_, p) => (p % 11 === 5 ? 0 : Math.floor(next() * (p % 7 === 3 ? 9000 : 1500))));
    let firstBuffers;
    for (let group = 0; group < 6; group++) {
      memory.reuse();
      const pages = [];
      for (const length of lengths) {
        const raw = Uint8Array.from({ length }, () => Math.floor(next() * 4) + 65 + group);
        pages.push([raw, memory.snappy(hysnappy.snappyCompress(raw), length)]);
      }
      // Checked after the whole row group: a later page written over an earlier one shows here.
      for (const [raw, page] of pages) expect(Buffer.compare(page, raw)).toBe(0);
      const buffers = new Set(pages.map(([, page]) => page.buffer));
      if (group === 0) firstBuffers = buffers;
      else for (const buffer of buffers) expect(firstBuffers.has(buffer)).toBe(true);
    }
  });

  it('a corrupt page is ERR_CORRUPT_SNAPPY', () => {
    const memory = new PageMemory();
    const input = hysnappy.snappyCompress(new TextEncoder().encode('some text, some text'));
    expect(() => memory.snappy(input, 19)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_SNAPPY' }));
  });
});

describe('row groups decoded into the same memory', () => {
  beforeAll(async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    mkdirSync(path.join(dir, 'groups'));
    mkdirSync(path.join(dir, 'groups-jsonl'));
    // Row groups far below a packed block (1 MB), so that every row group's values are still
    // waiting to be packed when it ends; values that repeat, so that the pages hold copies.
    const next = rng(0x6a);
    const values = Array.from({ length: 300 }, (_, i) => `${randomText(next, 200)} ${'again and again '.repeat(i % 9)}${i}`);
    writeFileSync(path.join(dir, 'groups', 'docs.parquet'), Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: values, type: 'STRING' }], rowGroupSize: 23 })));
    writeFileSync(path.join(dir, 'groups-jsonl', 'docs.jsonl'), values.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  });

  it.each(['1', '2'])('--threads %s: the same bytes as the .jsonl of the same documents', async (threads) => {
    for (const input of ['groups', 'groups-jsonl']) {
      const run = await runIn(['corpus', input, '--out', `${input}-${threads}.bin`, '--threads', threads, '-q']);
      expect([run.status, run.stderr]).toEqual([0, '']);
    }
    const pq = readFileSync(path.join(dir, `groups-${threads}.bin`));
    expect(pq.length).toBeGreaterThan(100000);
    expect(pq.equals(readFileSync(path.join(dir, `groups-jsonl-${threads}.bin`)))).toBe(true);
  });
});

describe('a Parquet file with a corrupt snappy page', () => {
  beforeAll(async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    mkdirSync(path.join(dir, 'bad'));
    mkdirSync(path.join(dir, 'out'));
    const next = rng(0x3c);
    const values = Array.from({ length: 40 }, (_, i) => `${randomText(next, 300)} ${i}`);
    // The third page's stream has a copy from offset 0 appended.
    let pages = 0;
    const SNAPPY = (bytes) => {
      const stream = hysnappy.snappyCompress(bytes);
      return ++pages === 3 ? new Uint8Array([...stream, 2 | (3 << 2), 0, 0]) : stream;
    };
    writeFileSync(path.join(dir, 'bad', 'docs.parquet'), Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: values, type: 'STRING' }], rowGroupSize: 10, compressors: { SNAPPY } })));
  });

  it('fails with the fault and the rows it was in, and leaves no output', async () => {
    const run = await runIn(['corpus', 'bad/docs.parquet', '--out', 'out/out.bin', '-q']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bad\/docs\.parquet: corrupt Parquet data in rows 20-29 \(Corrupt snappy data: a copy has offset 0\)/);
    expect(listing(path.join(dir, 'out'))).toEqual([]);
  });
});
