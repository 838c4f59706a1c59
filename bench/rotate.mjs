// Timing several functions fairly on a host whose speed drifts: each round runs every function
// once, in an order that rotates from round to round, so that a slow minute slows them alike; a
// garbage collection before each call, outside the timing, keeps one function's garbage out of
// the next one's time. Shared by bench/decode.mjs, bench/count.mjs and bench/peers/quicktok.mjs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc');

/** The middle value (the upper one of the two middle values for an even count). */
export function median(values) {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/** For each function, the median and best of `runs` timed calls, in milliseconds of `now()` (wall time unless given). */
export function timeRotating(fns, runs, now = () => performance.now()) {
  const ms = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (k + r) % fns.length;
      collectGarbage();
      const start = now();
      fns[i]();
      ms[i].push(now() - start);
    }
  }
  return ms.map((m) => ({ median: median(m), best: Math.min(...m) }));
}
