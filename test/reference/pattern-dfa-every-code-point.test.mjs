// The Qwen3 and DeepSeek-V3 split patterns on the pattern matcher's lazy DFA (native/core/regex/
// lazy_dfa.*) against JavaScript's RegExp running the same translated pattern, on every code point
// after a letter, after two spaces, doubled and before a newline. Native only: the WebAssembly build
// runs the same C++ (pattern-dfa runs on both), and RegExp over 5.6 million characters per
// pattern is the cost here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { modelFile } from '../../scripts/model-files.mjs';

const require = createRequire(import.meta.url);
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

function regexpMatches(re, text) {
  const out = [];
  re.lastIndex = 0;
  let bytes = 0;
  let upTo = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    bytes += Buffer.byteLength(text.slice(upTo, m.index), 'utf8');
    const length = Buffer.byteLength(m[0], 'utf8');
    out.push(bytes, bytes + length);
    bytes += length;
    upTo = m.index + m[0].length;
  }
  return out;
}

function firstDifference(pattern, text) {
  const ours = findMatches(compilePattern(pattern), Buffer.from(text, 'utf8'));
  const theirs = regexpMatches(translatePattern(pattern), text);
  if (ours.length === theirs.length && ours.every((v, k) => v === theirs[k])) return undefined;
  const at = [...ours].findIndex((v, k) => v !== theirs[k]);
  return { pattern, pairs: [ours.length / 2, theirs.length / 2], at, ours: [...ours.slice(at, at + 4)], theirs: theirs.slice(at, at + 4) };
}

const qwen3 = JSON.parse(readFileSync(modelFile('qwen3'), 'utf8')).pre_tokenizer.pretokenizers[0].pattern.Regex;
const deepseek = JSON.parse(readFileSync(modelFile('deepseek_v3'), 'utf8')).pre_tokenizer.pretokenizers.map((s) => s.pattern?.Regex).filter(Boolean);

// Each code point after a letter, after two spaces, doubled and before a newline.
function contexts(from, to) {
  const parts = [];
  for (let cp = from; cp < Math.min(to, 0x110000); cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    parts.push(`a${c}  ${c}${c}\n`);
  }
  return parts.join('');
}

describe('model patterns on every code point', () => {
  it.each([['Qwen3', qwen3], ...deepseek.map((p, k) => [`DeepSeek-V3 step ${k + 1}`, p])])('%s', (_name, pattern) => {
    for (let cp = 0; cp < 0x110000; cp += 0x20000) expect(firstDifference(pattern, contexts(cp, cp + 0x20000))).toBeUndefined();
  });
});
