// Parquet data pages go to the encoders compressed (src/cli/formats/parquet-pages.ts): the reading
// thread walks a column chunk's page headers and decodes its dictionary page; the pages of a chunk
// are split across jobs of about 1 MB of values (a dictionary page's rows in ranges when they
// expand to more), each decoded where it is encoded. The ids, the documents and the text byte
// count are those of the same values read whole; a corrupt page is named by its own rows, an
// ill-formed value by its row and byte; a page too large for one job is decoded on the reading
// thread and its value cut into segments; a chunk's shared memory serves a later chunk only once
// every job of its pages is released; a pages job can be stolen back from a worker.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { documents, listing, readCorpus, tempDir } from '../support/cli.mjs';
import { counted, untilWorkerReady } from '../support/pool-probe.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { readParquetDocuments } = require('../../dist/cjs/cli/formats/parquet.js');
const { WorkerPool, inlineEncoder } = require('../../dist/cjs/cli/pool.js');
const dir = tempDir('turbotoken-corpus-parquet-pages-');
const runIn = (args) => cli(args, { cwd: dir });
const enc = getEncoding('cl100k_base');
const EOT = enc.eotToken;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const idsOf = (text) => [...enc.encode(text, { disallowedSpecial: [] })];
const TARGET = 1 << 18; // the corpus command's segment length

const next = rng(0x7a6e);
const ROWS = 900;
// Unique values of about 3 KB (PLAIN pages), nulls among them.
const text = Array.from({ length: ROWS }, (_, i) => (i % 37 === 5 ? null : `${randomText(next, 700)} row ${i}`));
// Twelve values of about 6 KB, repeated: dictionary pages whose rows expand to several jobs' worth.
const distinct = Array.from({ length: 12 }, (_, k) => `${randomText(next, 1500)} value ${k}`);
const dict = Array.from({ length: ROWS }, (_, i) => (i % 29 === 3 ? null : distinct[(i * 7) % 12]));
// Raw bytes: some ill-formed, and one ill-formed value longer than a segment.
const raw = text.map((v, i) => {
  if (v === null) return null;
  if (i === 400) return new Uint8Array(Buffer.concat([Buffer.from('long '.repeat(60000)), Buffer.from([0xe2, 0x82]), Buffer.from(' tail')]));
  return new Uint8Array(i % 50 === 17 ? Buffer.concat([Buffer.from(v), Buffer.from([0xff, 0xc3])]) : Buffer.from(v));
});
const firstBadRow = raw.findIndex((v, i) => v !== null && i % 50 === 17);

beforeAll(async () => {
  const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
  mkdirSync(path.join(dir, 'pq'));
  const columnData = [
    { name: 'text', data: text, type: 'STRING' },
    { name: 'dict', data: dict, type: 'STRING' },
    { name: 'raw', data: raw, type: 'BYTE_ARRAY' },
    { name: 'delta', data: text, type: 'STRING', encoding: 'DELTA_BYTE_ARRAY' },
  ];
  writeFileSync(path.join(dir, 'pq', 'docs.parquet'), Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize: 450, pageSize: 200_000 })));
});

/** What the reading thread hands on for `field`: the pages jobs, and the documents and segments it decoded itself. */
async function handedOn(file, field, onJob = () => {}) {
  const info = statSync(file, { bigint: true });
  const input = { path: file, size: Number(info.size), dev: info.dev, ino: info.ino, mtimeNs: info.mtimeNs, kind: { format: 'parquet' } };
  const got = { jobs: [], documents: 0, segments: 0, ends: 0 };
  const sink = {
    text: () => void got.segments++,
    endDocument: () => void got.ends++,
    progress() {},
    replaced() {},
    documents: (f, bytes, ends) => void (got.documents += ends.length),
    // Never released: a released chunk's memory is read again for a later chunk, and the pool
    // test encodes these jobs after the whole file is read.
    parquetPages: (f, pages, release) => {
      got.jobs.push(pages);
      onJob(release);
    },
  };
  await readParquetDocuments(input, 0, { encoding: enc, invalid: 'replace', field, target: TARGET }, sink);
  return got;
}

