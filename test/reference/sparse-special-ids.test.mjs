// Token ids far from the vocabulary cost memory by the number of tokens, not by the largest id
// (issue 21, item 5). Special-token ids had a direct table from the vocabulary's end to the
// largest id (4 bytes per id value: 16 GB for the id 2^32 - 2), and the rank tables were sized by
// the largest rank (a 3-token .tiktoken with rank 2^24 - 1 took 688 MB). Special ids go up to
// 2^32 - 2 and ranks up to 2^24 - 1 (docs/api.md). Each case runs in a child process, which
// reports its resident-memory growth.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));

const CHILD = `
const t = require(${JSON.stringify(entry)});
const pattern = t.getEncoding('gpt2').patternSource;
const before = process.memoryUsage().rss;
const out = {};
if (process.argv[1] === 'special') {
  const specialTokens = { '<far>': 2 ** 32 - 2, '<billion>': 1e9, '<mid>': 2 ** 31, '<near>': 3, '<gap>': 5000 };
  const enc = new t.Encoding({ name: 'far', pattern, ranks: 'YQ== 0\\nYg== 1\\nYWI= 2\\n', specialTokens });
  const ids = enc.encode('ab<far>a<billion><mid>b<near><gap>', { allowedSpecial: 'all' });
  out.ids = Array.from(ids);
  out.text = enc.decode(ids);
  out.single = Object.keys(specialTokens).map((s) => enc.encodeSingleToken(s));
  out.max = enc.maxTokenValue;
  let refused;
  try { enc.decode([2 ** 32 - 3]); } catch (e) { refused = e.code; }
  out.refused = refused;
} else {
  const enc = new t.Encoding({ name: 'sparse', pattern, ranks: 'YQ== 0\\nYg== 1\\nYWI= 16777215\\n' });
  const ids = enc.encode('abab');
  out.ids = Array.from(ids);
  out.text = enc.decode(ids);
  out.max = enc.maxTokenValue;
}
out.growthMB = (process.memoryUsage().rss - before) / 2 ** 20;
process.stdout.write(JSON.stringify(out));
`;

function child(which) {
  return JSON.parse(execFileSync(process.execPath, ['-e', CHILD, which], { encoding: 'utf8' }));
}

it('special-token ids up to 2^32 - 2 encode, decode and cost memory by their number', () => {
  const out = child('special');
  expect(out.ids).toEqual([2, 4294967294, 0, 1e9, 2 ** 31, 1, 3, 5000]);
  expect(out.text).toBe('ab<far>a<billion><mid>b<near><gap>');
  expect(out.single).toEqual([4294967294, 1e9, 2 ** 31, 3, 5000]);
  expect(out.max).toBe(4294967294);
  expect(out.refused).toBe('ERR_INVALID_TOKEN_ID');
  expect(out.growthMB).toBeLessThan(64);
});

it('a vocabulary whose largest rank is 2^24 - 1 costs its rank arrays, not a table per rank', () => {
  const out = child('rank');
  expect(out.ids).toEqual([16777215, 16777215]);
  expect(out.text).toBe('abab');
  expect(out.max).toBe(16777215);
  // Rank tables follow the tokens too (reference/sparse-ranks.test.mjs holds them to a few MB).
  expect(out.growthMB).toBeLessThan(64);
});
