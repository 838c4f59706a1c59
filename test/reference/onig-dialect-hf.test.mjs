// A tokenizer.json Split pattern is Oniguruma's dialect (Hugging Face compiles it with Oniguruma),
// rewritten at load into the dialect of new Encoding({ pattern }) (src/onig-dialect.ts). Each
// construct where the two dialects differ, against `tokenizers` itself: line anchors next to
// "\n", "\r\n", "\r", U+2028 and at the text's ends, also inside the pieces of earlier steps; \h,
// \R, \N, \O, \w, \W, \b, (?m), option groups in mid-group, re-repeated intervals; the classes on
// every code point; the step path (the core's Splitter) and the one-pattern path (the encoding's
// matcher) on both backends. Constructs with no exact rewrite are refused naming the key and the
// construct, and new Encoding keeps its own dialect.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { fromOniguruma } from '../../dist/cjs/onig-dialect.js';
import { PreTokenizerSequence, readStep } from '../../dist/cjs/pretokenizer-sequence.js';
import { byteLevelAlphabet, tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { everyCodePointByPlane, hfPreTokenizer } from '../support/hf-pretokenizer.mjs';
import { comparePieceLists, sequencePieces } from '../support/piece-lists.mjs';
import { randomText, rng } from '../support/random-text.mjs';
import { rankEntries, tiktokenText } from '../support/custom-vocab.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const SOURCE = '<test>';
const fields = (v) => Object.assign(Object.create(null), v);
const split = (regex, behavior = 'Isolated') => ({ type: 'Split', pattern: { Regex: regex }, behavior, invert: false });
const byteLevel = (useRegex = false) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
const UNMAP = new Map(byteLevelAlphabet().map((ch, b) => [ch, b]));

/** Our pieces and Hugging Face's for `steps` (Split steps, maybe a last ByteLevel) on every text. */
function comparePieces(steps, texts) {
  const hf = hfPreTokenizer({ type: 'Sequence', pretokenizers: steps });
  const mapped = steps.some((s) => s.type === 'ByteLevel');
  const sequence = new PreTokenizerSequence(steps.map((s, k) => readStep(fields(s), SOURCE, `pre_tokenizer.pretokenizers[${k}]`)));
  const ours = (text) => sequencePieces(sequence, text);
  const theirs = (text) => hf.preTokenizeString(text).map(([piece]) => (mapped ? Buffer.from([...piece].map((ch) => UNMAP.get(ch))) : Buffer.from(piece, 'utf8')).toString('hex'));
  return comparePieceLists(texts, ours, theirs, (hex) => Buffer.from(hex, 'hex').toString());
}

const base = getEncoding('r50k_base');
const tokenizerJson = (pattern) => tokenizerJsonFor(base, { maxRank: 3000, pattern });

/** Our ids (fromTokenizerJson: one Isolated pattern, the encoding's own matcher) and Hugging Face's. */
async function compareIds(pattern, texts) {
  const json = tokenizerJson(pattern);
  const ours = Encoding.fromTokenizerJson(json);
  const hf = Tokenizer.fromString(JSON.stringify(json));
  let mismatches = 0;
  let first;
  for (const text of texts) {
    const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
    const mine = [...ours.encode(text)];
    if (JSON.stringify(mine) === JSON.stringify(theirs)) continue;
    mismatches++;
    first ??= { text, ours: mine, theirs };
  }
  return { mismatches, first };
}

const next = rng(0x0a19);
const LINE_ENDS = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f', '\n\n', '\r\r\n'];
const TEXTS = [
  '', 'a', '\n', 'a\n', '\na', 'a\nb', 'a\nb\n', '\n\na\n\n', 'ab\r\ncd\r\n', 'a\rb\r', '\r\na', 'a\u2028b\u2029c\u0085d',
  'x aa\nbb a\n', 'aa\n\nbb', ' a \n b \n', '0x1F aF g\n9', 'a b\tc\u00b2\u00bd\u200cd\u200de', 'aaaaa{x}', 'A\u0007\u001b\u0008',
  'ß ss SS Kk\u212a', 'word\nword word\r\nword', '\u00b2x x\u00b2 \u00bcy', 'ab\u0301c d_e 12',
  'aBCc xAc xac Bc bC XaC aB\nC',
  // Seeded texts with line ends dropped in at random places, at the start and at the end.
  ...Array.from({ length: 60 }, (_, k) => {
    const parts = [];
    for (let n = 1 + Math.floor(next() * 5); n > 0; n--) parts.push(randomText(next, Math.floor(next() * 12)), LINE_ENDS[Math.floor(next() * LINE_ENDS.length)]);
    if (k % 2) parts.reverse();
    return parts.join('');
  }),
];

// Patterns that cannot match the empty string (a sequence of steps refuses those), each showing
// one construct: how both dialects read it is in the comment.
const PATTERNS = [
  '^\\p{L}+|\\p{L}+$|\\s+|[^\\s\\p{L}]+', // line anchors: the text's ends only, in the other dialect
  '^\\S|\\S$', //                             each line's first and last character
  '\\n^|$\\n|^\\n', //                        "^" is false at the very end, after a last "\n"
  '(?:^|b)a|a(?:b|$)',
  '^[^\\n]+$|\\n|.', //                       whole lines
  '^\\r|\\r$', //                              "\r" is no line end: only "\n" is
  '\\Aa|a\\z|\\A\\n|\\n\\z', //                 the text's ends, in both
  '\\h+', //                                   a hex digit (an error there)
  '[\\h\\s]+',
  '\\R', //                                    a line break, "\r\n" whole (an error there)
  '\\R\\n|.', //                               "\r\n" is not taken apart to let "\n" follow
  '\\N+|\\O', //                               not "\n", any character
  '(?m).+|x', //                               Ruby's m is dotall (an error there)
  '(?m:a.)|.',
  'a(?i)b|c', //                               a(?i:b|c), not (?:a(?i)b)|(?i:c)
  '(?:x(?i)a|b)c|.',
  '(?i:a)(?m)b.|.',
  '\\w+|\\W', //                               Oniguruma's \w: no U+200C/U+200D, with ² ³ ¹ ¼ ½ ¾
  '[\\w]+|.', //                               inside a class without those six
  '\\bx|x\\b|\\B.', //                         word boundaries on that \w (an error there)
  'a{1,2}+', //                                (?:a{1,2})+, not possessive
  'xa{2}?', //                                 (?:a{2})?, not lazy
  'a{,2}b|.', //                               {0,2}
  'a**b|a|.', //                               a quantifier on a quantifier
  'a{x|\\{|.', //                              "{" that starts no interval is a character
  '\\x4|\\x41|[\\x9]', //                      \xH with one digit
  '\\p{^L}+|[\\p{^N}]', //                     \p{^...} is \P{...}
  '[\\b]|(?#comment)a', //                     a backspace in a class; a comment
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", // Llama 3's, unchanged
];

describe('tokenizer.json Split patterns are read as Oniguruma reads them', () => {
  it.each(PATTERNS)('%s: the Splitter (Isolated, Removed, MergedWithNext)', (pattern) => {
    for (const behavior of ['Isolated', 'Removed', 'MergedWithNext']) {
      const result = comparePieces([split(pattern, behavior)], TEXTS);
      expect({ behavior, ...result }).toEqual({ behavior, mismatches: 0, first: undefined });
    }
  });

  it.each(PATTERNS)('%s: the one-pattern path of fromTokenizerJson', async (pattern) => {
    expect(await compareIds(pattern, TEXTS)).toEqual({ mismatches: 0, first: undefined });
  });

  it('Llama 3\'s pattern is left as it is (its native fast path and patternSource unchanged)', () => {
    const pattern = PATTERNS[PATTERNS.length - 1];
    expect(Encoding.fromTokenizerJson(tokenizerJson(pattern)).patternSource).toBe(pattern);
  });
});

describe('anchors inside the pieces of earlier steps', () => {
  // Hugging Face runs each step on each piece separately: a piece's edges are its anchors' ends.
  const SEQUENCES = {
    'spaces removed, then line anchors': [split(' ', 'Removed'), split('^\\S|\\S$|\\n', 'Isolated')],
    'digits isolated, then line anchors': [split('\\p{N}+', 'Isolated'), split('^.|.$', 'Isolated')],
    'lines kept whole, then anchors': [split('\\n', 'MergedWithPrevious'), split('^\\S+|\\S+$|\\s', 'Isolated')],
    'line anchors, then line anchors, then ByteLevel': [split('$\\n|[^\\n]+', 'Isolated'), split('^.|\\n', 'Isolated'), byteLevel()],
    '\\R, then \\b': [split('\\R', 'MergedWithPrevious'), split('\\b\\w+\\b|\\W', 'Isolated'), byteLevel()],
  };
  it.each(Object.keys(SEQUENCES))('%s', (name) => {
    expect(comparePieces(SEQUENCES[name], TEXTS)).toEqual({ mismatches: 0, first: undefined });
  });

  it('a Sequence with a line-anchored step loads through fromTokenizerJson and gives Hugging Face\'s ids', async () => {
    const json = tokenizerJson('x');
    json.pre_tokenizer = { type: 'Sequence', pretokenizers: [split('\\s+', 'Isolated'), split('^\\S|\\S$|[^\\n]', 'Isolated'), byteLevel()] };
    const ours = Encoding.fromTokenizerJson(json);
    const hf = Tokenizer.fromString(JSON.stringify(json));
    for (const text of TEXTS) expect({ text, ids: [...ours.encode(text)] }).toEqual({ text, ids: (await hf.encode(text, null, { addSpecialTokens: false })).getIds() });
  });
});

describe('the rewritten classes on every code point', () => {
  const chunks = everyCodePointByPlane();
  it.each(['\\w', '[\\w]', '\\b.', '\\h|\\R|(?m:\\N)'])('%s', (pattern) => {
    expect(comparePieces([split(pattern, 'Removed')], chunks)).toEqual({ mismatches: 0, first: undefined });
  }, 60_000);
});

function refusal(json) {
  try {
    Encoding.fromTokenizerJson(json);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('constructs with no exact rewrite are refused, naming the key and the construct', () => {
  it.each([
    ['a\\Z', '\\Z'],
    ['\\X', '\\X'],
    ['a\\K', '\\K'],
    ['\\Ga', '\\G'],
    ['[[:alpha:]]+', 'POSIX bracket'],
    ['(?x)a b', '(?x)'],
    ['(?i)ss', 'full case folding'],
    ['(?i:\\x{53}t)', 'full case folding'],
    ['(?i)\u00df', 'case folding is several characters'],
    ['(?i)[a\u00df]', 'case folding is several characters'],
    ['(?i)a|b(?-i)c', 'turning (?i) off'],
    ['a(?=$)', 'lookaround'],
  ])('%s', (pattern, construct) => {
    // Hugging Face runs each of these.
    expect(() => hfPreTokenizer({ type: 'Sequence', pretokenizers: [split(pattern)] })).not.toThrow();
    for (const [pre, key] of [
      [{ type: 'Sequence', pretokenizers: [split(pattern), byteLevel()] }, 'pre_tokenizer.pretokenizers[0].pattern'],
      [{ type: 'Sequence', pretokenizers: [split('\\s+'), split(pattern), byteLevel()] }, 'pre_tokenizer.pretokenizers[1].pattern'],
    ]) {
      const json = tokenizerJson('x');
      json.pre_tokenizer = pre;
      const error = refusal(json);
      expect(error?.code).toBe('ERR_UNSUPPORTED_TOKENIZER');
      expect(error.message).toContain(key);
      expect(error.message).toContain(construct);
    }
  });
});

describe('new Encoding keeps its own dialect', () => {
  const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));
  it('^ is the text\'s start there; the tokenizer.json pattern\'s patternSource reads the same in it', () => {
    const own = new Encoding({ name: 'own', pattern: '^a|\\n|b', ranks });
    expect(own.decode(own.encode('b\na'))).toBe('b\n'); // the second "a" is at no text start: dropped, as tiktoken drops it
    const lines = Encoding.fromTokenizerJson(tokenizerJson('^a|\\n|b'));
    expect(lines.decode(lines.encode('b\na'))).toBe('b\na');
    // A pattern that leaves no gaps (new Encoding drops them, a tokenizer.json keeps them).
    const file = Encoding.fromTokenizerJson(tokenizerJson('^\\p{L}+|\\p{L}+$|\\p{L}|\\s+|[^\\s\\p{L}]+'));
    expect(file.decode(file.encode('b\na'))).toBe('b\na');
    const again = new Encoding({ name: 'again', pattern: file.patternSource, ranks });
    for (const text of TEXTS) expect([...again.encode(text)]).toEqual([...file.encode(text)]);
  });

  it('a saved encoding reads its steps back in that dialect', async () => {
    // A Whitespace step is \w+|[^\w\s]+ in the Rust dialect, where "x²" is two pieces; Oniguruma's
    // \w makes it one. A token for "x²" (bytes 78 C2 B2, "xÂ²" in ByteLevel's characters) shows which.
    const json = tokenizerJson('x');
    json.model.vocab['xÂ'] = 3000;
    json.model.vocab['xÂ²'] = 3001;
    json.model.merges.push(['x', 'Â'], ['xÂ', '²']);
    json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, split('^.|\\w$|.+', 'Isolated'), byteLevel()] };
    const enc = Encoding.fromTokenizerJson(json);
    const hf = Tokenizer.fromString(JSON.stringify(json));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'turbotoken-onig-')), 'enc.bin');
    enc.save(file);
    const loaded = Encoding.load(file);
    const texts = [...TEXTS, 'ax\u00b2 x\u00b2\nx\u00b2x'];
    for (const text of texts) {
      const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
      expect({ text, ids: [...enc.encode(text)] }).toEqual({ text, ids: theirs });
      expect({ text, ids: [...loaded.encode(text)] }).toEqual({ text, ids: theirs });
    }
    expect([...enc.encode('x\u00b2')]).not.toContain(3001); // the Whitespace step cuts before "²"
  });
});
