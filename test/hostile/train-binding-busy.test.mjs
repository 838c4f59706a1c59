// The addon's Trainer queues two countAsync jobs at once and counts them in the order they were
// called, each from its own copy of its batch, the second starting as the first ends; any other
// call while a job is queued (a third countAsync, count, learn) returns the busy status (100)
// instead of touching the table, chunks() reads NaN, and the trainer works as before once the jobs
// end. Each job's progress array gets the distinct chunks held right after its own batch.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');

// Two batches with no word in common, so that the chunks after the first differ from those after both.
const first = Buffer.from('hello world, hello trainer\n'.repeat(20000));
const second = Buffer.from(Array.from({ length: 20000 }, (_, k) => `zq${k % 4001} xv${k % 577}\n`).join(''));

describe('Trainer while jobs run', () => {
  it('queues two counts, refuses a third call with the busy status', async () => {
    const t = new native.Trainer(1, null, 0, 0, 0);
    const p1 = new Float64Array(1);
    const p2 = new Float64Array(1);
    const a = Buffer.from(first);
    const b = Buffer.from(second);
    const job1 = t.countAsync(a, Uint32Array.of(a.length), 2, false, false, p1);
    const job2 = t.countAsync(b, Uint32Array.of(b.length), 2, true, false, p2); // last: the threads end after it
    expect(job1).toBeInstanceOf(Promise);
    expect(job2).toBeInstanceOf(Promise);
    expect(t.countAsync(a, Uint32Array.of(a.length), 1)).toBe(100);
    expect(t.count(a, Uint32Array.of(a.length), 1)).toBe(100);
    expect(t.learn(300, 0, 0, false).status).toBe(100);
    expect(Number.isNaN(t.chunks())).toBe(true);
    a.fill(0); // each job counts its own copy
    b.fill(0);
    expect(await job1).toBe(0);
    expect(await job2).toBe(0);

    const one = new native.Trainer(1, null, 0, 0, 0);
    expect(one.count(first, Uint32Array.of(first.length), 1, false)).toBe(0);
    const afterFirst = one.chunks();
    expect(one.count(second, Uint32Array.of(second.length), 1, true)).toBe(0);
    expect(afterFirst).toBeLessThan(one.chunks());
    expect(p1[0]).toBe(afterFirst);
    expect(p2[0]).toBe(one.chunks());
    const chunks = t.chunks();
    expect(chunks).toBe(one.chunks());

    const learned = await t.learnAsync(260, 0, 0, false);
    expect(learned.status).toBe(0);
    expect(learned.triples).toEqual(one.learn(260, 0, 0, false).triples);
    expect(t.chunks()).toBe(chunks);
  });

  it('a failed count fails the count queued behind it too', async () => {
    const t = new native.Trainer(1, null, 0, 0, 0);
    const bad = Buffer.from(first);
    bad[bad.length >> 1] = 0xff;
    const job1 = t.countAsync(bad, Uint32Array.of(bad.length), 2, false);
    const job2 = t.countAsync(second, Uint32Array.of(second.length), 2, true);
    expect(await job1).toBe(2);
    expect(await job2).toBe(2);
    t.close();
  });
});
