// A counting thread that fails mid-batch (a part that is not UTF-8: the caller's bytes changed
// after the JS check, or were handed to the addon directly) fails the batch: the other threads end
// their parts, the batch tables are not added. The count returns the invalid-text status (2),
// whichever thread and part fail, on 2, 3 and 4 threads, instead of hanging, and the trainer's
// threads still end when it is closed.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');

const line = (k) => `line ${k % 97} of the corpus, words ${k % 13} and ${(k * 7) % 31}\n`;
const lines = [];
for (let k = 0, size = 0; size < 2 << 20; k++) {
  lines.push(line(k));
  size += lines.at(-1).length;
}
const good = Buffer.from(lines.join(''));

// Settles with the count's status, or with 'hung' after 20 s.
const statusOf = (job) => Promise.race([job, new Promise((resolve) => setTimeout(() => resolve('hung'), 20000).unref())]);

describe('a counting thread that fails mid-batch', () => {
  it('the batch fails as invalid text on any thread count, wherever the bad byte is', async () => {
    for (const threads of [2, 3, 4]) {
      for (const at of [0.02, 0.5, 0.97]) {
        const text = Buffer.from(good);
        text[Math.floor(text.length * at)] = 0xff;
        const t = new native.Trainer(1, null, 0, 0, 0);
        expect(await statusOf(t.countAsync(text, Uint32Array.of(text.length), threads, false))).toBe(2);
        t.close();
      }
    }
  }, 60000);

  it('a good batch after a failed trainer counts as usual', async () => {
    const t = new native.Trainer(1, null, 0, 0, 0);
    expect(await statusOf(t.countAsync(good, Uint32Array.of(good.length), 3, true))).toBe(0);
    const one = new native.Trainer(1, null, 0, 0, 0);
    expect(one.count(good, Uint32Array.of(good.length), 1, true)).toBe(0);
    expect(t.chunks()).toBe(one.chunks());
    t.close();
  });
});
