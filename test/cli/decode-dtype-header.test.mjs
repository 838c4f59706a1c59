// decode takes the width of a .bin's ids from the header beside it (a corpus NAME.json, or a
// Megatron-LM NAME.idx, written here from Megatron's documented layout) and refuses a --dtype
// that contradicts it, instead of printing garbage.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { tempDir } from '../support/cli.mjs';

const dir = tempDir();
const runIn = (args) => cli(args, { cwd: dir });
const texts = ['The first document.', 'Le deuxième, with ünïcode ✓', 'third'];

// megatron/core/datasets/indexed_dataset.py: "MMIDIDX\0\0", u64 version 1, u8 dtype code,
// u64 sequence count, u64 document count + 1, int32 lengths, int64 byte pointers, int64 document indices.
function writeMegatron(base, docs, code, width) {
  const lengths = Int32Array.from(docs, (d) => d.length);
  const pointers = new BigInt64Array(docs.length);
  for (let i = 1; i < docs.length; i++) pointers[i] = pointers[i - 1] + BigInt(lengths[i - 1] * width);
  const head = Buffer.alloc(34);
  head.write('MMIDIDX\0\0', 'latin1');
  head.writeBigUInt64LE(1n, 9);
  head[17] = code;
  head.writeBigUInt64LE(BigInt(docs.length), 18);
  head.writeBigUInt64LE(BigInt(docs.length + 1), 26);
  const indices = BigInt64Array.from({ length: docs.length + 1 }, (_, i) => BigInt(i));
  writeFileSync(path.join(dir, `${base}.idx`), Buffer.concat([head, Buffer.from(lengths.buffer), Buffer.from(pointers.buffer), Buffer.from(indices.buffer)]));
  const ids = docs.flat();
  const bin = width === 2 ? Buffer.from(Uint16Array.from(ids).buffer) : Buffer.from(Int32Array.from(ids).buffer);
  writeFileSync(path.join(dir, `${base}.bin`), bin);
  return bin;
}

describe('a turbotoken corpus header', () => {
  it('gives the dtype when none is asked, and a contradicting --dtype is refused', async () => {
    writeFileSync(path.join(dir, 'doc.txt'), texts.join('\n'));
    for (const [encoding, dtype, other] of [['r50k_base', 'uint16', 'uint32'], ['o200k_base', 'uint32', 'uint16']]) {
      expect((await runIn(['corpus', 'doc.txt', '-e', encoding, '-o', `${encoding}.bin`, '-q'])).status).toBe(0);
      expect((await runIn(['decode', '-e', encoding, `${encoding}.bin`])).stdout).toBe(texts.join('\n'));
      expect((await runIn(['decode', '-e', encoding, '--dtype', dtype, `${encoding}.bin`])).stdout).toBe(texts.join('\n'));
      for (const wrong of [other, 'text']) {
        const run = await runIn(['decode', '-e', encoding, '--dtype', wrong, `${encoding}.bin`]);
        expect([run.status, run.stdout, run.stderr]).toEqual([1, '', expect.stringContaining(`${encoding}.bin: --dtype ${wrong} contradicts ${encoding}.json (its corpus header says ${dtype})`)]);
      }
    }
  });
});

describe('a Megatron .idx', () => {
  const cases = [['r50k_base', 8, 2, 'uint16', 'uint32'], ['o200k_base', 4, 4, 'uint32', 'uint16']];
  it.each(cases)('%s (dtype code %i): read by its header, a contradicting --dtype refused', async (encoding, code, width, dtype, other) => {
    const enc = getEncoding(encoding);
    const base = `megatron-${code}`;
    writeMegatron(base, texts.map((t) => [...enc.encode(t)]), code, width);
    expect((await runIn(['decode', '-e', encoding, `${base}.bin`])).stdout).toBe(texts.join(''));
    const run = await runIn(['decode', '-e', encoding, '--dtype', other, `${base}.bin`]);
    expect([run.status, run.stdout, run.stderr]).toEqual([1, '', expect.stringContaining(`${base}.bin: --dtype ${other} contradicts ${base}.idx (its Megatron index says ${dtype})`)]);
  });

  it('refuses a .bin whose size the index contradicts, and a dtype decode cannot read', async () => {
    const bin = writeMegatron('short', [[1, 2, 3], [4, 5]], 8, 2);
    writeFileSync(path.join(dir, 'short.bin'), bin.subarray(0, 6));
    const short = await runIn(['decode', '-e', 'r50k_base', 'short.bin']);
    expect([short.status, short.stderr]).toEqual([1, expect.stringContaining('short.bin: 6 bytes, but short.idx says 10')]);
    writeMegatron('float', [[1, 2]], 6, 2);
    const float = await runIn(['decode', '-e', 'r50k_base', 'float.bin']);
    expect([float.status, float.stderr]).toEqual([1, expect.stringContaining('float.idx: Megatron dtype code 6 (float64)')]);
  });
});
