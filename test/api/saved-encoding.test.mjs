// Encoding#save / Encoding.load (docs/saved-encoding.md): every kind of encoding comes back giving
// the same ids, special tokens and tokenizer.json rules; a damaged, truncated or newer file is a
// typed error, and seeded byte flips anywhere never crash or load something else silently.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding, TurbotokenError } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { comparisonTexts, rankEntries, tiktokenText } from '../support/custom-vocab.mjs';
import { modelFile } from '../support/models-hf.mjs';
import { rng } from '../support/random-text.mjs';
import { seal } from '../support/saved-file.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-saved-'));
const texts = comparisonTexts(25, 5);
texts.push('<|endoftext|> and <|fim_prefix|>x', ' '.repeat(300), '<|begin_of_text|>hi<|eot_id|>');

function sameEncoding(a, b) {
  expect(b.name).toBe(a.name);
  expect(b.patternSource).toBe(a.patternSource);
  expect(b.patternKind).toBe(a.patternKind);
  expect({ ...b.specialTokens }).toEqual({ ...a.specialTokens });
  expect(b.nVocab).toBe(a.nVocab);
  const mismatches = [];
  for (const text of texts) {
    for (const options of [{}, { allowedSpecial: 'all' }, { disallowedSpecial: [] }, { addSpecialTokens: true }]) {
      let x;
      let y;
      try {
        x = [...a.encode(text, options)].join();
      } catch (error) {
        x = error.code;
      }
      try {
        y = [...b.encode(text, options)].join();
      } catch (error) {
        y = error.code;
      }
      if (x !== y) mismatches.push({ text: text.slice(0, 40), options, x: String(x).slice(0, 60), y: String(y).slice(0, 60) });
    }
  }
  expect(mismatches).toEqual([]);
  const ids = a.encode(texts[3]);
  expect(b.decode(ids)).toBe(a.decode(ids));
}

const roundTrip = (enc, name) => {
  const file = path.join(dir, `${name}.ttenc`);
  enc.save(file);
  return { file, loaded: Encoding.load(file) };
};

