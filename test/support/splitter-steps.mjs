// The reference for a Sequence of split steps (native/core/regex/splitter.cpp): the steps run one
// by one, every piece a text of its own for a one-step splitter, against the Sequence in one call.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createSplitter } = require('../../dist/cjs/pattern-matcher.js');

// One splitter per step object, for every text it is run on: building a splitter costs more than
// splitting a text.
const oneStep = new WeakMap();
function splitterOf(step) {
  let one = oneStep.get(step);
  if (!one) oneStep.set(step, (one = createSplitter([step])));
  return one;
}

/** The steps run one by one, every piece a text of its own for a one-step splitter. */
export function stepByStep(steps, bytes) {
  let pieces = bytes.length ? [0, bytes.length] : [];
  for (const step of steps) {
    const one = splitterOf(step);
    const next = [];
    for (let k = 0; k < pieces.length; k += 2) {
      const ranges = one.split(bytes.subarray(pieces[k], pieces[k + 1]));
      for (let r = 0; r < ranges.length; r += 2) next.push(pieces[k] + ranges[r], pieces[k] + ranges[r + 1]);
    }
    pieces = next;
  }
  return pieces;
}

/** The texts where the Sequence in one call and stepByStep differ, with the first pieces of each. */
export function compareWithSteps(steps, all) {
  const splitter = createSplitter(steps);
  const bad = [];
  for (const bytes of all) {
    const ours = [...splitter.split(bytes)];
    const want = stepByStep(steps, bytes);
    if (ours.length !== want.length || ours.some((v, k) => v !== want[k])) bad.push({ text: bytes.toString('utf8').slice(0, 60), ours: ours.slice(0, 12), want: want.slice(0, 12) });
  }
  return bad;
}
