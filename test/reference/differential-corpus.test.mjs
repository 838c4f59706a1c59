// Real text of several kinds (prose, code, e-mail, many languages and scripts), built from the
// npm devDependencies by scripts/build-corpus.mjs --npm-only (vitest's globalSetup builds it once
// before every test file): token-for-token equal to tiktoken for every shipped encoding.
// Paragraphs are compared one by one, so a mismatch names its text. The reference's ids come from
// committed digests (test/support/reference-digests.mjs).
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { BYTES_PER_KIND, CORPUS_KINDS, corpusDocuments } from '../support/reference-cases.mjs';
import { referenceMismatch } from '../support/reference-digests.mjs';

let documents;

beforeAll(() => {
  documents = corpusDocuments();
});

describe.each(ENCODINGS)('%s on the corpus', (name) => {
  it.each(CORPUS_KINDS)('%s matches the reference', (kind) => {
    const ours = getEncoding(name);
    const docs = documents[kind];
    expect(docs.length).toBeGreaterThan(20);
    const failures = [];
    let tokens = 0;
    for (const doc of docs) {
      const a = ours.encodeOrdinary(doc);
      tokens += a.length;
      const mismatch = referenceMismatch(name, 'ordinary', doc, a);
      if (mismatch) failures.push(mismatch);
      if (failures.length >= 3) break;
    }
    expect(failures).toEqual([]);
    // The whole kind at once too: pieces that cross document boundaries.
    const whole = docs.join('\n\n');
    const ids = ours.encodeOrdinary(whole);
    expect(referenceMismatch(name, 'ordinary', whole, ids)).toBe(null);
    expect(ours.count(whole, { disallowedSpecial: [] })).toBe(ids.length);
    expect(ours.decode(ids)).toBe(whole);
    expect(tokens).toBeGreaterThan(BYTES_PER_KIND / 10);
  });
});
