// `count` of a run of one byte longer than the merge window (256 KiB) takes no ids: it counts on
// the run lengths (native/core/bpe/bpe_run.cpp), or, where a vocabulary's ranks make the run merge
// give up (a longer run token ranked before a shorter one), through the windows without holding
// them. Either way it must equal the length of `encode`, which the strategy tests hold to the
// reference.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { rng } from '../support/random-text.mjs';

function runVocabulary(runRanks) {
  const lines = [];
  for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString('base64')} ${b}`);
  runRanks.forEach((length, k) => lines.push(`${Buffer.from('a'.repeat(length)).toString('base64')} ${256 + k}`));
  return new Encoding({ name: `runs-${runRanks.join('-')}`, ranks: lines.join('\n') + '\n', pattern: PATTERN, specialTokens: {} });
}

// cl100k_base's pattern runs on the native scanner, so the time goes to the merge and the count.
const PATTERN = getEncoding('cl100k_base').patternSource;
const WINDOW = 256 * 1024;
// Past one window and past two; the vocabularies whose run merge gives up merge at about 1 MB/s,
// so they are checked past one window only.
const lengthsFor = (order) => (order[0] === 2 && order[1] === 4 ? [WINDOW + 1, 2 * WINDOW + 5] : [WINDOW + 3]);

describe('count of long byte runs', () => {
  const orders = [
    [2, 4, 8, 16],      // the run merge's usual order
    [3, 2],             // "aaa" before "aa": the run merge gives up
    [4, 2, 3],
  ];
  const next = rng(7);
  for (let k = 0; k < 2; k++) {
    const lengths = [2, 3, 4, 5, 6, 8, 11].filter(() => next() < 0.7);
    orders.push(lengths.sort(() => next() - 0.5));
  }
  for (const order of orders) {
    it(`equals the length of encode with run tokens ranked ${order.join(',')}`, () => {
      const enc = runVocabulary(order);
      for (const n of lengthsFor(order)) {
        const text = 'a'.repeat(n);
        expect(enc.count(text), `${n} bytes`).toBe(enc.encode(text).length);
      }
    });
  }
});
