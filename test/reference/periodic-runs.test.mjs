// A long piece that repeats a unit of 2-32 bytes (" \n", one CJK character, an emoji, an emoji ZWJ
// sequence, U+FFFD for ill-formed bytes) is merged on repeated blocks of parts
// (native/core/bpe/bpe_periodic.cpp) instead of part by part. On the four rank files, every unit
// of test/support/periodic-runs.mjs: at lengths of 1-300 code points with the periodic merge
// forced on every piece however short (TURBOTOKEN_BPE=run, in a child process), held to tiktoken;
// and at lengths from 129 bytes to 4,000 the default way (the periodic merge) held to the heap
// merge (TURBOTOKEN_BPE=heap, in a child process), which test/reference/bpe-strategies holds to
// tiktoken (tiktoken takes seconds per text there). The 16 KB worst cases are held to tiktoken by
// differential-adversarial.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runJsonChild } from '../support/json-child.mjs';
import { periodicDigests, periodicTexts } from '../support/periodic-runs.mjs';

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
});
