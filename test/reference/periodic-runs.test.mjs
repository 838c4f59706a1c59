// A long piece that repeats a unit of 2-32 bytes (" \n", one CJK character, an emoji, an emoji ZWJ
// sequence, U+FFFD for ill-formed bytes) is merged on repeated blocks of parts
// (native/core/bpe/bpe_periodic.cpp) instead of part by part. On the four rank files, every unit
// of test/support/periodic-runs.mjs: at lengths of 1-300 code points with the periodic merge
// forced on every piece however short (TURBOTOKEN_BPE=run, in a child process), held to tiktoken;
// and at lengths from 129 bytes to 4,000 the default way (the periodic merge) held to the heap
// merge (TURBOTOKEN_BPE=heap, in a child process), which test/reference/bpe-strategies holds to
// tiktoken (tiktoken takes seconds per text there). The 16 KB worst cases are held to tiktoken by
// differential-adversarial. On the shipped vocabularies no pass ever makes a pair ranked below it;
// random vocabularies (random ranks over 'abc') do, and there the periodic merge must give the
// piece to the tree merge: held to tiktoken built from the same ranks.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { runJsonChild } from '../support/json-child.mjs';
import { periodicDigests, periodicText, periodicTexts } from '../support/periodic-runs.mjs';
import { rng } from '../support/random-text.mjs';

const RANK_FILES = ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'];
const script = fileURLToPath(new URL('../support/periodic-runs.mjs', import.meta.url));

describe('pieces that repeat a short unit', () => {
  it('match tiktoken at lengths of 1-300 code points, the periodic merge on every piece', () => {
    const result = runJsonChild(script, [RANK_FILES.join(','), 'short'], { TURBOTOKEN_BPE: 'run' });
    expect(result.checked).toBe(RANK_FILES.length * periodicTexts('short').length);
    expect(result.mismatches).toEqual([]);
  }, 60_000);

  it('match the heap merge from 129 bytes to 4,000', () => {
    const heap = runJsonChild(script, [RANK_FILES.join(','), 'long'], { TURBOTOKEN_BPE: 'heap' });
    const ours = periodicDigests(RANK_FILES);
    expect(ours.length).toBe(RANK_FILES.length * periodicTexts('long').length);
    const differ = ours.flatMap((digest, k) => (digest === heap[k] ? [] : [k]));
    expect(differ).toEqual([]);
  }, 60_000);

  it('match tiktoken on random vocabularies, where passes make lower pairs', () => {
    const PATTERN = String.raw`[a-c]+|[^a-c]+`;  // one piece per run of a-c (the RegExp path)
    const next = rng(0x9e71);
    const failures = [];
    let pieces = 0;
    for (let v = 0; v < 30 && failures.length < 3; v++) {
      const tokens = new Set(Array.from({ length: 256 }, (_, b) => String.fromCharCode(b)));
      const extra = 10 + Math.floor(next() * 60);
      while (tokens.size < 256 + extra) {
        let t = '';
        for (let k = 2 + Math.floor(next() * 6); k > 0; k--) t += 'abc'[Math.floor(next() * 3)];
        tokens.add(t);
      }
      const list = [...tokens];
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      const ranks = tiktokenText(list.map((t, rank) => [rank, Buffer.from(t, 'latin1')]));
      const ours = new Encoding({ name: `periodic_random_${v}`, pattern: PATTERN, ranks });
      const ref = referenceFor(ranks, {}, PATTERN);
      for (let p = 0; p < 20; p++) {
        let unit = '';
        for (let k = 2 + Math.floor(next() * 5); k > 0; k--) unit += 'abc'[Math.floor(next() * 3)];
        const text = periodicText(unit, 129 + Math.floor(next() * 600));
        pieces++;
        const a = [...ours.encode(text)];
        const b = [...ref.encode(text)];
        if (a.join() !== b.join()) failures.push({ vocabulary: v, unit, length: text.length, ours: a.slice(0, 12), tiktoken: b.slice(0, 12) });
      }
    }
    expect(pieces).toBe(600);
    expect(failures).toEqual([]);
  }, 60_000);

  it('count a piece over one merge window (256 KiB) as encode does, on the segments', () => {
    const differ = [];
    for (const name of ['cl100k_base', 'o200k_base']) {
      const enc = getEncoding(name);
      for (const unit of [' \n', '中', '😀', '👨‍👩‍👧', '\ufffd', '👨‍👩‍👧‍👦']) {
        const text = periodicText(unit, Math.ceil((300 << 10) / Buffer.byteLength(unit)) * [...unit].length + 1);
        const count = enc.countTokens(text);
        const length = enc.encode(text).length;
        if (count !== length) differ.push({ name, unit, count, length });
      }
    }
    expect(differ).toEqual([]);
  });
});
