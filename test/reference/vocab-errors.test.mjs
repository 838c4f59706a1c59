// Malformed vocabularies, patterns and tokenizer.json files: a typed error that names the file
// and the line or key, never a crash.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, TurbotokenError } from '../../index.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-bad-'));
const b64 = (s) => Buffer.from(s, 'latin1').toString('base64');
const BYTES = Array.from({ length: 256 }, (_, b) => `${b64(String.fromCharCode(b))} ${b}`);
const PATTERN = String.raw`\S+|\s+`;

function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function expectVocabError(fn, ...parts) {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(TurbotokenError);
  expect(error.code).toBe('ERR_INVALID_VOCABULARY');
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

function withLines(name, extra) {
  const file = path.join(dir, name);
  writeFileSync(file, [...BYTES, ...extra].join('\n') + '\n');
  return file;
}

const make = (ranks, more = {}) => () => new Encoding({ name: 'bad', pattern: PATTERN, ranks, ...more });

describe('malformed .tiktoken files', () => {
  it('names the file and line of bad base64', () => {
    const file = withLines('base64.tiktoken', [`${b64('ab')} 256`, 'not*base64 257']);
    expectVocabError(make(file), `${file}:258`, 'not valid base64');
    expectVocabError(make(Buffer.from('YWI= 0\nYW!= 1\n')), '<buffer>:2', 'not valid base64');
  });

  it('names both lines of a duplicate token and of a duplicate rank', () => {
    const dupBytes = withLines('dup-bytes.tiktoken', [`${b64('ab')} 256`, `${b64('ab')} 257`]);
    expectVocabError(make(dupBytes), `${dupBytes}:258`, `${dupBytes}:257`, 'same token bytes');
    const dupRank = withLines('dup-rank.tiktoken', [`${b64('ab')} 256`, `${b64('cd')} 256`]);
    expectVocabError(make(dupRank), `${dupRank}:258`, 'rank 256', `${dupRank}:257`);
  });

  it('names the line of a missing or malformed rank, an empty or over-long token, a huge rank', () => {
    expectVocabError(make(withLines('no-rank.tiktoken', [b64('ab')])), 'no-rank.tiktoken:257', 'expected');
    expectVocabError(make(withLines('neg-rank.tiktoken', [`${b64('ab')} -3`])), 'neg-rank.tiktoken:257', 'not a non-negative integer');
    expectVocabError(make(withLines('float-rank.tiktoken', [`${b64('ab')} 2.5`])), 'float-rank.tiktoken:257');
    expectVocabError(make(withLines('long.tiktoken', [`${b64('x'.repeat(65537))} 256`])), 'long.tiktoken:257', '65537 bytes');
    expectVocabError(make(withLines('huge.tiktoken', [`${b64('ab')} 99999999999`])), 'huge.tiktoken:257', 'largest supported rank');
    expectVocabError(make('\n\n'), 'no tokens');
  });

  it("reads the npm tiktoken package's \"! first-rank tokens...\" lines, naming a bad one", () => {
    const run = `! 0 ${BYTES.map((line) => line.split(' ')[0]).join(' ')}`;
    expect([...make(run)().encode('hi')]).toEqual([104, 105]);
    expectVocabError(make(`${run}\n! x ${b64('ab')}`), '<text>:2', 'first rank');
    expectVocabError(make(`${run}\n! 256 ${b64('ab')} b*d`), '<text>:2', 'the token of rank 257');
  });

  it('names a missing file', () => {
    expectVocabError(make(path.join(dir, 'nope.tiktoken')), 'nope.tiktoken');
  });

  it('checks Map ranks and special tokens', () => {
    const map = new Map([[Uint8Array.of(97), 0], [Uint8Array.of(97), 1]]);
    expectVocabError(make(map), 'ranks entry 1', 'same token bytes');
    expectVocabError(make(new Map([['a', 0], ['b', -1]])), 'ranks entry 1');
    const ranks = BYTES.join('\n') + '\n';
    expectVocabError(make(ranks, { specialTokens: { '<s>': 65 } }), 'specialTokens["<s>"]', 'rank of the token at <text>:66');
    expectVocabError(make(ranks, { specialTokens: { '<s>': 300, '</s>': 300 } }), 'specialTokens["</s>"]', 'also the id of "<s>"');
    expectVocabError(make(ranks, { specialTokens: { '<s>': 1.5 } }), 'specialTokens["<s>"]');
    expect(() => make(ranks, { specialTokens: { '': 300 } })()).toThrow(TypeError);
  });

  it('checks the option types', () => {
    expect(() => new Encoding({ name: 'x', pattern: PATTERN })).toThrow(TypeError);
    expect(() => new Encoding({ name: 1, pattern: PATTERN, ranks: 'x\n' })).toThrow(TypeError);
    expect(() => new Encoding({ name: 'x', pattern: PATTERN, ranks: 42 })).toThrow(TypeError);
    expect(() => new Encoding(null)).toThrow(TypeError);
    expect(() => new Encoding()).toThrow(TypeError);
  });
});

describe('patterns', () => {
  const ranks = BYTES.join('\n') + '\n';
  const patternError = (pattern) => {
    const error = errorOf(() => new Encoding({ name: 'p', pattern, ranks }));
    expect(error).toBeInstanceOf(TurbotokenError);
    expect(error.code).toBe('ERR_INVALID_PATTERN');
    return error.message;
  };

  it('refuses a pattern that does not compile', () => {
    expect(patternError('(abc')).toContain('unclosed group');
    expect(patternError('a{2,1}')).toContain('does not compile');
    expect(patternError('\\p{NoSuchProperty}+')).toContain('does not compile');
    expect(patternError('*a')).toContain('nothing to repeat');
  });

  it('refuses constructs without an exact JavaScript equivalent, naming them', () => {
    expect(patternError('\\bword\\b')).toContain('"\\b"');
    expect(patternError('(?s:.)')).toContain('(?s:');
    expect(patternError('(a)\\1')).toContain('backreference');
    expect(patternError('[[:alpha:]]')).toContain('nested character class');
    expect(patternError('[a-z&&[^aeiou]]')).toContain('"&&"');
    expect(patternError('[\\S]')).toContain('\\S inside a character class');
    expect(patternError('(?i:[\\x{100}-\\x{400}])')).toContain('escape or class as an end of a range');
    expect(patternError('(?i:[a-\\x{400}])')).toContain('escape or class as an end of a range');
    expect(patternError('(?i:[\u0100-\u0400])')).toContain('more than 256 characters');
  });

  it('translates what it accepts: atomic groups, possessive and lazy repetition, \\d as Unicode digits', () => {
    const cases = [
      ['(?>ab|c)d', 'abd abcd cd', ['abd', 'cd', 'cd']], // atomic, alternatives with different first characters
      ['a*+a', 'aaa', []],
      ['\\d+', 'x١٢3y', ['١٢3']],
      ['\\p{L}+?', 'ab', ['a', 'b']],
      ["(?i)'S|x", "'s 'ſ X", ["'s", "'ſ", 'X']],
      ['(?i:[\\x41b]+)', 'aBAb-c', ['aBAb']],
      ['(?i:[a-c]+)', 'xAbCd\u212a', ['AbC']],
      ['(?i:[j-l]+)', 'xJ\u212ay', ['J\u212a']],
    ];
    for (const [pattern, text, pieces] of cases) {
      const encoding = new Encoding({ name: 'p', pattern, ranks });
      const expected = pieces.flatMap((p) => [...Buffer.from(p)]);
      expect([...encoding.encode(text)]).toEqual(expected);
    }
  });

  it('refuses an atomic group the linear-time matcher cannot run exactly, naming it', () => {
    // (?>a|ab)c: after "a" the group commits, so "abc" does not match; a linear-time matcher has
    // no way to give up the longer alternative, and no backtracking engine runs user patterns.
    expect(() => new Encoding({ name: 'p', pattern: '(?>a|ab)c', ranks })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_PATTERN', message: expect.stringContaining('atomic group') }),
    );
  });
});

describe('malformed tokenizer.json', () => {
  const alphabet = Array.from({ length: 256 }, (_, b) => b);
  const good = () => ({
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    model: { type: 'BPE', vocab: Object.fromEntries([['a', 0], ['b', 1], ['ab', 2]]), merges: ['a b'] },
  });
  const fails = (json, code, ...parts) => {
    const error = errorOf(() => Encoding.fromTokenizerJson(json));
    expect(error).toBeInstanceOf(TurbotokenError);
    expect(error.code).toBe(code);
    for (const part of parts) expect(error.message).toContain(part);
  };

  it('accepts the well-formed base case', () => {
    expect([...Encoding.fromTokenizerJson(good()).encode('ab')]).toEqual([2]);
    expect(alphabet.length).toBe(256);
  });

  it('names the file of invalid JSON', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"model": ');
    fails(file, 'ERR_INVALID_VOCABULARY', file, 'not valid JSON');
    fails(path.join(dir, 'missing.json'), 'ERR_INVALID_VOCABULARY', 'missing.json');
  });

  it('refuses other models, byte fallback, dropout, prefixes and suffixes, naming the key', () => {
    for (const type of ['Unigram', 'WordPiece', 'WordLevel']) fails({ ...good(), model: { ...good().model, type } }, 'ERR_UNSUPPORTED_TOKENIZER', 'model.type', type);
    fails({ ...good(), model: { ...good().model, byte_fallback: true } }, 'ERR_UNSUPPORTED_TOKENIZER', 'model.byte_fallback');
    fails({ ...good(), model: { ...good().model, dropout: 0.1 } }, 'ERR_UNSUPPORTED_TOKENIZER', 'model.dropout');
    fails({ ...good(), model: { ...good().model, continuing_subword_prefix: '##' } }, 'ERR_UNSUPPORTED_TOKENIZER', 'model.continuing_subword_prefix');
  });

  it('refuses normalizers other than NFC and unsupported pre-tokenizers, naming the key', () => {
    fails({ ...good(), normalizer: { type: 'Lowercase' } }, 'ERR_UNSUPPORTED_TOKENIZER', 'normalizer', 'Lowercase');
    fails({ ...good(), pre_tokenizer: { type: 'BertPreTokenizer' } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer', 'BertPreTokenizer');
    fails({ ...good(), pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'UnicodeScripts' }] } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer.pretokenizers[0].type');
    fails({ ...good(), pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'ByteLevel' }, { type: 'ByteLevel' }] } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer.pretokenizers[1]', 'second ByteLevel');
    fails({ ...good(), pre_tokenizer: { type: 'Digits', individual_digits: true } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer', 'ByteLevel');
    fails({ ...good(), pre_tokenizer: null }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer', 'ByteLevel');
    const split = { type: 'Split', pattern: { Regex: '\\s*' }, behavior: 'Isolated', invert: false };
    fails({ ...good(), pre_tokenizer: { type: 'Sequence', pretokenizers: [split, { type: 'Digits', individual_digits: true }, { type: 'ByteLevel', use_regex: false }] } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer.pretokenizers[0].pattern', 'empty string');
    // Alone before ByteLevel too: Hugging Face cuts "\n\n" at the empty matches of x* into two pieces.
    const alone = { type: 'Split', pattern: { Regex: 'x*|\n' }, behavior: 'Isolated', invert: false };
    fails({ ...good(), pre_tokenizer: { type: 'Sequence', pretokenizers: [alone, { type: 'ByteLevel', use_regex: false }] } }, 'ERR_UNSUPPORTED_TOKENIZER', 'pre_tokenizer.pretokenizers[0].pattern', 'empty string');
  });

  it('names the key of a malformed vocabulary or merges entry', () => {
    fails({ ...good(), model: { ...good().model, merges: ['a b c'] } }, 'ERR_INVALID_VOCABULARY', 'model.merges[0]');
    fails({ ...good(), model: { ...good().model, merges: [['a', 'x']] } }, 'ERR_INVALID_VOCABULARY', 'model.merges[0]', '"x"');
    fails({ ...good(), model: { ...good().model, merges: [7] } }, 'ERR_INVALID_VOCABULARY', 'model.merges[0]');
    fails({ ...good(), model: { ...good().model, vocab: { a: 0, b: 'one', ab: 2 } } }, 'ERR_INVALID_VOCABULARY', 'model.vocab["b"]');
    fails({ ...good(), model: { ...good().model, vocab: { a: 0, b: 0, ab: 2 } } }, 'ERR_INVALID_VOCABULARY', 'model.vocab["b"]', 'also the id of "a"');
    fails({ ...good(), model: { ...good().model, vocab: { a: 0, b: 1, ab: 2, ' x': 3 } }, merges: [] }, 'ERR_UNSUPPORTED_TOKENIZER', 'model.vocab[" x"]', 'byte-level');
    fails({ ...good(), model: { ...good().model, vocab: undefined } }, 'ERR_INVALID_VOCABULARY', 'model.vocab');
    fails({ ...good(), added_tokens: [{ id: 1, content: '<s>' }] }, 'ERR_INVALID_VOCABULARY', 'added_tokens[0]', '"b"');
    fails({ model: 3 }, 'ERR_INVALID_VOCABULARY', 'model');
    fails('{"model": {"type": "BPE"', 'ERR_INVALID_VOCABULARY', '<text>');
    expect(() => Encoding.fromTokenizerJson(42)).toThrow(TypeError);
  });
});
