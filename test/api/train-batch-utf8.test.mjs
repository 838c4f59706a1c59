// Byte documents that start a character are checked to be UTF-8 with their whole batch, not one
// by one; a batch that fails is checked document by document and the ill-formed ones repaired.
// Whatever the batching, a document trains as if repaired on its own: a character split over two
// documents (each half is ill-formed), a document that ends inside a character followed by ASCII,
// one that starts with a continuation byte, and a last document cut inside a character.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';

const euro = Buffer.from('€'); // E2 82 AC
const words = ['alpha beta', 'gamma delta', 'beta alpha gamma', 'delta delta'];
const docs = [];
// Each case 100 documents (about 3 KB) from the next, so that most batches of 2 KB hold one case
// alone: a batch holding two would be repaired document by document whatever the first holds.
for (let k = 0; k < 4000; k++) {
  docs.push(Buffer.from(`${words[k % 4]} ${k % 7} ${words[(k * 3) % 4]}\n`));
  if (k % 400 === 10) docs.push(Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)]), Buffer.concat([euro.subarray(2), Buffer.from(' tail')]));
  if (k % 400 === 110) docs.push(Buffer.concat([Buffer.from('cut '), euro.subarray(0, 1)]), Buffer.from('ascii after'));
  if (k % 400 === 210) docs.push(Buffer.concat([euro.subarray(1), Buffer.from(' starts badly')]));
  if (k % 400 === 310) docs.push(Buffer.from('fine € here'));
}
docs.push(Buffer.concat([Buffer.from('last '), euro.subarray(0, 2)]));
// Each document repaired alone, as a string.
const repaired = docs.map((d) => d.toString('utf8'));

const summary = (r) => ({ merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks });

describe('UTF-8 checked per batch', () => {
  useTrainBatchBytes(2048);

  it('the ill-formed documents span several batches', () => {
    const bytes = docs.reduce((n, d) => n + d.length, 0);
    expect(bytes).toBeGreaterThan(40 * 2048);
    expect(repaired.filter((d) => d.includes('\uFFFD')).length).toBeGreaterThanOrEqual(4 * 10);
  });

  it('train and trainAsync count each document as if repaired alone', async () => {
    const options = { vocabSize: 300, chunking: 'documents', tieBreak: 'bytes' };
    const expected = summary(train(repaired, options));
    expect(expected.merges.length).toBeGreaterThan(3 * 20);
    expect(summary(train(docs, options))).toEqual(expected);
    expect(summary(await trainAsync(docs, options))).toEqual(expected);
  });

  it('progress counts the repaired bytes', () => {
    const bytes = [];
    train(docs, { vocabSize: 257, onProgress: (p) => bytes.push(p.bytes) });
    expect(bytes.at(-1)).toBe(repaired.reduce((n, d) => n + Buffer.byteLength(d), 0));
  });
});
