// fromTokenizerJson reads a byte-level file's model.vocab and model.merges from the file's bytes
// (src/tokenizer-json-scan.ts) instead of JSON.parse of the whole file. That route must give what
// the general route (JSON.parse, then the checks) gives: the same packed vocabulary, special
// tokens, split and added-token rules on the model files, and on hand-made JSON with escapes,
// duplicates, odd numbers and hostile content either the same result or the same typed error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { modelFile } from '../../scripts/model-files.mjs';
import { byteLevelAlphabet } from '../../scripts/tiktoken-to-tokenizer-json.mjs';

const require = createRequire(import.meta.url);
const { readFromBytes, readParsed } = require('../../dist/cjs/tokenizer-json.js');
const { packVocabulary, readRanks } = require('../../dist/cjs/vocab-file.js');

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-json-bytes-'));
const hex = (bytes) => Buffer.from(bytes).toString('hex');

// Everything a read gives, comparable: the general route's ranks packed as the core takes them.
function summary(read) {
  const blob = read.blob ?? packVocabulary(readRanks(read.options.ranks)).blob;
  const { sequence, ...semantics } = read.semantics;
  return {
    name: read.options.name,
    pattern: read.options.pattern,
    blob: hex(blob),
    specialTokens: Object.entries(read.options.specialTokens),
    semantics: { ...semantics, sequence: sequence?.describe() },
    added: JSON.stringify(read.added),
  };
}

function outcome(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message } };
  }
}

/** Both routes on one input: the bytes route's outcome (undefined: it handed over) and the general one's. */
function bothRoutes(input, options = {}) {
  const fast = outcome(() => readFromBytes(input, options));
  const general = outcome(() => summary(readParsed(input, options)));
  return { taken: fast.error !== undefined || fast.value !== undefined, fast: fast.error ? fast : fast.value && { value: summary(fast.value) }, general };
}

function expectSame(input, options) {
  const { taken, fast, general } = bothRoutes(input, options);
  if (taken) expect(fast).toEqual(general);
  return { taken, general };
}

const alphabet = byteLevelAlphabet();
// A small byte-level file as text: the 256 byte tokens, then `extra`, `merges`, `added`.
function fileText({ extra = {}, merges = [], added = [], model = {} } = {}) {
  const vocab = {};
  alphabet.forEach((ch, b) => { vocab[ch] = b; });
  Object.assign(vocab, extra);
  return JSON.stringify({
    version: '1.0', added_tokens: added, normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', vocab, merges, ...model },
  });
}
const G = alphabet[0x20]; // the byte-level form of a space
const base = { extra: { he: 256, ll: 257, hell: 258, [`${G}w`]: 259 }, merges: ['h e', 'l l', 'he ll', `${G} w`] };

