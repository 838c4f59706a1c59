// A synthetic vocabulary with 64 KiB tokens, and an independent BPE to hold it to: tiktoken's own
// merge is quadratic in a piece's length, too slow on pieces of 64 KiB and more.
import { rng } from './random-text.mjs';

export const LONGEST = 1 << 16;

/**
 * The 256 bytes; "a" repeated 2^k times (k = 1..16); "ab" repeated 2^k times (k = 0..15); and the
 * aligned blocks of 2^k bytes (k = 1..16) of R, 64 KiB of seeded random letters, level by level.
 * Returns [bytes, rank] pairs and the three 64 KiB tokens.
 */
export function longTokenVocabulary() {
  const entries = [];
  const seen = new Set();
  const add = (bytes) => {
    const key = Buffer.from(bytes).toString('latin1');
    if (seen.has(key)) return;
    seen.add(key);
    entries.push([Uint8Array.from(bytes), entries.length]);
  };
  for (let b = 0; b < 256; b++) add([b]);
  for (let k = 1; k <= 16; k++) add(Buffer.alloc(1 << k, 'a'));
  for (let k = 0; k <= 15; k++) add(Buffer.from('ab'.repeat(1 << k), 'latin1'));
  const next = rng(0x64b10c);
  const r = Buffer.alloc(LONGEST);
  for (let i = 0; i < LONGEST; i++) r[i] = 0x63 + Math.floor(next() * 20); // c..v: no a or b
  // Level by level, each aligned block of R pairs with its neighbour into the next level's.
  for (let k = 1; k <= 16; k++) for (let i = 0; i < LONGEST; i += 1 << k) add(r.subarray(i, i + (1 << k)));
  return { entries, runToken: Buffer.alloc(LONGEST, 'a'), pairToken: Buffer.from('ab'.repeat(LONGEST / 2), 'latin1'), randomToken: r };
}

/** tiktoken's merge definition, with a heap: the ranks of BPE(piece) for Map<latin1 string, rank>. */
export function referenceBpe(ranks, piece) {
  const text = Buffer.from(piece).toString('latin1');
  const whole = ranks.get(text);
  if (whole !== undefined) return [whole];
  const n = text.length;
  const end = new Int32Array(n);
  const prev = new Int32Array(n);
  const pair = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    end[k] = k + 1;
    prev[k] = k - 1;
  }
  const rankOf = (from, to) => ranks.get(text.slice(from, to)) ?? Infinity;
  const heap = [];
  const less = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (item) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const update = (k) => {
    pair[k] = end[k] < n ? rankOf(k, end[end[k]]) : Infinity;
    if (pair[k] !== Infinity) push([pair[k], k]);
  };
  for (let k = 0; k < n; k++) update(k);
  while (heap.length) {
    const [rank, k] = pop();
    if (end[k] === 0 || pair[k] !== rank) continue; // merged away, or its pair changed since
    const right = end[k];
    end[k] = end[right];
    end[right] = 0;
    if (end[k] < n) prev[end[k]] = k;
    update(k);
    if (k > 0) update(prev[k]);
  }
  const out = [];
  for (let k = 0; k < n; k = end[k]) out.push(ranks.get(text.slice(k, end[k])));
  return out;
}
