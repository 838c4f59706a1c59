// The trainer's batch size (src/train.ts) set for one describe block's tests and put back after
// them, so that a small corpus spans many batches and every counting thread gets parts.
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';

const require = createRequire(import.meta.url);
const { setTrainBatchBytesForTests } = require('../../dist/cjs/train.js');

/** Call inside a describe block: its tests train with batches of `bytes`. */
export function useTrainBatchBytes(bytes) {
  let previous;
  beforeAll(() => {
    previous = setTrainBatchBytesForTests(bytes);
  });
  afterAll(() => setTrainBatchBytesForTests(previous));
}
