// The addon's Trainer takes one call at a time: while countAsync counts on libuv's pool, another
// count, learn or countAsync returns the busy status (100) instead of touching the table, chunks()
// reads NaN, and the trainer works as before once the job ends.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');

describe('Trainer while a job runs', () => {
  it('refuses a second call with the busy status', async () => {
    const t = new native.Trainer(1, null, 0, 0, 0);
    const text = Buffer.from('hello world, hello trainer\n'.repeat(20000));
    const ends = Uint32Array.of(text.length);
    const job = t.countAsync(text, ends, 2, true); // last: the threads' tables merged, chunks() distinct
    expect(job).toBeInstanceOf(Promise);
    expect(t.count(text, ends, 1)).toBe(100);
    expect(t.countAsync(text, ends, 1)).toBe(100);
    expect(t.learn(300, 0, 0, false).status).toBe(100);
    expect(Number.isNaN(t.chunks())).toBe(true);
    text.fill(0); // the job counts its own copy
    expect(await job).toBe(0);
    const chunks = t.chunks();
    expect(chunks).toBeGreaterThan(0);
    const learned = await t.learnAsync(260, 0, 0, false);
    expect(learned.status).toBe(0);
    expect(learned.triples.length).toBe(3 * 4);
    expect(t.chunks()).toBe(chunks);
  });
});
