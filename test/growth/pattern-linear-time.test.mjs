// Split patterns that a backtracking engine runs in exponential or quadratic time (`(a+)+$` took
// 9.8 s on 31 bytes through JavaScript's RegExp) run in linear time on the core's pattern matcher,
// through every way a caller hands one in: new Encoding, a tokenizer.json Split and the tiktoken
// compatibility layer; constructs outside the linear subset are refused at load, naming them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { Tiktoken } from '../../tiktoken.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { rankEntries, referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { randomPattern } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';

const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));
const base = getEncoding('r50k_base');

// Each family with the text that makes a backtracking engine try every way to split a run.
const FAMILIES = [
  ['(a+)+$', (n) => 'a'.repeat(n) + '!'],
  ['(a|aa)+$', (n) => 'a'.repeat(n) + '!'],
  [String.raw`\d*\d*\d*x`, (n) => '1'.repeat(n)],
  [String.raw`(\w+\s?)*$`, (n) => 'ab '.repeat(n / 3) + '!'],
  // A short match while an alternative of higher priority runs to the end of the text, at every
  // position: quadratic on a Pike VM without the dead-state memo.
  [String.raw`\w+x|\w`, (n) => 'a'.repeat(n)],
  [String.raw`\s*[\r\n]+|\s+(?!\S)|\s`, (n) => ' '.repeat(n) + 'a'],
  // Line anchors (a tokenizer.json's ^ and $ hold at every "\n") on many lines.
  [String.raw`^(\w+\s?)*$|\n`, (n) => ('ab '.repeat(20) + '\n').repeat(n / 61) + '!'],
];

// Hugging Face cuts the text at every empty match, which the core's matcher does not report, so a
// tokenizer.json Split that can match the empty string is refused at load: through a tokenizer.json
// the families whose repetition can be empty are timed in their one-or-more form, as backtracking.
const oneOrMore = (pattern) => pattern.replace(String.raw`(\w+\s?)*`, String.raw`(\w+\s?)+`);

const SMALL = 20_000;
const LARGE = 8 * SMALL;
// Linear growth gives about 8; quadratic 64, exponential never finishes.
const BOUND = 24;

let dir;
function tokenizerJson(pattern) {
  dir ??= mkdtempSync(path.join(tmpdir(), 'turbotoken-linear-'));
  const file = path.join(dir, `p${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(tokenizerJsonFor(base, { maxRank: 3000, pattern })));
  return Encoding.fromTokenizerJson(file);
}

const ENTRY_POINTS = {
  'new Encoding': (pattern) => {
    const enc = new Encoding({ name: 'linear', pattern, ranks });
    return (text) => enc.encode(text);
  },
  'a tokenizer.json Split': (pattern) => {
    const timed = oneOrMore(pattern);
    if (timed !== pattern) {
      let refusal;
      try {
        tokenizerJson(pattern);
      } catch (error) {
        refusal = error;
      }
      expect({ pattern, code: refusal?.code, message: refusal?.message }).toMatchObject({ pattern, code: 'ERR_UNSUPPORTED_TOKENIZER', message: expect.stringMatching(/can match the empty string/) });
    }
    const enc = tokenizerJson(timed);
    return (text) => enc.encode(text);
  },
  'the tiktoken compatibility layer': (pattern) => {
    const enc = new Tiktoken(ranks, {}, pattern);
    return (text) => enc.encode(text);
  },
};

describe('split patterns run in linear time', () => {
  for (const [entry, make] of Object.entries(ENTRY_POINTS)) {
    it(`the backtracking families, through ${entry}`, () => {
      for (const [pattern, text] of FAMILIES) {
        const encode = make(pattern);
        const small = text(SMALL);
        const large = text(LARGE);
        encode(small);
        const growth = cpuGrowth(() => encode(small), () => encode(large), { bound: BOUND, runs: 3 });
        if (growth >= BOUND) expect({ pattern, entry, growth }).toEqual({ pattern, entry, growth: `< ${BOUND}` });
      }
    }, 120_000);
  }

  it('random patterns of the dialect, on repetitive text, through new Encoding', () => {
    const next = rng(0x11ea);
    let measured = 0;
    for (let p = 0; p < 16; p++) {
      const pattern = randomPattern(next);
      let enc;
      try {
        enc = new Encoding({ name: 'linear', pattern, ranks });
      } catch (error) {
        expect(error.code).toBe('ERR_INVALID_PATTERN');
        continue;
      }
      const unit = ['a', 'ab ', '1a', ' \n', 'é.', "'s "][p % 6];
      const small = unit.repeat(SMALL / unit.length / 2);
      const large = unit.repeat((LARGE / unit.length) / 2);
      const growth = cpuGrowth(() => enc.encode(small), () => enc.encode(large), { bound: BOUND, runs: 3 });
      if (growth >= BOUND) expect({ pattern, unit, growth }).toEqual({ pattern, unit, growth: `< ${BOUND}` });
      measured++;
    }
    expect(measured).toBeGreaterThan(12);
  }, 120_000);
});

describe('constructs outside the linear subset are refused at load', () => {
  const REFUSED = [
    [String.raw`(?=ab)\w`, /lookaround \(\?=\.\.\.\) over more than one character.*offset 0/],
    [String.raw`a(?<!ab)`, /lookaround \(\?<!\.\.\.\) over more than one character.*offset 1/],
    [String.raw`(?>a|ab)c`, /atomic group whose alternatives can start with the same character/],
    [String.raw`x(?:ab)++`, /atomic group or possessive repetition/],
    [String.raw`a{20000}b{20000}c{20000}`, /more than 50000 instructions/],
    [String.raw`(a)\1`, /backreference/],
    ['('.repeat(300) + 'a' + ')'.repeat(300), /nested more than 200 deep/],
  ];
  for (const [pattern, message] of REFUSED) {
    it(`refuses ${pattern.length > 40 ? pattern.slice(0, 40) + '…' : pattern}`, () => {
      for (const load of [() => new Encoding({ name: 'x', pattern, ranks }), () => new Tiktoken(ranks, {}, pattern)]) {
        let error;
        try {
          load();
        } catch (e) {
          error = e;
        }
        expect(error?.code).toBe('ERR_INVALID_PATTERN');
        expect(error.message).toMatch(message);
      }
    });
  }

  it('runs the possessive and atomic forms it proves linear as the reference (tiktoken) does', () => {
    // C*+ and C{n,m}+ take the longest run (capped at m) and never give back: a++a never matches.
    const texts = ['aaa', 'abb', 'ab1b2 aab', 'bbbbb', 'a1b', "x's 12345 ab", 'ababab', 'é́ab'];
    for (const pattern of [String.raw`a++a|[ab]{1,2}+b|(?>\p{L}+|\p{N})|.`, String.raw`[ab]{2,4}+|\d?+\d|(?>'s|\s)|\S`]) {
      const ours = new Encoding({ name: 'x', pattern, ranks });
      const ref = referenceFor(ranks, {}, pattern);
      for (const text of texts) expect({ pattern, text, ids: [...ours.encode(text)] }).toEqual({ pattern, text, ids: [...ref.encode(text)] });
      ref.free();
    }
  });
});
