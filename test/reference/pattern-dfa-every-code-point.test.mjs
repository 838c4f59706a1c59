// The Qwen3 and DeepSeek-V3 split patterns on the pattern matcher's lazy DFA (native/core/regex/
// lazy_dfa.*) against JavaScript's RegExp running the same translated pattern, on every code point
// after a letter, after two spaces, doubled and before a newline. Native only: the WebAssembly build
// runs the same C++ (pattern-dfa runs on both), and RegExp over 5.6 million characters per
// pattern is the cost here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelFile } from '../../scripts/model-files.mjs';
import { firstDifference } from '../support/regexp-matches.mjs';

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
