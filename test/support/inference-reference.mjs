// Slow, plain versions of the inference helpers (docs/inference.md) for the tests: a scan of the
// whole vocabulary, Hugging Face's merge_all with a linear search for the least entry, the
// generator written with BigInt arithmetic throughout, and brute-force tokenizers of one piece.

/** Every ordinary token of an encoding: { ids: Map(latin1 -> lowest id), list: [id, Buffer][] , maxLength }. */
export function vocabularyScan(enc) {
  const specials = new Set(Object.values(enc.specialTokens));
  const list = [];
  const ids = new Map();
  let maxLength = 0;
  for (let id = 0; id <= enc.maxTokenValue; id++) {
    if (specials.has(id)) continue;
    let bytes;
    try {
      bytes = Buffer.from(enc.tokenBytes(id));
    } catch {
      continue; // an id no token has
    }
    const key = bytes.toString('latin1');
    bytes.latin1 = key;
    list.push([id, bytes]);
    if (!ids.has(key)) ids.set(key, id);
    maxLength = Math.max(maxLength, bytes.length);
  }
  return { ids, list, maxLength };
}

/** The ids whose bytes start with prefix, by testing every token, sorted by (bytes, id). */
export function scanPrefix(scan, prefix) {
  const p = Buffer.from(prefix).toString('latin1');
  scan.memo ??= new Map();
  if (!scan.memo.has(p)) {
    const found = [];
    for (const [id, bytes] of scan.list) if (bytes.latin1.startsWith(p)) found.push([id, bytes]);
    found.sort((x, y) => Buffer.compare(x[1], y[1]) || x[0] - y[0]);
    scan.memo.set(p, found.map(([id]) => id));
  }
  return scan.memo.get(p);
}

/**
 * SplitMix64 then xoshiro128**, as docs/inference.md specifies, in BigInt arithmetic: SplitMix64's
 * k-th output as the mix of seed + k * gamma, and each xoshiro step as the new state computed from
 * the old one word by word (the xor-shift sequence written out), not updated in place.
 */
export function referenceGenerator(seed) {
  const u64 = (x) => BigInt.asUintN(64, x);
  const u32 = (x) => BigInt.asUintN(32, x);
  const splitmixOutput = (k) => {
    const z1 = u64(BigInt(seed) + BigInt(k) * 0x9e3779b97f4a7c15n);
    const z2 = u64((z1 ^ (z1 >> 30n)) * 0xbf58476d1ce4e5b9n);
    const z3 = u64((z2 ^ (z2 >> 27n)) * 0x94d049bb133111ebn);
    return z3 ^ (z3 >> 31n);
  };
  const rotl = (x, k) => u32((x << BigInt(k)) | (x >> BigInt(32 - k)));
  const [first, second] = [splitmixOutput(1), splitmixOutput(2)];
  let [w0, w1, w2, w3] = [u32(first), first >> 32n, u32(second), second >> 32n];
  if (w0 === 0n && w1 === 0n && w2 === 0n && w3 === 0n) w0 = 1n;
  return () => {
    const result = u32(rotl(u32(w1 * 5n), 7) * 9n);
    [w0, w1, w2, w3] = [w0 ^ w3 ^ w1, w1 ^ w2 ^ w0, w2 ^ w0 ^ u32(w1 << 9n), rotl(w3 ^ w1, 11)];
    return Number(result) / 2 ** 32;
  };
}

/**
 * Hugging Face's Word::merge_all on one piece (a Buffer), with a plain array for the queue: the
 * least (rank, pos) entry is found by a scan. ranks: latin1 -> id. random null: no dropout (and
 * tiktoken's whole-piece rule applies).
 */
export function referenceMerge(ids, piece, dropout, random) {
  const s = piece.toString('latin1');
  if (!random && ids.has(s)) return [ids.get(s)];
  // symbols: { start, end } or null when merged away; next/prev by index.
  const sym = [...s].map((_, i) => ({ start: i, end: i + 1, prev: i - 1, next: i + 1 < s.length ? i + 1 : -1, alive: true }));
  const queue = [];
  const pairId = (a, b) => ids.get(s.slice(sym[a].start, sym[b].end));
  for (let i = 0; i + 1 < sym.length; i++) {
    const id = pairId(i, i + 1);
    if (id !== undefined) queue.push({ pos: i, id });
  }
  const skip = [];
  while (queue.length) {
    let m = 0;
    for (let k = 1; k < queue.length; k++) if (queue[k].id < queue[m].id || (queue[k].id === queue[m].id && queue[k].pos < queue[m].pos)) m = k;
    const top = queue.splice(m, 1)[0];
    if (random && random() < dropout) {
      skip.push(top);
      continue;
    }
    queue.push(...skip.splice(0));
    const left = sym[top.pos];
    if (!left.alive || left.next < 0) continue;
    if (pairId(top.pos, left.next) !== top.id) continue;
    const right = sym[left.next];
    right.alive = false;
    left.end = right.end;
    left.next = right.next;
    if (left.next >= 0) sym[left.next].prev = top.pos;
    if (left.prev >= 0) {
      const id = pairId(left.prev, top.pos);
      if (id !== undefined) queue.push({ pos: left.prev, id });
    }
    if (left.next >= 0) {
      const id = pairId(top.pos, left.next);
      if (id !== undefined) queue.push({ pos: top.pos, id });
    }
  }
  return sym.filter((x) => x.alive).map((x) => ids.get(s.slice(x.start, x.end)));
}

/** LBPE by repeated scans: merge the adjacent pair forming the longest token, then lowest id, then leftmost. */
export function referenceLongFirst(ids, piece) {
  const s = piece.toString('latin1');
  if (ids.has(s)) return [ids.get(s)];
  let parts = [...s];
  for (;;) {
    let best = -1;
    for (let i = 0; i + 1 < parts.length; i++) {
      const joined = parts[i] + parts[i + 1];
      if (!ids.has(joined)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const b = parts[best] + parts[best + 1];
      if (joined.length > b.length || (joined.length === b.length && ids.get(joined) < ids.get(b))) best = i;
    }
    if (best < 0) return parts.map((p) => ids.get(p));
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
}

/** Greedy longest prefix, trying every length from the longest down. */
export function referenceLongestPrefix(ids, maxLength, piece) {
  const s = piece.toString('latin1');
  const out = [];
  for (let i = 0; i < s.length; ) {
    let len = Math.min(maxLength, s.length - i);
    while (len > 0 && !ids.has(s.slice(i, i + len))) len--;
    out.push(ids.get(s.slice(i, i + len)));
    i += len;
  }
  return out;
}

/**
 * The fewest tokens by trying every way to spell the piece (memoized over positions): of equally
 * few, the longest first token, then the longest second, and so on.
 */
export function referenceLeastTokens(ids, maxLength, piece) {
  const s = piece.toString('latin1');
  const memo = new Map();
  const best = (i) => {
    if (i === s.length) return [];
    if (memo.has(i)) return memo.get(i);
    let answer = null;
    for (let len = Math.min(maxLength, s.length - i); len >= 1; len--) {
      const id = ids.get(s.slice(i, i + len));
      if (id === undefined) continue;
      const rest = best(i + len);
      if (rest && (!answer || rest.length + 1 < answer.length)) answer = [id, ...rest];
    }
    memo.set(i, answer);
    return answer;
  };
  return best(0);
}

/** The pieces of text by a JavaScript RegExp of the split pattern (only for patterns JavaScript reads as the reference does). */
export function regexPieces(regex, text) {
  return [...text.matchAll(regex)].map((m) => Buffer.from(m[0]));
}
