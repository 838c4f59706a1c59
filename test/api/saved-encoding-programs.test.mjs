// Format version 3 of a saved encoding: the compiled split patterns (src/saved-programs.ts) are in
// the file and Encoding.load runs them without compiling the pattern again. Checked: the words in
// the file are exactly what the pattern compiles to; the loaded Qwen3 and DeepSeek-V3 give the
// original's ids on every range edge of their programs; the stored program is the one that runs;
// a damaged or hand-made program section is a typed error; version 1 and 2 files still load.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { loadCode, saveModel, seal } from '../support/saved-file.mjs';

const require = createRequire(import.meta.url);
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-saved-programs-'));

const align4 = (n) => (n + 3) & ~3;

/** A file's parts as docs/saved-encoding.md lays them out. */
function parts(file) {
  const jsonLength = file.readUInt32LE(12);
  const blobLength = file.readUInt32LE(16);
  const header = JSON.parse(file.subarray(20, 20 + jsonLength).toString('utf8'));
  const blobAt = align4(20 + jsonLength);
  const blob = Buffer.from(file.subarray(blobAt, blobAt + blobLength));
  const programs = [];
  let at = align4(blobAt + blobLength);
  for (const [pattern, n] of header.programs ?? []) {
    const words = new Uint32Array(n);
    for (let k = 0; k < n; k++, at += 4) words[k] = file.readUInt32LE(at);
    programs.push([pattern, words]);
  }
  return { version: file.readUInt32LE(8), header, blob, programs };
}

/** A file from parts, sealed with a valid checksum (what a hand-made file can be). */
function sealed({ version, header, blob, programs }) {
  const json = Buffer.from(JSON.stringify(header));
  const blobAt = align4(20 + json.length);
  const programsAt = align4(blobAt + blob.length);
  const words = programs.reduce((sum, [, w]) => sum + w.length, 0);
  const out = Buffer.alloc((programs.length ? programsAt + 4 * words : blobAt + blob.length) + 4);
  Buffer.from([0x89, 0x54, 0x54, 0x45, 0x4e, 0x43, 0x0d, 0x0a]).copy(out);
  out.writeUInt32LE(version, 8);
  out.writeUInt32LE(json.length, 12);
  out.writeUInt32LE(blob.length, 16);
  json.copy(out, 20);
  blob.copy(out, blobAt);
  let at = programsAt;
  for (const [, w] of programs) for (const x of w) out.writeUInt32LE(x, (at += 4) - 4);
  return seal(out);
}

const code = loadCode;

/** Short texts around every range edge of a program: lo - 1, lo, hi, hi + 1 in a few contexts. */
function edgeTexts(words) {
  const n = words[0];
  const r = words[1];
  const cps = new Set();
  for (let k = 0; k < r; k++) {
    const lo = words[2 + 3 * n + 2 * k];
    const hi = words[3 + 3 * n + 2 * k];
    for (const cp of [lo - 1, lo, hi, hi + 1]) if (cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) cps.add(cp);
  }
  const out = [];
  for (const cp of cps) {
    const ch = String.fromCodePoint(cp);
    out.push(ch + ch, `a${ch}b`, ` ${ch}1`, `'${ch}\n`, `${ch} x`);
  }
  return out;
}

describe.each(['qwen3', 'deepseek_v3'])('%s saved with its compiled patterns', (model) => {
  let enc;
  let file;
  beforeAll(() => ({ enc, file } = saveModel(dir, model)));

  it('is version 3 and holds exactly what each of its patterns compiles to', () => {
    const { version, programs } = parts(readFileSync(file));
    expect(version).toBe(3);
    expect(programs.length).toBeGreaterThan(0);
    for (const [pattern, words] of programs) expect([pattern, [...words]]).toEqual([pattern, [...compilePattern(pattern).words]]);
  });

  it('the loaded encoding gives the original ids on every range edge of its programs; a second save is the same file', () => {
    const loaded = Encoding.load(file);
    const texts = parts(readFileSync(file)).programs.flatMap(([, words]) => edgeTexts(words));
    expect(texts.length).toBeGreaterThan(1000);
    const mismatches = texts.filter((t) => loaded.encode(t).join() !== enc.encode(t).join());
    expect(mismatches.slice(0, 5)).toEqual([]);
    const again = path.join(dir, `${model}-again.ttenc`);
    loaded.save(again);
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });

  it('as version 2 (no programs: what an older build wrote) it still loads and gives the same ids', () => {
    const p = parts(readFileSync(file));
    const { programs: _, ...header } = p.header;
    const v2 = sealed({ ...p, version: 2, header, programs: [] });
    const loaded = Encoding.load(v2);
    for (const t of ['Hello, wörld! 12345', '  \n\n  x', '日本語のテキスト', "don't I'LL"]) expect([...loaded.encode(t)]).toEqual([...enc.encode(t)]);
  });
});

