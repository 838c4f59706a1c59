// Inputs in a SharedArrayBuffer that another thread changes during the call (issue 21, item 2).
// The native binding read such memory more than once: decodeBytes summed the token lengths, then
// copied the bytes of ids it read again (a heap overflow once they had changed), and encode checked
// UTF-8 once and then scanned bytes it no longer checked (ids 4294967295 came out). Shared memory
// is now read once, into a copy, on every entry point; the WebAssembly backend copies every input
// into its own memory. Each case runs a bounded number of calls against a worker that flips the
// buffer's contents as fast as it can, and checks what came out against what could come out.
import { afterEach, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { flipper } from '../support/flipper.mjs';

const enc = getEncoding('cl100k_base');
const LAST_RANK = 100255; // cl100k_base's ranks are 0..100255, every one a token


let running;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

// The bytes of ids that are each 0 ('!') or 58040 (128 spaces), in order: the token count that a
// parse of the bytes finds must be the number of ids, and no other byte may appear.
function tokensIn(bytes) {
  let n = 0;
  for (let k = 0; k < bytes.length; ) {
    if (bytes[k] === 0x21) {
      k++;
    } else {
      for (let j = 0; j < 128; j++) if (bytes[k + j] !== 0x20) return -1;
      k += 128;
    }
    n++;
  }
  return n;
}

describe('a SharedArrayBuffer changed by another thread during the call', () => {
  it('decodeBytes, decode and decodeAsync see one state of each id', async () => {
    const ids = new Uint32Array(new SharedArrayBuffer(4 * 4096));
    running = flipper(ids, [[0], [58040]]);
    await running.started;
    for (let round = 0; round < 300; round++) {
      expect(tokensIn(enc.decodeBytes(ids))).toBe(ids.length);
      expect(tokensIn(Buffer.from(enc.decode(ids), 'latin1'))).toBe(ids.length);
    }
    const texts = await Promise.all(Array.from({ length: 50 }, () => enc.decodeAsync(ids)));
    for (const text of texts) expect(tokensIn(Buffer.from(text, 'latin1'))).toBe(ids.length);
  });

  it('encode, count, encodeAsync and encodeBatch give only tokens of the encoding', async () => {
    // Letters, then 4-, 2- and 3-byte characters, spaces and digits: a scan that trusts an earlier
    // UTF-8 check meets a character cut where the check saw a whole one (before the fix about 1
    // call in 500 gave the id 4294967295).
    const text = new Uint8Array(new SharedArrayBuffer(512));
    running = flipper(text, [[0x61], [0xf0, 0x9f, 0x98, 0x80], [0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0x20], [0x31]]);
    await running.started;
    const seen = [];
    for (let round = 0; round < 15000; round++) seen.push(enc.encode(text));
    for (let round = 0; round < 200; round++) {
      seen.push(enc.encodeBatch([text, text]).tokens);
      expect(enc.count(text)).toBeGreaterThan(0);
    }
    seen.push(...(await Promise.all(Array.from({ length: 50 }, () => enc.encodeAsync(text)))));
    let max = 0;
    for (const ids of seen) for (const id of ids) max = Math.max(max, id);
    expect(max).toBeLessThanOrEqual(LAST_RANK);
  });
});
