// What Encoding.load does to load fast (docs/saved-encoding.md, "Reading"): a merges-list model's
// token texts stay packed and are decoded as asked for, a file read from a path is used without a
// copy, and the checksum is zlib's where Node has it. Each must give what the full build gives:
// every token's text and bytes, for a file loaded from a path and from bytes the caller then
// changes, and the same CRC-32 from both checksum routines.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { modelFile } from '../support/models-hf.mjs';
import { rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { crc32, tableCrc32 } = require('../../dist/cjs/saved-encoding.js');

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-saved-load-'));

describe('Encoding.load of a merges-list model (Llama 2)', () => {
  let built;
  let file;
  beforeAll(() => {
    built = Encoding.fromTokenizerJson(modelFile('llama2'));
    file = path.join(dir, 'llama2.ttenc');
    built.save(file);
  });

  it('every id decodes to the same text and bytes as the encoding it was saved from, from a path and from bytes', () => {
    const bytes = new Uint8Array(readFileSync(file));
    const fromBytes = Encoding.load(bytes);
    // The caller's bytes are the caller's: changing them after the load changes nothing.
    bytes.fill(0);
    const fromPath = Encoding.load(file);
    const next = rng(23);
    // In a shuffled order: a text decoded on first use must not depend on which came before.
    const ids = Array.from({ length: built.nVocab }, (_, id) => id);
    for (let k = ids.length - 1; k > 0; k--) {
      const j = Math.floor(next() * (k + 1));
      [ids[k], ids[j]] = [ids[j], ids[k]];
    }
    const mismatches = [];
    for (const loaded of [fromPath, fromBytes]) {
      for (const id of ids) {
        const want = built.decode([id]);
        const wantBytes = Buffer.from(built.decodeBytes([id])).toString('hex');
        if (loaded.decode([id]) !== want || Buffer.from(loaded.decodeBytes([id])).toString('hex') !== wantBytes) mismatches.push(id);
      }
      expect(loaded.decode(ids.slice(0, 2000))).toBe(built.decode(ids.slice(0, 2000)));
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('a file saved from a loaded encoding is the same file', () => {
    const again = path.join(dir, 'llama2-again.ttenc');
    Encoding.load(file).save(again);
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });
});

describe('the saved file checksum', () => {
  it('the table CRC-32 and zlib crc32 agree (the fallback for Node before 20.15)', () => {
    const next = rng(7);
    for (const length of [0, 1, 3, 4, 5, 255, 4096, 100_003]) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(next() * 256));
      const want = typeof zlib.crc32 === 'function' ? zlib.crc32(bytes) : undefined;
      expect(tableCrc32(bytes)).toBe(crc32(bytes));
      if (want !== undefined) expect(tableCrc32(bytes)).toBe(want);
    }
    // The check value of CRC-32/ISO-HDLC.
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