describe('the stored program is the one that runs', () => {
  const ranks = new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b]));
  ranks.set(new TextEncoder().encode('ab'), 256);
  const enc = new Encoding({ name: 'letters', pattern: String.raw`\p{L}+|\p{N}+|\s+|[^\s\p{L}\p{N}]+`, ranks });

  it('a program of another pattern, swapped in by hand, splits the text (nothing compiles the pattern again)', () => {
    const file = path.join(dir, 'letters.ttenc');
    enc.save(file);
    const p = parts(readFileSync(file));
    expect(p.version).toBe(3);
    expect([...Encoding.load(file).encode('ab')]).toEqual([256]);
    // One character per piece: "ab" can no longer merge.
    const single = compilePattern('.').words;
    const swapped = sealed({ ...p, header: { ...p.header, programs: [[p.programs[0][0], single.length]] }, programs: [[p.programs[0][0], single]] });
    expect([...Encoding.load(swapped).encode('ab')]).toEqual([97, 98]);
  });

  it('an encoding split by a native scanner has no programs and is still version 1', () => {
    const r50k = new Encoding({ name: 'r50k-like', pattern: getEncoding('r50k_base').patternSource, ranks });
    const file = path.join(dir, 'scanner.ttenc');
    r50k.save(file);
    expect(parts(readFileSync(file)).version).toBe(1);
  });
});

describe('damaged program sections', () => {
  let good;
  let p;
  beforeAll(() => {
    const ranks = new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b]));
    const enc = new Encoding({ name: 'digits', pattern: String.raw`\p{N}{1,3}| ?\p{L}+|\s+(?!\S)|\s+|.`, ranks });
    const file = path.join(dir, 'digits.ttenc');
    enc.save(file);
    good = readFileSync(file);
    p = parts(good);
  });

  const withWords = (edit) => {
    const [pattern, words] = p.programs[0];
    const w = Uint32Array.from(words);
    const out = edit(w) ?? w;
    return sealed({ ...p, header: { ...p.header, programs: [[pattern, out.length]] }, programs: [[pattern, out]] });
  };

  it('the re-sealing helper keeps a file valid', () => {
    expect(sealed(p).equals(good)).toBe(true);
    expect(code(sealed(p))).toBe('loaded');
  });

  it('every flipped byte of the section, and truncation, are caught', () => {
    const at = good.length - 4 - 4 * p.programs[0][1].length;
    for (let k = at; k < good.length; k++) {
      const bad = Buffer.from(good);
      bad[k] ^= 0x10;
      expect([k, code(bad)]).toEqual([k, 'ERR_INVALID_SAVED_ENCODING']);
    }
    for (const n of [at, at + 4, good.length - 8]) expect(code(good.subarray(0, n))).toBe('ERR_INVALID_SAVED_ENCODING');
  });

  it('a hand-made program section with a valid checksum is ERR_INVALID_SAVED_ENCODING, never a crash', () => {
    const n = p.programs[0][1][0];
    const firstOf = (op) => [...Array(n).keys()].find((k) => p.programs[0][1][2 + 3 * k] === op);
    const cases = {
      opcode: withWords((w) => void (w[2] = 42)),
      splitOutside: withWords((w) => void (w[3 + 3 * firstOf(2)] = n)),
      jumpOutside: withWords((w) => void (w[3 + 3 * firstOf(3)] = n + 7)),
      rangesPastEnd: withWords((w) => void (w[4 + 3 * firstOf(1)] = 0xffffffff)),
      rangeBackwards: withWords((w) => void ((w[2 + 3 * n] = 0x20), (w[3 + 3 * n] = 0x10))),
      rangePastUnicode: withWords((w) => void (w[w.length - 1] = 0x110000)),
      rangesOverlap: withWords((w) => {
        const k = [...Array(n).keys()].find((i) => w[2 + 3 * i] === 1 && w[4 + 3 * i] >= 2);
        w[2 + 3 * n + 2 * (w[3 + 3 * k] + 1)] = w[2 + 3 * n + 2 * w[3 + 3 * k]];
      }),
      counts: withWords((w) => void (w[0] += 1)),
      short: withWords((w) => w.subarray(0, 1)),
      lastSteps: withWords((w) => {
        // The Match at the end turned into a class: it would read past the program.
        w[2 + 3 * (n - 1)] = 1;
        w[3 + 3 * (n - 1)] = 0;
        w[4 + 3 * (n - 1)] = 1;
      }),
      listNotPairs: sealed({ ...p, header: { ...p.header, programs: [p.programs[0][0]] } }),
      listEmpty: sealed({ ...p, header: { ...p.header, programs: [] } }),
      countTooLarge: sealed({ ...p, header: { ...p.header, programs: [[p.programs[0][0], p.programs[0][1].length + 1]] } }),
      countHuge: sealed({ ...p, header: { ...p.header, programs: [[p.programs[0][0], 2 ** 40]] } }),
      twice: sealed({ ...p, header: { ...p.header, programs: [p.header.programs[0], p.header.programs[0]] }, programs: [p.programs[0], p.programs[0]] }),
    };
    const got = Object.fromEntries(Object.entries(cases).map(([name, bytes]) => [name, code(bytes)]));
    expect(got).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, 'ERR_INVALID_SAVED_ENCODING'])));
  });
});
