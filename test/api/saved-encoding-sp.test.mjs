// Encoding#save / Encoding.load for the encodings that format version 2 added: SentencePiece-style
// (merges-list) models and tokenizer.json pre-tokenizer sequences. Llama 2, Gemma 3 and DeepSeek-V3
// as shipped come back giving the same ids, decode, special tokens and post-processor; files that
// version 1 holds are still written as version 1; a damaged or hand-edited file is a typed error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { corpusDocuments } from '../support/reference-cases.mjs';
import { corpusModelTexts } from '../support/models-hf.mjs';
import { rng } from '../support/random-text.mjs';
import { loadCode, saveModel, seal } from '../support/saved-file.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-saved-sp-'));

const ATOMS = [' ', '  ', '▁', '▁▁', ' ▁', '\n', '\t', '\r\n', 'the', ' the', 'Hello', 'world', '中文', '日本語', 'русский', '𠜎', '龘', '😀',
  '👨‍👩‍👧', '\u0000', '\u007f', '\uE000', '\u{10FFFF}', 'é', 'e\u0301', 'ﬁ', '①', '123', '4567', '.', '!?', '<s>', '</s>', '<unk>', '<bos>',
  '<start_of_turn>', '<end_of_turn>', '<unused0>', '<｜begin▁of▁sentence｜>', '<think>', '<0x41>', '\ud800'];

function texts(seed) {
  const next = rng(seed);
  const out = corpusModelTexts(corpusDocuments(), 3000);
  for (let k = 0; k < 150; k++) {
    let text = '';
    for (let i = 1 + Math.floor(next() * 20); i > 0; i--) text += ATOMS[Math.floor(next() * ATOMS.length)];
    out.push(text);
  }
  return out;
}

function sameEncoding(a, b, sample) {
  expect(b.name).toBe(a.name);
  expect(b.patternSource).toBe(a.patternSource);
  expect({ ...b.specialTokens }).toEqual({ ...a.specialTokens });
  expect(Object.keys(b.specialTokens)).toEqual(Object.keys(a.specialTokens));
  expect(b.nVocab).toBe(a.nVocab);
  const mismatches = [];
  for (const text of sample) {
    for (const options of [{}, { addSpecialTokens: true }, { splitSpecialTokens: true }]) {
      const x = [...a.encode(text, options)];
      const y = [...b.encode(text, options)];
      if (x.join() !== y.join() || a.decode(x) !== b.decode(y)) mismatches.push({ text: text.slice(0, 40), options });
    }
  }
  expect(mismatches).toEqual([]);
}

const version = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(8);

// Each model's tokenizer.json is read once per file (Gemma 3's takes seconds): the damaged-file
// cases edit the file that the round trip saved.
const saved = new Map();
function savedModel(model) {
  if (!saved.has(model)) saved.set(model, saveModel(dir, model));
  return saved.get(model);
}

describe.each(['llama2', 'gemma3', 'deepseek_v3'])('%s saved and loaded', (model) => {
  let enc;
  let file;
  beforeAll(() => ({ enc, file } = savedModel(model)));

  it('gives the same ids, decode and special tokens; a second save is the same file', async () => {
    const loaded = Encoding.load(file);
    const sample = texts(model.length);
    expect(sample.length).toBeGreaterThan(150);
    sameEncoding(enc, loaded, sample);
    // DeepSeek-V3's split steps are saved compiled (version 3).
    expect(version(readFileSync(file))).toBe(model === 'deepseek_v3' ? 3 : 2);
    const again = path.join(dir, `${model}-again.ttenc`);
    await loaded.saveAsync(again);
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
    sameEncoding(enc, await Encoding.loadAsync(readFileSync(file)), texts(7).slice(-40));
  });
});

function reseal(bytes) {
  return seal(Buffer.from(bytes));
}

// The file with its header JSON changed by edit(header) and the blob by blobEdit(blob), re-sealed.
function edited(good, edit = () => undefined, blobEdit = (b) => b) {
  const jsonLength = good.readUInt32LE(12);
  const blobLength = good.readUInt32LE(16);
  const header = JSON.parse(good.subarray(20, 20 + jsonLength).toString('utf8'));
  const blobAt = (20 + jsonLength + 3) & ~3;
  const blob = blobEdit(Buffer.from(good.subarray(blobAt, blobAt + blobLength)));
  const json = Buffer.from(JSON.stringify(edit(header) ?? header));
  const at = (20 + json.length + 3) & ~3;
  const out = Buffer.alloc(at + blob.length + 4);
  good.copy(out, 0, 0, 20);
  out.writeUInt32LE(json.length, 12);
  out.writeUInt32LE(blob.length, 16);
  json.copy(out, 20);
  blob.copy(out, at);
  return reseal(out);
}