describe('tokenizer.json read from its bytes', () => {
  afterEach(() => {
    delete Object.prototype.vocab;
    delete Object.prototype.merges;
    delete Object.prototype.added_tokens;
    delete Object.prototype.model;
  });

  it('gives what JSON.parse gives on DeepSeek-V3 (added tokens in its vocabulary outside the alphabet), from a path, bytes and text', () => {
    const file = modelFile('deepseek_v3');
    const general = summary(readParsed(file, {}));
    expect(summary(readFromBytes(file, {}))).toEqual(general);
    // The other input forms take the same route (the name differs: it comes from the path).
    const bytes = readFileSync(file);
    expect(summary(readFromBytes(bytes, { name: general.name }))).toEqual(general);
    expect(summary(readFromBytes(bytes.toString('utf8'), { name: general.name }))).toEqual(general);
  });

  it('is the route taken for the other byte-level model files (models-hf holds their ids to Hugging Face)', () => {
    for (const model of ['llama3', 'qwen3']) expect(readFromBytes(modelFile(model), {}), model).toBeDefined();
  });

  it('a loaded encoding saves to the same file by either route', () => {
    const text = fileText({ ...base, extra: { ...base.extra, '<|end|>': 260 }, added: [{ id: 260, content: '<|end|>', special: true }, { id: 261, content: '<x>', special: false }] });
    const viaBytes = Encoding.fromTokenizerJson(text, { name: 'x' });
    const viaObject = Encoding.fromTokenizerJson(JSON.parse(text), { name: 'x' });
    viaBytes.save(path.join(dir, 'a.ttenc'));
    viaObject.save(path.join(dir, 'b.ttenc'));
    expect(hex(readFileSync(path.join(dir, 'a.ttenc'))) === hex(readFileSync(path.join(dir, 'b.ttenc')))).toBe(true);
    const sample = '<|end|>hello<x> world 12345 \n\n  x';
    expect([...viaBytes.encode(sample)]).toEqual([...viaObject.encode(sample)]);
  });

  it('decodes JSON escapes in keys and merges as JSON.parse does', () => {
    // \" \\ \/ \uXXXX (upper and lower case) and a space written as \u0020 in a merge.
    const text = fileText(base)
      .replace('"he":256', '"\\u0068\\u0065":256')
      .replace(`"${G}w":259`, '"\\u0120w":259')
      .replace('"h e"', '"\\u0068\\u0020e"')
      .replace('"l l"', '"l\\u0020\\u006C"');
    const extra = fileText({ extra: { '"\\': 256, '/"': 257 }, merges: ['" \\', '/ "'] }).replace('"/\\"":257', '"\\/\\"":257');
    for (const t of [text, extra]) {
      const { taken, general } = expectSame(t);
      expect(taken).toBe(true);
      expect(general.value).toBeDefined();
    }
    // The decoded tokens, not the text: "he" (256) merges h and e.
    expect([...Encoding.fromTokenizerJson(text).encode('hello world')]).toEqual([...Encoding.fromTokenizerJson(JSON.parse(text)).encode('hello world')]);
  });

  it('merges as pairs, pretty-printed files, and the sections in either order', () => {
    const pairs = JSON.parse(fileText(base));
    pairs.model.merges = pairs.model.merges.map((m) => m.split(' '));
    const reordered = JSON.parse(fileText(base));
    reordered.model = { merges: reordered.model.merges, type: 'BPE', vocab: reordered.model.vocab };
    const inputs = [JSON.stringify(pairs), JSON.stringify(pairs, null, '\t').replaceAll('\n', '\r\n'), JSON.stringify(reordered, null, 1), ` \n${fileText(base)}\n `];
    for (const t of inputs) expect(expectSame(t).taken).toBe(true);
  });

  it('a key or id twice, numbers that are not plain integers: the same result or error as JSON.parse', () => {
    const t = fileText(base);
    const entry = (text) => t.replace('"he":256', text); // the vocabulary entry "he" rewritten
    const merge = (text) => t.replace('"h e"', text); // the merge "h e" rewritten
    const cases = [
      entry('"he":256,"he":300'), // a key twice: the last wins
      entry('"he":258'), // an id twice
      entry('"he":256.0'),
      entry('"he":2.56e2'),
      entry('"he":-256'),
      entry('"he":0256'),
      entry('"he":1e400'),
      entry('"he":99999999999999999999'),
      entry('"he":16777216'),
      entry('"he":"256"'),
      entry('"he":null'),
      entry('"":256'), // an empty token
      entry('"h\\u0000e":256'), // outside the alphabet
      entry('"h\te":256'), // a raw control character
      entry('"h\\qe":256'), // a bad escape
      entry('"\\ud83d\\ude00":256'),
      entry('"h€":256'),
      merge('"h  e"'),
      merge('"he"'),
      merge('"x e"'),
      merge('["h","e","l"]'),
      merge('7'),
      t.replace('"model":{', '"model":{"vocab":{},'), // vocab twice: JSON.parse keeps the last
      t.replace('"model":{', '"model":{"merges":["a b"],'),
      `${t.slice(0, -1)},"model":{"type":"BPE","vocab":{"a":0},"merges":[]}}`, // model twice
      `${t.slice(0, -1)},"mod\\u0065l":{"type":"BPE","vocab":{"a":0},"merges":[]}}`, // model twice, once escaped
      t.replace('"model":{"type":"BPE","vocab":', '"model":{"type":"BPE","vo\\u0063ab":{"a":0},"vocab":'),
      t.slice(0, -5), // cut short
      `\ufeff${t}`, // a byte-order mark: not JSON
      `${t}x`,
      t.replace('"vocab":{', '"vocab":[').replace(',"merges"', '],"merges"'),
      t.replace(/"vocab":\{[^}]*\}/, '"vocab":{}'),
      t.replace('"merges":[', '"merges":{').replace(/\]\}\}$/, '}}}'),
    ];
    let taken = 0;
    for (const c of cases) {
      const r = expectSame(c);
      if (r.taken) taken++;
    }
    expect(taken).toBeGreaterThan(0);
    // Where JSON.parse keeps the last of two keys, the encoding is that of the last.
    const twice = t.replace('"he":256', '"he":256,"he":300');
    expect(Encoding.fromTokenizerJson(twice).encode('he')).toEqual(Encoding.fromTokenizerJson(JSON.parse(twice)).encode('he'));
  });

  it('added tokens: those in the vocabulary, outside the alphabet, clashing, or set on Object.prototype', () => {
    const added = (id, content, extra = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...extra });
    const cases = [
      fileText({ ...base, extra: { ...base.extra, '<|end|>': 260 }, added: [added(260, '<|end|>')] }), // outside the alphabet, an added token: dropped
      fileText({ ...base, extra: { ...base.extra, '<|end|>': 260 } }), // outside the alphabet, not added: refused
      fileText({ ...base, added: [added(258, 'hell')] }), // in the vocabulary: a special token only
      fileText({ ...base, added: [added(258, 'other')] }), // an id of another token
      fileText({ ...base, added: [added(258, 'other'), added(258, 'hell')] }),
      fileText({ ...base, added: [added(258, 'hell'), added(258, 'other')] }),
      fileText({ ...base, added: [added(300, '<s>'), added(1.5, '<t>'), added(-1, '<u>')] }),
      fileText({ ...base, added: [added(300, '__proto__')] }),
      fileText({ ...base, extra: { hel: 258 }, merges: [] }),
      fileText({ ...base, extra: { ...base.extra, '<|end|>': 260 }, merges: [...base.merges, '<|end|> h'], added: [added(260, '<|end|>')] }),
    ];
    for (const c of cases) expectSame(c);
    // A polluted prototype is not the file's: the same read as without it, by both routes.
    const clean = bothRoutes(cases[2]);
    Object.prototype.vocab = { x: 1 };
    Object.prototype.merges = ['x y'];
    Object.prototype.added_tokens = [added(5, 'polluted')];
    Object.prototype.model = { type: 'BPE', vocab: {}, merges: [] };
    expect(bothRoutes(cases[2])).toEqual(clean);
    expect(clean.taken).toBe(true);
  });

  it('a text with a lone surrogate is left to JSON.parse; a bad name is the same TypeError', () => {
    const t = fileText({ ...base, added: [{ id: 300, content: 'a\ud800', special: true }] }).replace('\\ud800', '\ud800');
    expect(readFromBytes(t, {})).toBeUndefined();
    expect(outcome(() => Encoding.fromTokenizerJson(t).specialTokens['a\ud800']).value).toBe(300);
    const badName = outcome(() => Encoding.fromTokenizerJson(fileText(base), { name: 5 }));
    expect(badName.error?.name).toBe('TypeError');
    expect(badName).toEqual(outcome(() => Encoding.fromTokenizerJson(JSON.parse(fileText(base)), { name: 5 })));
  });

  it('a file written to disk loads by path the same as by its text', () => {
    const file = path.join(dir, 'tokenizer.json');
    writeFileSync(file, fileText(base));
    expect(summary(readFromBytes(file, { name: 'n' }))).toEqual(summary(readParsed(fileText(base), { name: 'n' })));
  });

  describe('SentencePiece-style files (parsed from the bytes already read, then src/sentencepiece.ts)', () => {
    const steps = JSON.parse(readFileSync(modelFile('llama2'), 'utf8'));
    delete steps.model.vocab;
    delete steps.model.merges;
    // A small Llama 2-style file: <unk> <s> </s>, the byte tokens, then a few pieces.
    function spText(merges, extra = {}) {
      const vocab = { '<unk>': 0, '<s>': 1, '</s>': 2 };
      for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
      Object.assign(vocab, { '▁': 259, a: 260, b: 261, ab: 262, '▁a': 263, '▁ab': 264 }, extra);
      return JSON.stringify({ ...steps, model: { ...steps.model, vocab, merges } });
    }
    const saved = (enc, name) => {
      const file = path.join(dir, name);
      enc.save(file);
      return hex(readFileSync(file));
    };

    it('Llama 2 loads from the bytes as from its parsed object: the same saved file', () => {
      const file = modelFile('llama2');
      expect(readFromBytes(file, {})?.merges).toBeDefined();
      const viaBytes = Encoding.fromTokenizerJson(file, { name: 'l2' });
      const viaObject = Encoding.fromTokenizerJson(JSON.parse(readFileSync(file, 'utf8')), { name: 'l2' });
      expect(saved(viaBytes, 'l2a.ttenc') === saved(viaObject, 'l2b.ttenc')).toBe(true);
    });

    it('merges as "a b" or pairs, and each malformed merge named with its value', () => {
      const good = spText(['a b', ['▁', 'a'], '▁a b']);
      const text = 'ab aab b';
      expect([...Encoding.fromTokenizerJson(good).encode(text)]).toEqual([...Encoding.fromTokenizerJson(JSON.parse(good)).encode(text)]);
      const cases = [
        [spText(['a b c']), '<text>: model.merges[0]: expected two tokens; got "a b c"'],
        [spText(['ab']), '<text>: model.merges[0]: expected two tokens; got "ab"'],
        [spText([['a', 'b', 'c']]), '<text>: model.merges[0]: expected two tokens; got ["a","b","c"]'],
        [spText([['a', 5]]), '<text>: model.merges[0]: expected two tokens; got ["a",5]'],
        [spText(['a b', 7]), '<text>: model.merges[1]: expected "a b" or ["a", "b"]'],
        [spText(['a z']), '<text>: model.merges[0]: "z" is not in model.vocab'],
        [spText(['z a']), '<text>: model.merges[0]: "z" is not in model.vocab'],
        [spText(['y z']), '<text>: model.merges[0]: "y" is not in model.vocab'],
        [spText(['b a']), '<text>: model.merges[0]: "ba" is not in model.vocab'],
        [spText([], { c: 'x' }), '<text>: model.vocab["c"]: the id must be an integer from 0 to 4294967294; got "x"'],
        [spText([], { c: 260 }), '<text>: model.vocab["c"]: the id 260 is also the id of "a"'],
      ];
      for (const [t, message] of cases) {
        expect(outcome(() => Encoding.fromTokenizerJson(t)).error, message).toEqual({ name: 'TurbotokenError', code: 'ERR_INVALID_VOCABULARY', message });
        expect(outcome(() => Encoding.fromTokenizerJson(JSON.parse(t))).error?.message).toBe(message.replace('<text>', '<object>'));
      }
    });
  });
});
