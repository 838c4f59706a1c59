// Encoding.load reads a file of 4 MiB and more into memory in 2 MB pages from the addon
// (largeBuffer, native/binding/saved_file_binding.cpp), else as readFileSync does: the encoding
// loaded from the path (sync and async) is the one loaded from the same bytes, and damaged large
// files are still typed errors (the addon's entries: test/api/saved-file-binding.test.mjs).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { errorCode, seal } from '../support/saved-file.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-large-read-'));
const align4 = (n) => (n + 3) & ~3;
const MiB = 1 << 20;

// A saved file of version 1 (a native scanner's pattern, no program section) with its header
// edited, laid out again and sealed.
function relaid(file, edit) {
  const jsonLength = file.readUInt32LE(12);
  const blobLength = file.readUInt32LE(16);
  const header = JSON.parse(file.subarray(20, 20 + jsonLength).toString('utf8'));
  const blob = file.subarray(align4(20 + jsonLength), align4(20 + jsonLength) + blobLength);
  const json = Buffer.from(JSON.stringify(edit(header)));
  const out = Buffer.alloc(align4(20 + json.length) + blob.length + 4);
  file.copy(out, 0, 0, 12);
  out.writeUInt32LE(json.length, 12);
  out.writeUInt32LE(blob.length, 16);
  json.copy(out, 20);
  blob.copy(out, align4(20 + json.length));
  return seal(out);
}

const code = (fn) => errorCode(fn, 'loaded');

describe('a saved file of more than 4 MiB', () => {
  let enc;
  let large;
  let file;
  beforeAll(() => {
    const ranks = new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b]));
    ranks.set(new TextEncoder().encode('ab'), 256);
    enc = new Encoding({ name: 'large', pattern: getEncoding('r50k_base').patternSource, ranks });
    const small = path.join(dir, 'small.ttenc');
    enc.save(small);
    expect(readFileSync(small).readUInt32LE(8)).toBe(1);
    // A chat template of 5 MiB makes the file large; a custom encoding without added-token rules ignores it.
    large = relaid(readFileSync(small), (h) => ({ ...h, chat: { templates: [['default', `{{ '${'x'.repeat(5 * MiB)}' }}`]], specialTokens: {} } }));
    file = path.join(dir, 'large.ttenc');
    writeFileSync(file, large);
  });

  it('loads from its path, sync and async, as from its bytes', async () => {
    expect(large.length).toBeGreaterThan(5 * MiB);
    const texts = ['ab abab', 'hello, world', ''];
    const want = texts.map((t) => [...Encoding.load(large).encode(t)]);
    expect(want[0]).toContain(256);
    expect(texts.map((t) => [...Encoding.load(file).encode(t)])).toEqual(want);
    const loaded = await Encoding.loadAsync(file);
    expect(texts.map((t) => [...loaded.encode(t)])).toEqual(want);
  });

  it('damaged, extended or foreign, it is ERR_INVALID_SAVED_ENCODING from its path', async () => {
    const cases = {
      flipped: (() => {
        const b = Buffer.from(large);
        b[large.length >> 1] ^= 1;
        return b;
      })(),
      extended: Buffer.concat([large, Buffer.alloc(4)]),
      truncated: large.subarray(0, large.length - 8),
      foreign: Buffer.alloc(5 * MiB, 0x41),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const at = path.join(dir, `${name}.ttenc`);
      writeFileSync(at, bytes);
      expect([name, code(() => Encoding.load(at))]).toEqual([name, 'ERR_INVALID_SAVED_ENCODING']);
      await expect(Encoding.loadAsync(at)).rejects.toMatchObject({ code: 'ERR_INVALID_SAVED_ENCODING' });
    }
    expect(code(() => Encoding.load(dir))).toBe('ERR_INVALID_SAVED_ENCODING');
    expect(code(() => Encoding.load(path.join(dir, 'missing.ttenc')))).toBe('ERR_INVALID_SAVED_ENCODING');
  });
});