describe('damaged merges-list files', () => {
  const code = loadCode;
  let good;
  beforeAll(() => {
    good = readFileSync(savedModel('llama2').file);
  });

  it('the unedited copy loads (the editing helper keeps a file valid)', () => {
    expect(code(edited(good, () => undefined))).toBe('loaded');
  });

  it('flipped bytes, truncation and an older reader\'s version are rejected with a code', () => {
    for (let at = 0; at < good.length; at += Math.floor(good.length / 400)) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x41;
      expect([at, code(bad)]).toEqual([at, expect.stringMatching(/^ERR_(INVALID|UNSUPPORTED)_SAVED_ENCODING$/)]);
    }
    for (const n of [0, 20, 1000, good.length - 1]) expect(code(good.subarray(0, n))).toBe('ERR_INVALID_SAVED_ENCODING');
    // The merges kind in a file claiming version 1 (which has no such kind).
    const v1 = Buffer.from(good);
    v1.writeUInt32LE(1, 8);
    expect(code(reseal(v1))).toBe('ERR_INVALID_SAVED_ENCODING');
  });

  it('a re-sealed file with inconsistent parts is ERR_INVALID_SAVED_ENCODING, never a crash', () => {
    const cases = {
      tableWords: edited(good, (h) => ({ ...h, tableWords: h.tableWords + 1 })),
      tableWordsHuge: edited(good, (h) => ({ ...h, tableWords: 2 ** 40 })),
      tableWordsNegative: edited(good, (h) => ({ ...h, tableWords: -1 })),
      steps: edited(good, (h) => ({ ...h, steps: { normalizer: { type: 'Lowercase' }, pre_tokenizer: null, decoder: null } })),
      stepsMissing: edited(good, (h) => ({ ...h, steps: undefined })),
      addedTokens: edited(good, (h) => ({ ...h, addedTokens: [{ id: -1, content: '<s>', normalized: false }] })),
      added: edited(good, (h) => ({ ...h, added: { postProcessor: 7, flagged: [] } })),
      magic: edited(good, undefined, (b) => (b.writeUInt32LE(0, 0), b)),
      mergeCount: edited(good, undefined, (b) => (b.writeUInt32LE(b.readUInt32LE(4) + 1, 4), b)),
      tokenTextShort: edited(good, undefined, (b) => b.subarray(0, b.length - 2)),
      tokenLength: edited(good, undefined, (b) => {
        const words = JSON.parse(good.subarray(20, 20 + good.readUInt32LE(12)).toString()).tableWords;
        b.writeUInt32LE(0x7fffffff, words * 4 + 4);
        return b;
      }),
      tokenTotal: edited(good, undefined, (b) => {
        const words = JSON.parse(good.subarray(20, 20 + good.readUInt32LE(12)).toString()).tableWords;
        b.writeUInt32LE(0x7ffffff0, words * 4);
        return b;
      }),
    };
    const got = Object.fromEntries(Object.entries(cases).map(([name, bytes]) => [name, code(bytes)]));
    expect(got).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, 'ERR_INVALID_SAVED_ENCODING'])));
  });
});

describe('which version a file is written as', () => {
  it('an encoding that version 1 holds is still written as version 1 (older builds read it)', () => {
    // A native scanner's pattern: no compiled pattern to save.
    const enc = new Encoding({ name: 'v1', pattern: getEncoding('r50k_base').patternSource, ranks: new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b])) });
    const file = path.join(dir, 'v1.ttenc');
    enc.save(file);
    expect(version(readFileSync(file))).toBe(1);
    expect([...Encoding.load(file).encode('abc def')]).toEqual([...enc.encode('abc def')]);
  });

  it('a pre-tokenizer sequence with Digits, Punctuation, Whitespace and ByteLevel steps round-trips as version 3 (its steps compiled)', () => {
    const json = tokenizerJsonFor(getEncoding('cl100k_base'), { maxRank: 5000 });
    json.pre_tokenizer = { type: 'Sequence', pretokenizers: [
      { type: 'Digits', individual_digits: true },
      { type: 'Punctuation', behavior: 'MergedWithPrevious' },
      { type: 'Whitespace' },
      { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: false },
    ] };
    const enc = Encoding.fromTokenizerJson(json);
    const file = path.join(dir, 'steps.ttenc');
    enc.save(file);
    expect(version(readFileSync(file))).toBe(3);
    const sample = ['a1234 b, c!! d', '  x?y  12', 'héllo wörld 99.5%', '中文，标点。'];
    const loaded = Encoding.load(file);
    expect(loaded.patternSource).toBe(enc.patternSource);
    for (const text of sample) expect([...loaded.encode(text)]).toEqual([...enc.encode(text)]);
    writeFileSync(file, Buffer.alloc(0));
  });
});
