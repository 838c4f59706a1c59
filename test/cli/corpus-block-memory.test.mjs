// Memory of .jsonl blocks (and Parquet's packed values) is shared with the workers and reused
// once a block's job is written: a reused block must come back empty of views held elsewhere,
// and memory that is not shared, too large, or already spare is never handed out twice.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { blockMemory, reuseBlockMemory, BLOCK_BYTES } = require('../../dist/cjs/cli/corpus-jsonl.js');

describe('block memory', () => {
  it('is shared, and memory handed back is handed out again, once', () => {
    const first = blockMemory(BLOCK_BYTES);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(first.length).toBe(BLOCK_BYTES);
    reuseBlockMemory(first.subarray(10, 20));
    reuseBlockMemory(first); // the same memory twice: kept once
    const again = blockMemory(1000);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(1000);
    const other = blockMemory(BLOCK_BYTES);
    expect(other.buffer).not.toBe(first.buffer);
  });

  it('memory too small for the request, not shared, or over 4 MB is not reused', () => {
    const small = blockMemory(100);
    reuseBlockMemory(small);
    expect(blockMemory(200).buffer).not.toBe(small.buffer);
    expect(blockMemory(50).buffer).toBe(small.buffer);
    const plain = new Uint8Array(BLOCK_BYTES);
    reuseBlockMemory(plain);
    expect(blockMemory(10).buffer).not.toBe(plain.buffer);
    const large = blockMemory(5 << 20);
    reuseBlockMemory(large);
    expect(blockMemory(5 << 20).buffer).not.toBe(large.buffer);
  });
});
