// corpus, count and encode read inputs by content: gzip (multi-member), zstd (two frames),
// Parquet from two writers (row groups, dictionary pages, nulls), CSV, TSV, compressed CSV and
// stdin give exactly the ids of the same documents as a plain .jsonl; --threads changes no byte;
// truncated, binary and field-less inputs fail naming the file and leave no output.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { documents, listing, readCorpus, tempDir } from '../support/cli.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const FIXTURES = new URL('../data/corpus-formats/', import.meta.url);
const dir = tempDir();
const runIn = (args, options = {}) => cli(args, { cwd: dir, ...options });
const enc = getEncoding('o200k_base');

const jsonl = readFileSync(new URL('docs.jsonl', FIXTURES));
const texts = jsonl.toString('utf8').trim().split('\n').map((line) => JSON.parse(line).text);
const zstd = readFileSync(new URL('docs.jsonl.zst', FIXTURES));
const story = Buffer.from(texts.slice(0, 12).join('\n\n'));
// Nulls between the texts: a Parquet null holds no document.
const withNulls = texts.flatMap((text, i) => (i % 9 === 2 ? [null, text] : [text]));

const quote = (text) => `"${text.replace(/"/g, '""')}"`;
const table = (delimiter, eol) => `id${delimiter}text${eol}` + texts.map((text, i) => `${i}${delimiter}${quote(text)}`).join(eol) + eol;

let plain; // documents (id arrays) of the plain run, by file name
let formats; // the same for the run over every format

function perFile(base) {
  const corpus = readCorpus(path.join(dir, base));
  const docs = documents(corpus);
  const out = {};
  let at = 0;
  for (const file of corpus.header.files) {
    out[path.basename(file.path)] = docs.slice(at, at + file.documents);
    at += file.documents;
  }
  return out;
}

async function parquetFiles() {
  const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
  const arrow = await import(require.resolve('apache-arrow'));
  const wasm = require('parquet-wasm');
  const ids = Int32Array.from(withNulls, (_, i) => i);
  const hw = parquetWriteBuffer({
    columnData: [{ name: 'id', data: ids, type: 'INT32' }, { name: 'text', data: withNulls, type: 'STRING', encoding: 'RLE_DICTIONARY' }],
    rowGroupSize: 40,
    pageSize: 8192,
  });
  const ipc = arrow.tableToIPC(arrow.tableFromArrays({ id: ids, text: arrow.vectorFromArray(withNulls, new arrow.Utf8()) }), 'stream');
  const props = new wasm.WriterPropertiesBuilder().setMaxRowGroupSize(50).setDictionaryEnabled(true).setCompression(wasm.Compression.ZSTD).build();
  return { hw: Buffer.from(hw), pw: Buffer.from(wasm.writeParquet(wasm.Table.fromIPCStream(ipc), props)) };
}

const pq = {};

beforeAll(async () => {
  mkdirSync(path.join(dir, 'plain'));
  mkdirSync(path.join(dir, 'formats'));
  writeFileSync(path.join(dir, 'plain', 'docs.jsonl'), jsonl);
  writeFileSync(path.join(dir, 'plain', 'story.txt'), story);
  const put = (name, bytes) => writeFileSync(path.join(dir, 'formats', name), bytes);
  put('gzip.jsonl.gz', gzipSync(jsonl));
  // Two gzip members, the cut in the middle of a line.
  put('multi.jsonl.gz', Buffer.concat([gzipSync(jsonl.subarray(0, 40001)), gzipSync(jsonl.subarray(40001))]));
  put('zstd.jsonl.zst', zstd);
  Object.assign(pq, await parquetFiles());
  put('hyparquet-writer.parquet', pq.hw);
  put('parquet-wasm.parquet', pq.pw);
  put('table.csv', table(',', '\r\n'));
  put('table.tsv', table('\t', '\n'));
  put('table.csv.gz', gzipSync(table(',', '\n')));
  put('story-part-00001', gzipSync(story)); // a name that says nothing: read by its content
  expect((await runIn(['corpus', 'plain', '-o', 'plain.bin', '--threads', '1', '-q'])).stderr).toBe('');
  const run = await runIn(['corpus', 'formats', '-o', 'formats.bin', '--threads', '2', '-q']);
  expect(run.stderr).toBe('');
  plain = perFile('plain');
  formats = perFile('formats');
});