async function corpus(input, tag, args) {
  const run = await runIn(['corpus', input, '-e', 'cl100k_base', '--out', `${tag}.bin`, '-q', ...args]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return readCorpus(path.join(dir, tag));
}

describe('Parquet pages decoded where they are encoded', () => {
  it("a chunk's PLAIN pages are split across jobs of about 1 MB; a dictionary page's rows in ranges", async () => {
    const plain = await handedOn(path.join(dir, 'pq', 'docs.parquet'), 'text');
    expect(plain.documents + plain.segments).toBe(0);
    const pages = plain.jobs.flatMap((job) => job.job.pages);
    expect(pages.length).toBeGreaterThan(plain.jobs.length);
    expect(plain.jobs.length).toBeGreaterThanOrEqual(4); // 2 row groups of about 1.3 MB each
    for (const { job } of plain.jobs) expect(job.dictionary).toBeUndefined();
    // Every row once, in order.
    let row = 0;
    for (const page of pages) {
      expect([page.firstRow, page.skip, page.take]).toEqual([row, 0, page.rows]);
      row += page.rows;
    }
    expect(row).toBe(ROWS);

    const byRows = await handedOn(path.join(dir, 'pq', 'docs.parquet'), 'dict');
    const ranges = byRows.jobs.flatMap((job) => job.job.pages.map((page) => ({ ...page, dictionary: job.job.dictionary })));
    expect(ranges.every((page) => page.dictionary && page.dictionary.ends.length === 12)).toBe(true);
    expect(ranges.some((page) => page.skip > 0)).toBe(true);
    let at = 0;
    for (const page of ranges) {
      expect(page.firstRow + page.skip).toBe(at);
      at += page.take;
    }
    expect(at).toBe(ROWS);
  });

  it("a chunk's memory is read again for a later chunk only once every job of its pages is released", async () => {
    const file = path.join(dir, 'pq', 'docs.parquet');
    const groupOf = ({ job }) => (job.pages[0].firstRow < 450 ? 0 : 1);
    // Held: the second row group's chunk is memory of its own.
    const held = (await handedOn(file, 'text')).jobs;
    const heldBuffers = [0, 1].map((g) => new Set(held.filter((j) => groupOf(j) === g).map(({ job }) => job.chunk.buffer)));
    expect(heldBuffers.map((set) => set.size)).toEqual([1, 1]);
    expect(heldBuffers[1].has([...heldBuffers[0]][0])).toBe(false);
    // Released as they come: the second reads into the first's memory.
    const released = (await handedOn(file, 'text', (release) => release())).jobs;
    const [first, second] = [0, 1].map((g) => released.find((j) => groupOf(j) === g).job.chunk.buffer);
    expect(second).toBe(first);
  });

  it('pages of another value encoding (DELTA_BYTE_ARRAY) are decoded on the reading thread, their values packed there', async () => {
    const got = await handedOn(path.join(dir, 'pq', 'docs.parquet'), 'delta');
    expect(got.jobs).toEqual([]);
    expect(got.documents).toBe(text.filter((v) => v !== null).length);
  });

  it('a dictionary page whose rows expand past 16 jobs of values is decoded on the reading thread (the ranges would each decode it again)', async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    // Two values of 40 KB over 900 rows: each 450-row page is 18 MB of values.
    const big = [0, 1].map((k) => `${randomText(rng(k + 1), 10_000).slice(0, 40_000)} big ${k}`);
    const data = Array.from({ length: ROWS }, (_, i) => big[i % 2]);
    const file = path.join(dir, 'pq-big.parquet');
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'big', data, type: 'STRING' }], rowGroupSize: 450, pageSize: 200_000 })));
    const got = await handedOn(file, 'big');
    expect(got.jobs).toEqual([]);
    expect(got.documents).toBe(ROWS);
    // A page of up to 16 jobs' worth goes on as ranges (the dict column's pages: about 2.7 MB each).
    expect((await handedOn(path.join(dir, 'pq', 'docs.parquet'), 'dict')).jobs.length).toBeGreaterThan(2);
  });

  for (const field of ['text', 'dict', 'delta']) {
    it.each(['1', '2', '3'])(`--field ${field}, --threads %s: each non-null value one document, as the library encodes it`, async (threads) => {
      const got = await corpus('pq', `${field}-${threads}`, ['--field', field, '--threads', threads, '--append-eot']);
      const values = (field === 'dict' ? dict : text).filter((v) => v !== null);
      expect(got.header.documents).toBe(values.length);
      expect(got.header.textBytes).toBe(values.reduce((n, v) => n + Buffer.byteLength(v), 0));
      expect(documents(got)).toEqual(values.map((v) => [...idsOf(v), EOT]));
    });
  }

  it.each(['1', '2'])('--threads %s: ill-formed values read as U+FFFD, the text bytes of a long one counted as its decoded text', async (threads) => {
    const run = await runIn(['corpus', 'pq', '-e', 'cl100k_base', '--field', 'raw', '--out', `raw-${threads}.bin`, '--threads', threads]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`warning: invalid UTF-8 read as U\\+FFFD in 1 file\\(s\\), first pq/docs\\.parquet at byte ${firstBadRow}\\b`));
    const values = raw.filter((v) => v !== null);
    const got = readCorpus(path.join(dir, `raw-${threads}`));
    expect(documents(got)).toEqual(values.map((v) => idsOf(utf8.decode(v))));
    // Values of up to a segment count their bytes; the long one its decoded text's (two bytes
    // of a cut sequence are one U+FFFD, three bytes).
    const want = values.reduce((n, v) => n + (v.length > TARGET ? Buffer.byteLength(utf8.decode(v)) : v.length), 0);
    expect(got.header.textBytes).toBe(want);
    expect(want).toBe(values.reduce((n, v) => n + v.length, 0) + 1);
  });

  it.each(['1', '2'])('--threads %s, --invalid=fail: the first ill-formed value named by its row and byte, no output left', async (threads) => {
    mkdirSync(path.join(dir, `fail-${threads}`));
    const run = await runIn(['corpus', 'pq', '-e', 'cl100k_base', '--field', 'raw', '--invalid', 'fail', '--out', `fail-${threads}/out.bin`, '--threads', threads, '-q']);
    expect(run.status).toBe(1);
    const at = raw[firstBadRow].length - 2;
    expect(run.stderr).toContain(`pq/docs.parquet: invalid UTF-8 in row ${firstBadRow} of column "raw", at byte ${at} of the value (use --invalid=replace to read it as U+FFFD)`);
    expect(listing(path.join(dir, `fail-${threads}`))).toEqual([]);
  });
});