describe('saved encodings', () => {
  it('a shipped encoding is saved by name and loads as that encoding', async () => {
    const enc = getEncoding('o200k_base');
    const { file, loaded } = roundTrip(enc, 'o200k');
    expect(loaded).toBe(enc);
    expect(readFileSync(file).length).toBeLessThan(200);
    expect(await Encoding.loadAsync(file)).toBe(enc);
  });

  it('a custom encoding round-trips: ranks, pattern, special tokens', async () => {
    const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 20000));
    const enc = new Encoding({ name: 'mine', pattern: String.raw`[a-z]+|\s+|[^a-z\s]+`, ranks, specialTokens: { '<|endoftext|>': 50256, '<|fim_prefix|>': 60000, __proto__: 60001 } });
    const { file, loaded } = roundTrip(enc, 'custom');
    sameEncoding(enc, loaded);
    expect(Object.prototype.hasOwnProperty.call(loaded.specialTokens, '__proto__')).toBe(false); // an object literal's __proto__ sets the prototype
    sameEncoding(enc, Encoding.load(readFileSync(file)));
    const asyncFile = path.join(dir, 'custom-async.ttenc');
    await enc.saveAsync(asyncFile);
    expect(readFileSync(asyncFile).equals(readFileSync(file))).toBe(true);
    sameEncoding(enc, await Encoding.loadAsync(asyncFile));
    // A save of the loaded encoding is the same file.
    const again = path.join(dir, 'custom-again.ttenc');
    loaded.save(again);
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });

  it('a special token named __proto__ and a shipped vocabulary with its own pattern round-trip', () => {
    const specials = Object.create(null);
    specials.__proto__ = 50300;
    specials['<|endoftext|>'] = 50256;
    const enc = new Encoding({ name: 'r50k_proto', pattern: getEncoding('r50k_base').patternSource, ranks: tiktokenText(rankEntries('r50k_base')), specialTokens: specials });
    const { loaded } = roundTrip(enc, 'proto');
    expect(loaded.specialTokens.__proto__).toBe(50300);
    sameEncoding(enc, loaded);
  });

  it('a tokenizer.json encoding round-trips with its added tokens and post-processor', () => {
    const json = tokenizerJsonFor(getEncoding('cl100k_base'), { maxRank: 5000 });
    const file = path.join(dir, 'tokenizer.json');
    writeFileSync(file, JSON.stringify(json));
    const enc = Encoding.fromTokenizerJson(file);
    sameEncoding(enc, roundTrip(enc, 'tj').loaded);
  });

  it('a tokenizer.json with lstrip/rstrip added tokens round-trips', () => {
    const json = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 3000 });
    json.added_tokens = [
      { id: 3000, content: '<think>', special: false, normalized: false, lstrip: true, rstrip: false, single_word: false },
      { id: 3001, content: '</think>', special: true, normalized: false, lstrip: false, rstrip: true, single_word: false },
    ];
    const enc = Encoding.fromTokenizerJson(json);
    const text = 'a  <think>  b </think>  c';
    expect([...enc.encode(text)]).not.toEqual([...Encoding.fromTokenizerJson({ ...json, added_tokens: json.added_tokens.map((t) => ({ ...t, lstrip: false, rstrip: false })) }).encode(text)]);
    const { loaded } = roundTrip(enc, 'flagged');
    expect([...loaded.encode(text)]).toEqual([...enc.encode(text)]);
    sameEncoding(enc, loaded);
  });

  it('a model directory with its chat template round-trips', () => {
    const enc = Encoding.fromPretrainedFiles(path.dirname(modelFile('qwen3')));
    const { loaded } = roundTrip(enc, 'qwen3');
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi <think>' }];
    expect(loaded.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(enc.applyChatTemplate(messages, { addGenerationPrompt: true }));
    expect([...loaded.encodeChat(messages)]).toEqual([...enc.encodeChat(messages)]);
  });

  it('Llama 3 round-trips and loads from the saved file far faster than from tokenizer.json', () => {
    const file = path.join(dir, 'llama3.ttenc');
    // CPU time of this process: another process on the shared cores does not count in it.
    const timed = (fn) => {
      const start = process.cpuUsage();
      const value = fn();
      const used = process.cpuUsage(start);
      return { value, ms: (used.user + used.system) / 1000 };
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[1];
    const fromJson = [];
    const fromSaved = [];
    let enc;
    let loaded;
    // Interleaved, median of 3: a pause within this process falls on either side.
    for (let round = 0; round < 3; round++) {
      const json = timed(() => Encoding.fromTokenizerJson(modelFile('llama3')));
      enc = json.value;
      fromJson.push(json.ms);
      if (round === 0) enc.save(file);
      const saved = timed(() => Encoding.load(file));
      loaded = saved.value;
      fromSaved.push(saved.ms);
    }
    sameEncoding(enc, loaded);
    expect([...loaded.encode('<|begin_of_text|>Hello', { addSpecialTokens: true })]).toEqual([...enc.encode('<|begin_of_text|>Hello', { addSpecialTokens: true })]);
    // Side by side in one run: a ratio, not a time (tokenizer.json reads the vocabulary from its
    // bytes now, about 7x the saved file's load in CPU time).
    expect(median(fromSaved) * 2).toBeLessThan(median(fromJson));
  });

  describe('damaged files', () => {
    const enc = new Encoding({ name: 'small', pattern: String.raw`[a-z]+|[^a-z]+`, ranks: tiktokenText(rankEntries('r50k_base').slice(0, 2000)), specialTokens: { '<s>': 9000 } });
    const file = path.join(dir, 'small.ttenc');
    enc.save(file);
    const good = readFileSync(file);
    const code = (bytes) => {
      try {
        Encoding.load(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(TurbotokenError);
        return error.code;
      }
      return 'loaded';
    };

    it('truncated, extended, foreign and empty files are ERR_INVALID_SAVED_ENCODING', () => {
      for (const n of [0, 1, 8, 19, 20, 24, 100, good.length - 5, good.length - 1]) expect(code(good.subarray(0, n))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(Buffer.concat([good, Buffer.of(0)]))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(Buffer.from('{"model": {}}'))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(readFileSync(modelFile('llama3')).subarray(0, 4096))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(() => Encoding.load(path.join(dir, 'missing.ttenc'))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SAVED_ENCODING' }));
      expect(() => Encoding.load(42)).toThrow(TypeError);
    });

    it('a newer format version is ERR_UNSUPPORTED_SAVED_ENCODING', () => {
      const newer = Buffer.from(good);
      newer.writeUInt32LE(0xffff, 8);
      expect(code(newer)).toBe('ERR_UNSUPPORTED_SAVED_ENCODING');
    });

    it('every single flipped byte is caught', () => {
      for (let at = 0; at < good.length; at += Math.max(1, Math.floor(good.length / 3000))) {
        const bad = Buffer.from(good);
        bad[at] ^= 0x20;
        const got = code(bad);
        if (got !== 'ERR_INVALID_SAVED_ENCODING' && got !== 'ERR_UNSUPPORTED_SAVED_ENCODING') throw new Error(`a flip at ${at} gave ${got}`);
      }
    });

    it('seeded random damage never crashes, and what loads encodes as the original', () => {
      const next = rng(0x5a7ed);
      let loadedCount = 0;
      for (let k = 0; k < 400; k++) {
        const bad = Buffer.from(good);
        const flips = 1 + Math.floor(next() * 8);
        for (let f = 0; f < flips; f++) bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256);
        const got = code(bad);
        if (got === 'loaded') loadedCount++; // the flips wrote the bytes that were there
        else expect(['ERR_INVALID_SAVED_ENCODING', 'ERR_UNSUPPORTED_SAVED_ENCODING']).toContain(got);
      }
      expect(loadedCount).toBeLessThan(40);
    });

    it('a file with a valid checksum but hostile contents is a typed error', () => {
      // Rewrites the header JSON and the checksum: what a hand-made file can hold.
      const forge = (mutate) => {
        const jsonLength = good.readUInt32LE(12);
        const blobLength = good.readUInt32LE(16);
        // Written as version 1: without the compiled patterns that version 3 adds after the blob.
        const { programs: _, ...header } = JSON.parse(good.subarray(20, 20 + jsonLength).toString());
        const blobAt = (20 + jsonLength + 3) & ~3;
        const blob = good.subarray(blobAt, blobAt + blobLength);
        const out = mutate(header, Buffer.from(blob));
        const json = Buffer.from(JSON.stringify(out.header));
        const at = (20 + json.length + 3) & ~3;
        const bytes = Buffer.alloc(at + out.blob.length + 4);
        good.copy(bytes, 0, 0, 8);
        bytes.writeUInt32LE(1, 8);
        bytes.writeUInt32LE(json.length, 12);
        bytes.writeUInt32LE(out.blob.length, 16);
        json.copy(bytes, 20);
        out.blob.copy(bytes, at);
        return seal(bytes);
      };
      expect(code(forge((header, blob) => ({ header, blob })))).toBe('loaded');
      expect(code(forge((header, blob) => ({ header: { ...header, pattern: '(' }, blob })))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(forge((header, blob) => ({ header: { ...header, specialTokens: [['<s>', 5]] }, blob })))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(forge((header, blob) => ({ header: { ...header, specialTokens: {} }, blob })))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(forge((header, blob) => ({ header: { ...header, kind: 'other' }, blob })))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(forge((header, blob) => ({ header: { kind: 'shipped', name: 'nope' }, blob })))).toBe('ERR_UNKNOWN_ENCODING');
      expect(code(forge((header, blob) => ({ header, blob: blob.subarray(0, blob.length - 1) })))).toBe('ERR_INVALID_SAVED_ENCODING');
      expect(code(forge((header, blob) => {
        blob.writeUInt32LE(0xffffffff, 4); // the token count
        return { header, blob };
      }))).toBe('ERR_INVALID_SAVED_ENCODING');
    });
  });
});
