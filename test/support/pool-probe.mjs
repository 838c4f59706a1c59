// For the corpus command's encoder pool tests (src/cli/pool.ts): an encoding that counts the
// encode() calls made on this thread (workers load their own copy, so a job a worker encodes is
// not counted), and a wait until the pool's worker takes jobs.

/** `enc` behind a Proxy that counts its encode() calls in `calls.n`. */
export function counted(enc) {
  const calls = { n: 0 };
  const encoding = new Proxy(enc, {
    get(target, key) {
      if (key === 'encode') return (...args) => (calls.n++, target.encode(...args));
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { encoding, calls };
}

/** Small jobs, one at a time, until one is not encoded on this thread: the worker is ready. */
export async function untilWorkerReady(pool, calls) {
  for (let i = 0; i < 2000; i++) {
    const before = calls.n;
    await pool.submit([`probe ${i}`]);
    if (calls.n === before) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the worker never became ready');
}