describe('every format gives the ids of the plain .jsonl', () => {
  it('the plain run holds each text encoded as the library encodes it', async () => {
    expect(plain['docs.jsonl']).toEqual(texts.map((text) => [...enc.encode(text, { disallowedSpecial: [] })]));
  });

  it.each(['gzip.jsonl.gz', 'multi.jsonl.gz', 'zstd.jsonl.zst', 'hyparquet-writer.parquet', 'parquet-wasm.parquet', 'table.csv', 'table.tsv', 'table.csv.gz'])('%s', async (name) => {
    expect(formats[name]).toHaveLength(texts.length);
    expect(formats[name]).toEqual(plain['docs.jsonl']);
  });

  it('a gzip file whose name has no extension is decompressed, by its content', async () => {
    expect(formats['story-part-00001']).toEqual(plain['story.txt']);
  });

  it('the Parquet files have several row groups, dictionary pages and nulls', async () => {
    const { parquetMetadata } = await import(require.resolve('hyparquet'));
    for (const bytes of [pq.hw, pq.pw]) {
      const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      expect(metadata.row_groups.length).toBeGreaterThan(2);
      const chunks = metadata.row_groups.map((group) => group.columns.find((c) => c.meta_data.path_in_schema[0] === 'text').meta_data);
      expect(chunks.every((chunk) => chunk.dictionary_page_offset !== undefined)).toBe(true);
      expect(chunks.reduce((sum, chunk) => sum + Number(chunk.statistics?.null_count ?? 0), 0)).toBe(withNulls.length - texts.length);
    }
  });

  it('--threads 2 and the default (auto: one thread for an input this small) write the same bytes', async () => {
    expect((await runIn(['corpus', 'formats', '-o', 'again.bin', '-q'])).status).toBe(0);
    for (const ext of ['bin', 'idx']) expect(readFileSync(path.join(dir, `again.${ext}`)).equals(readFileSync(path.join(dir, `formats.${ext}`)))).toBe(true);
  });

  it('stdin: JSON lines, zstd-compressed JSON lines and gzip-compressed text', async () => {
    const cases = [
      [jsonl, 'docs.jsonl'],
      [zstd, 'docs.jsonl'],
      [gzipSync(story), 'story.txt'],
    ];
    for (const [input, name] of cases) {
      const run = await runIn(['corpus', '-', '-o', 'stdin.bin', '-q'], { input });
      expect(run.stderr).toBe('');
      expect(documents(readCorpus(path.join(dir, 'stdin')))).toEqual(plain[name]);
    }
  });
});