describe('a corrupt page in the middle of a column chunk', () => {
  let badPage;
  beforeAll(async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    const hysnappy = await import(require.resolve('hysnappy'));
    mkdirSync(path.join(dir, 'bad'));
    const values = Array.from({ length: 120 }, (_, i) => `${randomText(next, 300)} ${i}`);
    // The seventh page's stream gets a copy from offset 0 appended: it fails as it is decoded.
    let pages = 0;
    const SNAPPY = (bytes) => {
      const stream = hysnappy.snappyCompress(bytes);
      return ++pages === 7 ? new Uint8Array([...stream, 2 | (3 << 2), 0, 0]) : stream;
    };
    const file = path.join(dir, 'bad', 'docs.parquet');
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: values, type: 'STRING' }], rowGroupSize: 60, pageSize: 4000, compressors: { SNAPPY } })));
    badPage = (await handedOn(file, 'text')).jobs.flatMap((job) => job.job.pages)[6];
  });

  it.each(['1', '2'])('--threads %s: fails naming that page\'s rows (not its row group\'s) and the fault, and leaves no output', async (threads) => {
    // Inside the first row group (rows 0-59), neither its start nor its end.
    expect(badPage.firstRow).toBeGreaterThan(0);
    expect(badPage.firstRow + badPage.rows).toBeLessThan(60);
    mkdirSync(path.join(dir, `bad-out-${threads}`));
    const run = await runIn(['corpus', 'bad/docs.parquet', '--out', `bad-out-${threads}/out.bin`, '--threads', threads, '-q']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`bad/docs.parquet: corrupt Parquet data in rows ${badPage.firstRow}-${badPage.firstRow + badPage.rows - 1} (Corrupt snappy data: a copy has offset 0)`);
    expect(listing(path.join(dir, `bad-out-${threads}`))).toEqual([]);
  });
});

describe('a page larger than a job', () => {
  const long = `${'many words in a very long value, '.repeat(150_000)}end`; // 4.95 MB
  const values = ['before', long, 'after', null, 'last'];
  beforeAll(async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    mkdirSync(path.join(dir, 'big'));
    writeFileSync(path.join(dir, 'big', 'docs.parquet'), Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: values, type: 'STRING' }], pageSize: 100 })));
  });

  it('is decoded on the reading thread, its long value cut into segments; the others go on as pages', async () => {
    const got = await handedOn(path.join(dir, 'big', 'docs.parquet'), 'text');
    expect(got.ends).toBe(1);
    expect(got.segments).toBeGreaterThanOrEqual(Math.floor(long.length / TARGET));
    expect(got.jobs.flatMap((job) => job.job.pages).reduce((n, page) => n + page.rows, 0)).toBe(values.length - 1);
  });

  it('--threads 2: the same documents', async () => {
    const got = await corpus('big', 'big-2', ['--threads', '2']);
    expect(documents(got)).toEqual(values.filter((v) => v !== null).map(idsOf));
  });
});

