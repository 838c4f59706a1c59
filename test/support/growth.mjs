// How CPU time grows with input size, measured so that a loaded machine barely moves it: a
// quadratic algorithm fails every attempt, a burst of load from other processes rarely fails all.

/** User CPU time of this process, in microseconds, spent in `work()`. */
export function userMicros(work) {
  const start = process.cpuUsage();
  work();
  return process.cpuUsage(start).user;
}

/** User plus system CPU time of this process, in milliseconds, spent in `work()`. */
export function cpuMillis(work) {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The ratio of `large()`'s CPU time to `small()`'s: each the fastest of `runs` calls, the two
 * taking turns so that load on the machine falls on both. If the ratio is at or over `bound`, it
 * is measured again, up to `attempts` times in all, and the smallest ratio is returned.
 *
 * User time only: system time is mostly page faults, and the allocator hands a large input's
 * arrays fresh mapped pages on every call where a small input's come warm from the heap.
 */
export function cpuGrowth(small, large, { bound, runs = 5, attempts = 3 }) {
  let best = Infinity;
  for (let attempt = 0; attempt < attempts && best >= bound; attempt++) {
    let smallMicros = Infinity;
    let largeMicros = Infinity;
    for (let run = 0; run < runs; run++) {
      smallMicros = Math.min(smallMicros, userMicros(small));
      largeMicros = Math.min(largeMicros, userMicros(large));
    }
    best = Math.min(best, largeMicros / Math.max(smallMicros, 1));
  }
  return best;
}
