// Parquet string values reach the encoder as packed UTF-8 bytes (decoded where they are encoded:
// on a worker with --threads 2): the ids are still those of each value decoded as before (a
// byte-order mark that starts a value is text, an ill-formed byte is U+FFFD), empty values are
// documents, a value longer than a segment is cut on the reading thread and keeps its place
// among the packed ones, and both layouts (Megatron's end-of-document rule too) write the same
// bytes as the same documents given as .jsonl, at 1 and 2 threads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { documents, readCorpus, tempDir } from '../support/cli.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const dir = tempDir('turbotoken-corpus-parquet-packed-');
const runIn = (args) => cli(args, { cwd: dir });
const enc = getEncoding('cl100k_base');
const EOT = enc.eotToken;

// Over 1 MB of values, so that they make several packed blocks; among them an empty value, one
// that starts with a byte-order mark, nulls, and one longer than a segment (262,144 characters).
const next = rng(0x5a17);
const values = [];
for (let i = 0; i < 360; i++) {
  if (i === 7) values.push('');
  else if (i === 11) values.push('\ufeffstarts with a byte-order mark, kept as text');
  else if (i % 50 === 13) values.push(null);
  else if (i === 200) values.push(`${randomText(next, 40)} ${'long words here '.repeat(20000)}end`);
  else values.push(`${randomText(next, 600)}\n\n${i}`);
}
const texts = values.filter((v) => v !== null);
// A column of raw bytes: values that are not UTF-8 are read as U+FFFD (--invalid=replace).
const raw = values.map((v, i) => (v === null ? null : i % 40 === 3 ? Buffer.concat([Buffer.from(v), Buffer.from([0xff, 0xc3])]) : Buffer.from(v)));
const rawTexts = raw.filter((v) => v !== null).map((bytes) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));

const idsOf = (text) => [...enc.encode(text, { disallowedSpecial: [] })];

beforeAll(async () => {
  const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
  mkdirSync(path.join(dir, 'pq'));
  mkdirSync(path.join(dir, 'jl'));
  const columns = [
    { name: 'text', data: values, type: 'STRING' },
    { name: 'raw', data: raw.map((v) => (v === null ? null : new Uint8Array(v))), type: 'BYTE_ARRAY' },
  ];
  writeFileSync(path.join(dir, 'pq', 'docs.parquet'), Buffer.from(parquetWriteBuffer({ columnData: columns, rowGroupSize: 37 })));
  writeFileSync(path.join(dir, 'jl', 'docs.jsonl'), texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
});

async function corpus(input, tag, args) {
  const run = await runIn(['corpus', input, '-e', 'cl100k_base', '--out', `${tag}.bin`, '-q', ...args]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return path.join(dir, tag);
}

describe('Parquet values packed for the encoder', () => {
  it.each(['1', '2'])('--threads %s: each value decoded as before and encoded as the library does, end-of-document tokens on empty ones too', async (threads) => {
    const base = await corpus('pq', `pq-${threads}`, ['--threads', threads, '--append-eot']);
    const got = readCorpus(base);
    expect(got.header.documents).toBe(texts.length);
    expect(documents(got)).toEqual(texts.map((text) => [...idsOf(text), EOT]));
  });

  it.each(['1', '2'])('--threads %s: a column of ill-formed bytes is read as U+FFFD, row by row', async (threads) => {
    const run = await runIn(['corpus', 'pq', '-e', 'cl100k_base', '--field', 'raw', '--out', `raw-${threads}.bin`, '--threads', threads]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning: invalid UTF-8 read as U\+FFFD in 1 file\(s\), first pq\/docs\.parquet/);
    expect(documents(readCorpus(path.join(dir, `raw-${threads}`)))).toEqual(rawTexts.map(idsOf));
  });

  let jsonlRun;
  it.each(['1', '2'])('--threads %s, --format megatron: the same bytes as the .jsonl of the same documents (no end-of-document token on an empty one)', async (threads) => {
    const pq = await corpus('pq', `mg-pq-${threads}`, ['--threads', threads, '--append-eot', '--format', 'megatron']);
    jsonlRun ??= await corpus('jl', 'mg-jl', ['--threads', '1', '--append-eot', '--format', 'megatron']);
    const jl = jsonlRun;
    expect(readFileSync(`${pq}.bin`).equals(readFileSync(`${jl}.bin`))).toBe(true);
    expect(readFileSync(`${pq}.idx`).equals(readFileSync(`${jl}.idx`))).toBe(true);
    // The empty document holds no token at all (cl100k_base's ids are written as int32).
    expect(readFileSync(`${pq}.bin`).length).toBe(texts.reduce((n, text) => n + (idsOf(text).length ? idsOf(text).length + 1 : 0), 0) * 4);
  });
});