describe('count and encode read the same inputs', () => {
  const total = texts.reduce((sum, text) => sum + enc.count(text, { disallowedSpecial: [] }), 0);

  it('count counts the --field text of each file of a directory, not its JSON or compressed bytes', async () => {
    const run = await runIn(['count', '--special', 'ordinary', 'formats']);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n').map((line) => line.split('\t'));
    const counts = Object.fromEntries(lines.map(([n, name]) => [path.basename(name), Number(n)]));
    for (const name of ['gzip.jsonl.gz', 'multi.jsonl.gz', 'zstd.jsonl.zst', 'hyparquet-writer.parquet', 'parquet-wasm.parquet', 'table.csv', 'table.tsv', 'table.csv.gz']) {
      expect([name, counts[name]]).toEqual([name, total]);
    }
    expect(counts['story-part-00001']).toBe(enc.count(story.toString('utf8'), { disallowedSpecial: [] }));
  });

  it('encode prints one line of ids per document of a structured file', async () => {
    const run = await runIn(['encode', '--special', 'ordinary', '--format', 'json', 'formats/table.csv']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual(plain['docs.jsonl']);
  });
});

describe('bad inputs fail, name the file and leave no output', () => {
  const bad = path.join(dir, 'bad');
  const out = path.join(dir, 'bad-out');
  beforeAll(() => {
    mkdirSync(bad);
    mkdirSync(out);
    const put = (name, bytes) => writeFileSync(path.join(bad, name), bytes);
    put('truncated.jsonl.zst', zstd.subarray(0, 30000));
    put('truncated.jsonl.gz', gzipSync(jsonl).subarray(0, 20000));
    put('renamed.txt', gzipSync(story));
    put('renamed.jsonl', zstd);
    copyFileSync(path.join(dir, 'formats', 'parquet-wasm.parquet'), path.join(bad, 'docs.parquet'));
    // A zip archive: one stored entry (local header, data, central directory, end record).
    const name = Buffer.from('docs.jsonl');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(jsonl.length, 18);
    local.writeUInt32LE(jsonl.length, 22);
    local.writeUInt16LE(name.length, 26);
    put('docs.zip', Buffer.concat([local, name, jsonl]));
    const next = rng(0xb1);
    put('random.bin.txt', Buffer.from(Array.from({ length: 4096 }, () => Math.floor(next() * 256))));
    put('not.parquet', jsonl.subarray(0, 500));
    put('nocolumn.csv', 'id,body\n1,hello\n');
    put('invalid.csv', Buffer.concat([Buffer.from('text\nok\n"bad '), Buffer.from([0xff]), Buffer.from('"\n')]));
  });

  const cases = [
    ['a truncated .zst', ['bad/truncated.jsonl.zst'], 'bad/truncated.jsonl.zst: corrupt or truncated zstd data'],
    ['a truncated .gz', ['bad/truncated.jsonl.gz'], 'bad/truncated.jsonl.gz: corrupt or truncated gzip data'],
    ['a .gz renamed to .txt', ['bad/renamed.txt'], 'bad/renamed.txt: named as uncompressed text but holds gzip-compressed data; rename it to renamed.txt.gz'],
    ['a .zst renamed to .jsonl', ['bad/renamed.jsonl'], 'bad/renamed.jsonl: named as uncompressed text but holds zstd-compressed data; rename it to renamed.jsonl.zst'],
    ['a Parquet file without the field', ['bad/docs.parquet', '--field', 'body'], 'bad/docs.parquet: no column "body" (columns: "id", "text")'],
    ['a Parquet column that is not text', ['bad/docs.parquet', '--field', 'id'], 'bad/docs.parquet: column "id" is INT32, not a string column'],
    ['a zip archive', ['bad/docs.zip'], 'bad/docs.zip: looks like a zip archive, not text'],
    ['random binary data named .txt', ['bad/random.bin.txt'], 'bad/random.bin.txt: looks like binary data'],
    ['a .parquet file that is not Parquet', ['bad/not.parquet'], 'bad/not.parquet: named Parquet but does not start with PAR1'],
    ['a CSV file without the column', ['bad/nocolumn.csv'], 'bad/nocolumn.csv: no column "text" in the header row (columns: "id", "body")'],
    ['invalid UTF-8 in a CSV file with --invalid=fail', ['bad/invalid.csv', '--invalid', 'fail'], 'bad/invalid.csv: invalid UTF-8 at byte 13'],
  ];

  it.each(cases)('%s', async (_label, args, message) => {
    const run = await runIn(['corpus', '--out', 'bad-out/out.bin', ...args]);
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining(message)]);
    expect(listing(out)).toEqual([]);
  });

  it('count refuses a binary file as corpus does', async () => {
    const run = await runIn(['count', 'bad/docs.zip']);
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('bad/docs.zip: looks like a zip archive')]);
  });

  it('--invalid=replace reads a CSV field\'s ill-formed byte as U+FFFD and warns', async () => {
    const run = await runIn(['corpus', 'bad/invalid.csv', '-o', 'replaced.bin']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('warning: invalid UTF-8 read as U+FFFD in 1 file(s), first bad/invalid.csv at byte 13');
    expect(documents(readCorpus(path.join(dir, 'replaced')))).toEqual([[...enc.encode('ok')], [...enc.encode('bad \ufffd')]]);
  });
});
