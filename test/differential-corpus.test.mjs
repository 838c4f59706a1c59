// Real text of several kinds (prose, code, e-mail, many languages and scripts), built from the
// npm devDependencies by scripts/build-corpus.mjs --npm-only: token-for-token equal to tiktoken
// for every shipped encoding. Paragraphs are compared one by one, so a mismatch names its text.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { ENCODINGS, describeMismatch, reference, sameIds } from './support/reference.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['prose', 'code', 'email', 'multilingual'];
// Per kind and encoding; the reference runs at a few MB/s, so this keeps the file under a minute.
const BYTES_PER_KIND = 400_000;

const documents = {};

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'pipe' });
  for (const kind of KINDS) {
    const text = readFileSync(`${root}/corpus/npm-only/${kind}.txt`, 'utf8');
    const docs = [];
    let bytes = 0;
    for (const doc of text.split('\n\n')) {
      if (bytes >= BYTES_PER_KIND) break;
      docs.push(doc);
      bytes += Buffer.byteLength(doc);
    }
    documents[kind] = docs;
  }
});

describe.each(ENCODINGS)('%s on the corpus', (name) => {
  it.each(KINDS)('%s matches the reference', (kind) => {
    const ours = getEncoding(name);
    const ref = reference(name);
    const docs = documents[kind];
    expect(docs.length).toBeGreaterThan(20);
    const failures = [];
    let tokens = 0;
    for (const doc of docs) {
      const a = ours.encodeOrdinary(doc);
      const b = ref.encode_ordinary(doc);
      tokens += a.length;
      if (!sameIds(a, b)) failures.push(describeMismatch(name, a, b, doc));
      if (failures.length >= 3) break;
    }
    expect(failures).toEqual([]);
    // The whole kind at once too: pieces that cross document boundaries.
    const whole = docs.join('\n\n');
    expect(sameIds(ours.encodeOrdinary(whole), ref.encode_ordinary(whole))).toBe(true);
    expect(ours.count(whole, { disallowedSpecial: [] })).toBe(ours.encodeOrdinary(whole).length);
    expect(ours.decode(ours.encodeOrdinary(whole))).toBe(whole);
    expect(tokens).toBeGreaterThan(BYTES_PER_KIND / 10);
  });
});
