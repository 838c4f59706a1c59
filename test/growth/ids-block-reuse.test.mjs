// A large encode's ids go to JS in a block the binding allocated; when JS collects the result the
// block comes back for the next large call, which then writes into pages already faulted in instead
// of fresh ones the kernel must zero. Page faults are counted for this process only (getrusage).
// Native only (vitest.config.mjs): WebAssembly results are copied out of its memory.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { backend, getEncoding } from '../../index.mjs';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const faults = () => process.resourceUsage().minorPageFault;
const turn = () => new Promise((resolve) => setTimeout(resolve, 1));

// Faults of the fourth-fewest of `rounds` large encodes, each after `prepare()`: a fresh block
// takes a fault per 4 KB page of its ids (2,344) or, in 2 MB pages, a few plus the 4 KB pages up
// to the block's first 2 MB boundary (26-480 here); a reused one takes none.
async function fourthFewestFaults(rounds, prepare, encode) {
  const perCall = [];
  for (let r = 0; r < rounds; r++) {
    await prepare();
    const before = faults();
    const ids = await encode();
    perCall.push(faults() - before);
    expect(ids.length).toBe(2_400_001);
  }
  return perCall.sort((a, b) => a - b)[3];
}
const idPages = (2_400_001 * 4) / 4096;

describe('a collected result gives its ids block back', () => {
  // 12 MB: 2,400,001 ids. The block reserved is one id per byte, 48 MB: past the 32 MiB up to which
  // malloc keeps freed blocks for reuse by itself, so without the binding's reuse each call maps
  // fresh memory.
  const text = 'word '.repeat(2_400_000);
  text.charCodeAt(text.length >> 1);

  it('the next large encode faults in almost none of its pages', async () => {
    expect(backend).toMatch(/^native-/);
    const enc = getEncoding('cl100k_base');
    expect(enc.encode(text).length).toBe(2_400_001);
    // The block comes back a collection or two after its result is dropped (the runtime frees an
    // external buffer's memory after a later sweep), so the first rounds may still take fresh pages.
    const twoCollections = async () => {
      collectGarbage();
      await turn();
      collectGarbage();
      await turn();
    };
    expect(await fourthFewestFaults(6, twoCollections, () => enc.encode(text))).toBeLessThan(idPages / 100);
  });

  // Node runs an external buffer's finalizer only on a later turn of the event loop; a loop that
  // gives it none (synchronous, or awaiting only promises, as here) gets the block back through
  // the weak reference the binding keeps to each of its latest results.
  it('comes back without a turn of the event loop, a collection after its result is dropped', async () => {
    const enc = getEncoding('cl100k_base');
    expect(await fourthFewestFaults(6, collectGarbage, () => enc.encode(text))).toBeLessThan(idPages / 100);
  });

  it('a result held through another view of its buffer, or its clone, is never written', () => {
    const enc = getEncoding('cl100k_base');
    const other = 'other '.repeat(1_400_000);
    let ids = enc.encode(text);
    const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);  // the ids dropped, their buffer kept
    const expected = Buffer.from(ids.slice().buffer);
    ids = null;
    // A transfer list may not take the memory away from the binding's buffer: Node copies it.
    let cloned = enc.encode(text);
    const clone = structuredClone(cloned, { transfer: [cloned.buffer] });
    expect(cloned.length).toBe(2_400_001);
    cloned = null;
    for (let r = 0; r < 4; r++) {
      collectGarbage();
      expect(enc.encode(other).length).toBe(1_400_001);
    }
    expect(Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), expected)).toBe(0);
    expect(Buffer.compare(Buffer.from(clone.buffer, clone.byteOffset, clone.byteLength), expected)).toBe(0);
  });

  it('comes back to encodeAsync, whose ids are made on a worker thread', async () => {
    const enc = getEncoding('cl100k_base');
    // 8 rounds: the first three or four also fault in the pages of the string's copy, until the
    // spare buffer it goes to (spare_buffer.h) has settled.
    const collection = async () => {
      collectGarbage();
      await turn();
    };
    expect(await fourthFewestFaults(8, collection, () => enc.encodeAsync(text))).toBeLessThan(idPages / 100);
  });

  it('a result still held is never written by a later call', async () => {
    const enc = getEncoding('cl100k_base');
    const held = enc.encode(text);
    const copy = held.slice();
    const other = 'other '.repeat(1_400_000);
    for (let r = 0; r < 3; r++) {
      enc.encode(other);  // dropped at once: its block comes back and is reused
      collectGarbage();
      await turn();
    }
    const again = enc.encode(other);
    const againAsync = await enc.encodeAsync(other);
    expect(Buffer.compare(Buffer.from(held.buffer, held.byteOffset, held.byteLength), Buffer.from(copy.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(againAsync.buffer, againAsync.byteOffset, againAsync.byteLength),
      Buffer.from(again.buffer, again.byteOffset, again.byteLength))).toBe(0);
    expect(again.length).toBe(enc.encode(other).length);
    expect(again[1]).toBe(enc.encode(' other')[0]);
  });
});
