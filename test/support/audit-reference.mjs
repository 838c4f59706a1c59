// audit() by brute force over every id (docs/analysis.md's definitions, written out plainly):
// tokenBytes of each id, a strict UTF-8 decode that keeps a leading U+FEFF, and one encode() of
// each token's text as ordinary text.
export function auditByBruteForce(enc) {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const special = new Map(Object.entries(enc.specialTokens).map(([text, id]) => [id, text]));
  const out = { unreachable: [], partialUtf8: [], holes: [], ordinaryTokens: 0 };
  const byBytes = new Map();
  // fn()'s value, or `failed` when it throws.
  const orElse = (fn, failed) => {
    try {
      return fn();
    } catch {
      return failed;
    }
  };
  for (let id = 0; id <= enc.maxTokenValue; id++) {
    const bytes = orElse(() => enc.tokenBytes(id), null);
    if (bytes === null) {
      out.holes.push(id);
      continue;
    }
    const key = Buffer.from(bytes).toString('hex');
    byBytes.set(key, [...(byBytes.get(key) ?? []), id]);
    if (special.has(id)) continue;
    out.ordinaryTokens++;
    const text = orElse(() => strict.decode(bytes), null);
    if (text === null) {
      out.partialUtf8.push(id);
      continue;
    }
    const ids = [...enc.encode(text, { disallowedSpecial: [] })];
    if (ids.length !== 1 || ids[0] !== id) out.unreachable.push({ id, text, encodesTo: ids });
  }
  out.duplicates = [...byBytes].filter(([, ids]) => ids.length > 1).map(([bytes, ids]) => ({ bytes, ids }));
  out.specialTokens = [...special].map(([id, text]) => ({ id, text })).sort((a, b) => a.id - b.id);
  return out;
}

/** Asserts that audit's result `a` is the brute force's `b`, field by field. */
export function expectSameAudit(expect, enc, a, b) {
  expect(a.encoding).toBe(enc.name);
  expect(a.nVocab).toBe(enc.nVocab);
  expect(a.ordinaryTokens).toBe(b.ordinaryTokens);
  expect(a.unreachable).toEqual(b.unreachable);
  expect(a.partialUtf8).toEqual(b.partialUtf8);
  expect(a.specialTokens).toEqual(b.specialTokens);
  expect(a.holes.flatMap(([x, y]) => Array.from({ length: y - x + 1 }, (_, k) => x + k))).toEqual(b.holes);
  expect(a.holeCount).toBe(b.holes.length);
  expect(a.duplicates).toEqual(b.duplicates);
}

/**
 * The unreachable and partial-UTF-8 tokens of a large vocabulary, found as the brute force finds
 * them but with one encodeBatch of every token's text instead of one encode per token: for
 * o200k_base, where 200k separate calls take too long for a test.
 */
export function unreachableByBatch(enc) {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const special = new Set(Object.values(enc.specialTokens));
  const partialUtf8 = [];
  const ids = [];
  const texts = [];
  for (let id = 0; id <= enc.maxTokenValue; id++) {
    if (special.has(id)) continue;
    let bytes;
    try {
      bytes = enc.tokenBytes(id);
    } catch {
      continue;
    }
    try {
      texts.push(strict.decode(bytes));
      ids.push(id);
    } catch {
      partialUtf8.push(id);
    }
  }
  const { tokens, offsets } = enc.encodeBatch(texts, { disallowedSpecial: [] });
  const unreachable = [];
  for (let k = 0; k < texts.length; k++) {
    const got = [...tokens.subarray(offsets[k], offsets[k + 1])];
    if (got.length !== 1 || got[0] !== ids[k]) unreachable.push({ id: ids[k], text: texts[k], encodesTo: got });
  }
  return { unreachable, partialUtf8 };
}
