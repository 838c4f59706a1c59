// The corpus pipeline reuses its memory rather than take fresh pages per block: input blocks and
// the ids encoded from them live in shared memory lent by a pool and handed back once a job is
// written, and the writer copies ids into one buffer of its own. A buffer handed back twice must
// never be lent to two jobs, ids that do not fit their buffer still come out whole, the writer
// keeps no view of ids it was given, and whole runs whose blocks outnumber the jobs in flight
// (so that memory is reused) write the ids of each document as the library encodes it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli-in-process.mjs';
import { documents, readCorpus, tempDir } from '../support/cli.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { SharedPool, idsMemory, idsPool, idsCapacity } = require('../../dist/cjs/cli/corpus-memory.js');
const { blockMemory, reuseBlockMemory } = require('../../dist/cjs/cli/corpus-jsonl.js');
const { encodeDocumentTexts, encodeJob } = require('../../dist/cjs/cli/job-encode.js');
const { CorpusWriter } = require('../../dist/cjs/cli/corpus-output.js');
const { getEncoding } = require('../../dist/cjs/index.js');

const enc = getEncoding('cl100k_base');
const EOT = enc.eotToken;
const dir = tempDir('turbotoken-corpus-shared-memory-');

describe('SharedPool', () => {
  it('memory handed back twice is lent once: two takes never share a buffer', () => {
    const pool = new SharedPool(4, 1 << 20);
    const a = pool.take(1000);
    pool.give(new Uint8Array(a, 10, 20));
    pool.give(new Uint8Array(a)); // a second time: ignored
    expect(pool.spare).toBe(1);
    const b = pool.take(1000);
    const c = pool.take(1000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    // Given back while lent again (b) counts once more; the stale second give above did not.
    pool.give(new Uint8Array(b));
    pool.give(new Uint8Array(c));
    expect(pool.spare).toBe(2);
  });

  it('memory it never lent, or not shared, is not kept', () => {
    const pool = new SharedPool(4, 1 << 20);
    pool.give(new Uint8Array(new SharedArrayBuffer(100)));
    pool.give(new Uint8Array(100));
    expect(pool.spare).toBe(0);
    expect(pool.take(10).byteLength).toBe(10);
  });

  it('keeps at most maxSpare buffers, none over maxBytes; sizes of 64 KiB and more are rounded up so near sizes fit', () => {
    const pool = new SharedPool(2, 1 << 20);
    const lent = [pool.take(100), pool.take(200), pool.take(300), pool.take(2 << 20)];
    for (const memory of lent) pool.give(new Uint8Array(memory));
    expect(pool.spare).toBe(2);
    const rounded = new SharedPool(2, 1 << 20);
    const near = rounded.take((1 << 20) - 100);
    expect(near.byteLength).toBe(1 << 20);
    rounded.give(new Uint8Array(near));
    expect(rounded.take((1 << 20) - 50)).toBe(near);
  });

  it('the block and ids pools: a double hand-back is never lent twice', () => {
    const block = blockMemory(1 << 20);
    reuseBlockMemory(block);
    reuseBlockMemory(block);
    const [x, y] = [blockMemory(1 << 20), blockMemory(1 << 20)];
    expect(x.buffer).not.toBe(y.buffer);
    const ids = idsMemory(idsCapacity(1 << 20));
    idsPool.give(ids);
    idsPool.give(ids);
    const [p, q] = [idsMemory(idsCapacity(1 << 20)), idsMemory(idsCapacity(1 << 20))];
    expect(p.buffer).not.toBe(q.buffer);
  });
});

describe('ids written into a given buffer', () => {
  const texts = ['Hello world, once more.', '', 'Some code: for (let i = 0; i < n; i++) {}', '1!2!3!4!5!6!7!8!9!'];
  const want = encodeDocumentTexts(enc, undefined, texts, EOT, true);
  const total = want.ids.length;

  it('that fits: a view of it, the same ids and counts', () => {
    const out = new Uint32Array(new SharedArrayBuffer(4 * (total + 5)));
    const got = encodeDocumentTexts(enc, undefined, texts, EOT, true, out);
    expect(got.ids.buffer).toBe(out.buffer);
    expect([...got.ids]).toEqual([...want.ids]);
    expect([...got.lengths]).toEqual([...want.lengths]);
  });

  it('too small at any point (within a document, at its end-of-document token): the same ids in an array of their own', () => {
    for (let room = 0; room < total; room++) {
      const out = new Uint32Array(room);
      const got = encodeDocumentTexts(enc, undefined, texts, EOT, true, out);
      expect(got.ids.buffer).not.toBe(out.buffer);
      expect([...got.ids]).toEqual([...want.ids]);
      expect([...got.lengths]).toEqual([...want.lengths]);
    }
  });

  it('text segments (encodeJob): the same with and without a buffer, large or small', () => {
    const segments = [Buffer.from('bytes of one segment'), 'a string segment', Buffer.from(' and 1!2!3!')];
    const plain = encodeJob(enc, undefined, segments);
    for (const room of [0, 3, plain.ids.length - 1, plain.ids.length, plain.ids.length + 9]) {
      const got = encodeJob(enc, undefined, segments, new Uint32Array(room));
      expect([...got.ids]).toEqual([...plain.ids]);
      expect([...got.lengths]).toEqual([...plain.lengths]);
    }
  });
});

describe('plain-text segments packed for a worker', () => {
  it('byte segments are copied into one block of shared memory (stealable, posted without a copy), strings stay', async () => {
    const { packSegments } = require('../../dist/cjs/cli/corpus.js');
    const { WorkerPool } = require('../../dist/cjs/cli/pool.js');
    const segments = [Buffer.from('first segment '), 'a string', Buffer.from('and the last')];
    const { texts, memory } = packSegments(segments);
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(texts[0].buffer).toBe(memory.buffer);
    expect(texts[2].buffer).toBe(memory.buffer);
    expect(texts[1]).toBe('a string');
    expect(texts.map((t) => (typeof t === 'string' ? t : Buffer.from(t).toString()))).toEqual(['first segment ', 'a string', 'and the last']);
    expect(packSegments(['only strings']).memory).toBeUndefined();
    // What the pool makes of them: a job it may still take back (steal), encoded as inline.
    const pool = new WorkerPool({ name: 'cl100k_base' }, enc, undefined, 2);
    try {
      const got = await pool.submit(texts);
      expect([...got.ids]).toEqual([...encodeJob(enc, undefined, segments).ids]);
    } finally {
      await pool.close();
    }
  });
});

describe('the writer keeps no view of the ids it is given', () => {
  for (const dtype of ['uint16', 'uint32']) {
    it(`${dtype}: ids changed after the call, over more than one 4 MB write, are written as they were`, () => {
      const base = path.join(dir, `writer-${dtype}`);
      const writer = new CorpusWriter(`${base}.bin`, dtype);
      const n = 3 << 20; // 6 or 12 MB of output: the buffer fills more than once within one call
      const ids = new Uint32Array(n);
      for (let i = 0; i < n; i++) ids[i] = (i * 7919) % 50000;
      const want = ids.slice();
      writer.writeDocuments(ids, Uint32Array.of(1000, n - 1000));
      ids.fill(7);
      const small = Uint32Array.of(1, 2, 3);
      writer.writeIds(small);
      small.fill(9);
      writer.endDocument();
      writer.commit({ format: 'test', dtype });
      const { ids: read, offsets } = readCorpus(base);
      expect(read.length).toBe(n + 3);
      const expected = new (dtype === 'uint16' ? Uint16Array : Uint32Array)(n + 3);
      expected.set(want);
      expected.set([1, 2, 3], n);
      expect(Buffer.from(read.buffer, read.byteOffset, read.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(offsets).toEqual([0, 1000, n, n + 3]);
    });
  }
});

describe('whole runs reusing memory', () => {
  // About 12 MB of .jsonl, 1 MB blocks: more blocks than jobs in flight (8 with 2 threads), so
  // blocks and ids buffers are handed back and lent again. Each document differs, so ids left
  // from another block would show; among them a stretch of one byte per token.
  const next = rng(0x5eed);
  const base = Array.from({ length: 64 }, () => randomText(next, 3000));
  const texts = [];
  let bytes = 0;
  for (let i = 0; bytes < 12e6; i++) {
    const text = i >= 1500 && i < 1900 ? `${i}: ${'1!'.repeat(2000)}` : `${i} ${base[i % base.length]} ${base[(i * 7) % base.length].slice(0, 1000 + (i % 500))}`;
    texts.push(text);
    bytes += Buffer.byteLength(text) + 12;
  }
  const input = path.join(dir, 'docs.jsonl');
  writeFileSync(input, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const want = texts.map((text) => [...enc.encode(text, { disallowedSpecial: [] }), EOT]);

  for (const threads of [1, 2]) {
    it(`.jsonl, --threads ${threads}: every document's ids as the library encodes them`, async () => {
      const out = path.join(dir, `jsonl-${threads}`);
      const run = await cli(['corpus', input, '-e', 'cl100k_base', '--append-eot', '--threads', String(threads), '-q', '--out', `${out}.bin`]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const got = documents(readCorpus(out));
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) if (got[i].length !== want[i].length || got[i].some((id, k) => id !== want[i][k])) expect({ document: i, ids: got[i] }).toEqual({ document: i, ids: want[i] });
    });
  }

  it('plain-text files, --threads 2 (several files a job, packed into shared memory): each file one document as the library encodes it', async () => {
    const folder = path.join(dir, 'texts');
    mkdirSync(folder);
    const files = [];
    for (let i = 0; i < 240; i++) {
      const name = path.join(folder, `${String(i).padStart(4, '0')}.txt`);
      // About 3 MB in all: more jobs (of 262,144 characters) than are in flight.
      const text = i % 60 === 5 ? `${i} ${'1!'.repeat(30000)}` : `${i} ${base[i % base.length]}`.slice(0, 6000 + (i % 9) * 1500);
      writeFileSync(name, text);
      files.push(name);
    }
    const out = path.join(dir, 'texts-2');
    const run = await cli(['corpus', folder, '-e', 'cl100k_base', '--threads', '2', '-q', '--out', `${out}.bin`]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const got = documents(readCorpus(out));
    expect(got.length).toBe(files.length);
    for (let i = 0; i < files.length; i++) {
      const expected = [...enc.encode(readFileSync(files[i]), { disallowedSpecial: [] })];
      if (got[i].length !== expected.length || got[i].some((id, k) => id !== expected[k])) expect({ file: i, ids: got[i] }).toEqual({ file: i, ids: expected });
    }
  });
});