describe('WorkerPool: pages jobs', () => {
  const pools = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });
  // As the corpus command encodes by default (--special ordinary).
  const ORDINARY = { disallowedSpecial: [] };
  const inline = inlineEncoder(enc, ORDINARY);

  it('a worker decodes pages of each codec: UNCOMPRESSED, SNAPPY, and GZIP, whose decoder it loads on its first such job', async () => {
    const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
    const { gzipSync } = await import('node:zlib');
    mkdirSync(path.join(dir, 'codecs'), { recursive: true });
    const values = text.slice(0, 300);
    const { encoding, calls } = counted(enc);
    const pool = new WorkerPool({ name: 'cl100k_base' }, encoding, ORDINARY, 2);
    pools.push(pool);
    await untilWorkerReady(pool, calls);
    for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP']) {
      const file = path.join(dir, 'codecs', `${codec}.parquet`);
      const columnData = [{ name: 'text', data: values, type: 'STRING' }];
      writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData, codec, compressors: { GZIP: (bytes) => new Uint8Array(gzipSync(bytes)) }, pageSize: 100_000 })));
      const jobs = (await handedOn(file, 'text')).jobs.map(({ job }) => ({ ...job, eot: EOT, eotOnEmpty: false }));
      expect(jobs.every((job) => job.column.codec === codec)).toBe(true);
      const want = await Promise.all(jobs.map((job) => inline.submitPages(job)));
      const before = pool.workerJobs;
      calls.n = 0;
      // One at a time: each goes to the worker (none waits behind another, so none is encoded here).
      const got = [];
      for (const job of jobs) got.push(await pool.submitPages(job));
      expect(calls.n).toBe(0);
      expect(pool.workerJobs - before).toBe(jobs.length);
      expect(got.map((r) => [...r.ids])).toEqual(want.map((r) => [...r.ids]));
      expect(got.flatMap((r) => [...r.lengths])).toEqual(values.filter((v) => v !== null).map((v) => idsOf(v).length + 1));
    }
  });

  it('a pages job waiting at a busy worker is stolen back; the next one the worker decodes itself once hyparquet is loaded there', async () => {
    const jobs = (await handedOn(path.join(dir, 'pq', 'docs.parquet'), 'dict')).jobs.map(({ job }) => ({ ...job, eot: EOT, eotOnEmpty: false }));
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    const want = await Promise.all(jobs.map((job) => inline.submitPages(job)));
    const { encoding, calls } = counted(enc);
    const pool = new WorkerPool({ name: 'cl100k_base' }, encoding, ORDINARY, 2);
    pools.push(pool);
    await untilWorkerReady(pool, calls);
    const probes = pool.workerJobs;
    // A long job (moved to the worker, not stealable) keeps it busy while the two pages jobs
    // waiting behind it are stolen: 54 MB, several times the two jobs' encoding here (a 5 MB one
    // let the worker finish and claim the second job during the first steal in a CI run).
    const longText = Buffer.from('Some words, and some more. '.repeat(2_000_000));
    const busy = pool.submitDocuments({ bytes: longText, ends: Uint32Array.of(longText.length), eot: EOT, eotOnEmpty: false });
    const waiting = [pool.submitPages(jobs[0]), pool.submitPages(jobs[1])];
    calls.n = 0;
    expect(pool.steal()).toBe(true);
    expect(pool.steal()).toBe(true);
    expect(calls.n).toBe(want[0].lengths.length + want[1].lengths.length); // one encode() per value, here
    expect(pool.steal()).toBe(false);
    const stolen = await Promise.all(waiting);
    await busy;
    expect(pool.workerJobs - probes).toBe(1);
    calls.n = 0;
    const third = await pool.submitPages(jobs[2]);
    expect(calls.n).toBe(0);
    expect(pool.workerJobs - probes).toBe(2);
    for (const [got, expected] of [[stolen[0], want[0]], [stolen[1], want[1]], [third, want[2]]]) {
      expect([...got.ids]).toEqual([...expected.ids]);
      expect([...got.lengths]).toEqual([...expected.lengths]);
      expect(got.textBytes).toBe(expected.textBytes);
    }
  });
});
