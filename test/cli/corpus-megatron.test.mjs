// turbotoken corpus --format megatron, read back by a reader written here from Megatron-LM's
// documented layout (megatron/core/datasets/indexed_dataset.py, _IndexWriter): the ids, the
// document boundaries and the dtype equal what the turbotoken layout holds for the same inputs,
// with the end-of-document token where tools/preprocess_data.py --append-eod puts it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-in-process.mjs';
import { documents, listing, readCorpus, tempDir } from '../support/cli.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const dir = tempDir('turbotoken-corpus-megatron-');
const runIn = (args) => cli(args, { cwd: dir });

// From the layout: "MMIDIDX\0\0", u64 version, u8 dtype code, u64 sequence count, u64 document
// count (+1), int32 lengths, int64 byte pointers, int64 document indices; .bin = raw ids.
function readMegatron(prefix) {
  const idx = readFileSync(`${prefix}.idx`);
  const bin = readFileSync(`${prefix}.bin`);
  const magic = idx.subarray(0, 9).toString('latin1');
  const version = idx.readBigUInt64LE(9);
  const code = idx.readUInt8(17);
  const sequenceCount = Number(idx.readBigUInt64LE(18));
  const documentCount = Number(idx.readBigUInt64LE(26));
  let at = 34;
  const lengths = [];
  for (let i = 0; i < sequenceCount; i++, at += 4) lengths.push(idx.readInt32LE(at));
  const pointers = [];
  for (let i = 0; i < sequenceCount; i++, at += 8) pointers.push(Number(idx.readBigInt64LE(at)));
  const documentIndices = [];
  for (let i = 0; i < documentCount; i++, at += 8) documentIndices.push(Number(idx.readBigInt64LE(at)));
  const dtype = { 8: 'uint16', 4: 'int32' }[code];
  const size = { uint16: 2, int32: 4 }[dtype];
  const read = (pointer, length) => Array.from({ length }, (_, k) => (size === 2 ? bin.readUInt16LE(pointer + 2 * k) : bin.readInt32LE(pointer + 4 * k)));
  const sequences = lengths.map((length, i) => read(pointers[i], length));
  const docs = documentIndices.slice(0, -1).map((start, d) => sequences.slice(start, documentIndices[d + 1]).flat());
  return { magic, version, code, dtype, lengths, pointers, documentIndices, sequences, docs, idxBytes: idx.length, consumed: at, binBytes: bin.length };
}

beforeAll(() => {
  const next = rng(0x3e6a);
  mkdirSync(path.join(dir, 'docs'), { recursive: true });
  const lines = [...PARAGRAPHS.slice(0, 6), '', ...Array.from({ length: 30 }, (_, i) => (i % 11 === 5 ? '' : randomText(next, 20)))];
  writeFileSync(path.join(dir, 'docs', 'a.jsonl'), lines.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  writeFileSync(path.join(dir, 'docs', 'b.txt'), PARAGRAPHS.join('\n'));
  writeFileSync(path.join(dir, 'docs', 'c-empty.txt'), '');
});

describe('--format megatron', () => {
  for (const [encoding, dtype, code] of [
    ['r50k_base', 'uint16', 8],
    ['cl100k_base', 'int32', 4],
  ]) {
    it(`${encoding}: ${dtype} (code ${code}); the documents are the turbotoken layout's, an empty one without a sequence`, async () => {
      for (const eot of [[], ['--append-eot']]) {
        const tag = `${encoding}${eot.length ? '-eot' : ''}`;
        expect((await runIn(['corpus', 'docs', '-e', encoding, ...eot, '--out', `tt-${tag}.bin`, '-q'])).status).toBe(0);
        const run = await runIn(['corpus', 'docs', '-e', encoding, ...eot, '--format', 'megatron', '--out', `mg-${tag}.bin`, '-q']);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const mg = readMegatron(path.join(dir, `mg-${tag}`));
        expect(mg.magic).toBe('MMIDIDX\0\0');
        expect(mg.version).toBe(1n);
        expect(mg.code).toBe(code);
        expect(mg.consumed).toBe(mg.idxBytes);
        expect(mg.binBytes).toBe(mg.lengths.reduce((a, b) => a + b, 0) * (dtype === 'uint16' ? 2 : 4));
        expect(mg.documentIndices[0]).toBe(0);
        expect(mg.documentIndices.at(-1)).toBe(mg.lengths.length);
        expect(mg.lengths.every((length) => length > 0)).toBe(true);

        const tt = documents(readCorpus(path.join(dir, `tt-${tag}`)));
        const eotId = encoding === 'r50k_base' ? 50256 : 100257;
        // preprocess_data.py: an <eod> after each document that has tokens; none for an empty one.
        const want = tt.map((doc) => (eot.length && doc.length === 1 && doc[0] === eotId ? [] : doc));
        expect(mg.docs).toEqual(want);
        expect(want.filter((doc) => doc.length === 0).length).toBeGreaterThanOrEqual(3);
        if (eot.length) for (const doc of mg.docs.filter((d) => d.length)) expect(doc.at(-1)).toBe(eotId);
        const header = JSON.parse(readFileSync(path.join(dir, `mg-${tag}.json`), 'utf8'));
        expect(header).toMatchObject({ layout: 'megatron', dtype, documents: want.length, sequences: mg.lengths.length, encoding });
      }
    });
  }

  it('--output-prefix names the files as preprocess_data.py does (PREFIX_FIELD_document)', async () => {
    mkdirSync(path.join(dir, 'named'), { recursive: true });
    expect((await runIn(['corpus', 'docs', '--format', 'megatron', '--output-prefix', 'named/wiki', '--field', 'text', '-q'])).status).toBe(0);
    expect(listing(path.join(dir, 'named'))).toEqual(['wiki_text_document.bin', 'wiki_text_document.idx', 'wiki_text_document.json']);
    expect(readMegatron(path.join(dir, 'named', 'wiki_text_document')).docs.length).toBe(38);
    const both = await runIn(['corpus', 'docs', '--output-prefix', 'named/x', '--out', 'x.bin']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--out and --output-prefix');
  });

  it('refuses an encoding whose ids int32 cannot hold, writing nothing', async () => {
    const { tokenizerJsonFor } = await import('../../scripts/tiktoken-to-tokenizer-json.mjs');
    const { getEncoding } = await import('../../index.mjs');
    const json = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 300 });
    json.added_tokens = [{ id: 2 ** 31, content: '<|huge|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
    mkdirSync(path.join(dir, 'huge'), { recursive: true });
    writeFileSync(path.join(dir, 'huge', 'tokenizer.json'), JSON.stringify(json));
    const check = await runIn(['count', '--tokenizer', 'huge/tokenizer.json', 'docs/b.txt']);
    expect(check.stderr).toBe('');
    const run = await runIn(['corpus', 'docs', '--tokenizer', 'huge/tokenizer.json', '--format', 'megatron', '--out', 'huge/out.bin']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('past int32');
    expect(listing(path.join(dir, 'huge'))).toEqual(['tokenizer.json']);
  });
});
