// Run in a child process with TURBOTOKEN_KERNEL set: the pattern Splitter's pieces for patterns
// whose matches start at few bytes, where the DFA's skip over the text (the kernel's byte-set
// search, text/byte_set.h) decides where searches begin. One start byte at every offset of texts
// longer and shorter than a 32-byte block, after fillers whose bytes are not in the set (some
// sharing a UTF-8 lead byte with ones that are), and seeded random texts. Prints one JSON line:
// { backend, pieces } with one list of [start, end) pairs per case, in a fixed order.
import { createRequire } from 'node:module';
import { backend } from '../../index.mjs';
import { randomText, rng } from './random-text.mjs';

const require = createRequire(import.meta.url);
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { createSplitter, SplitMode } = require('../../dist/cjs/pattern-matcher.js');

// [pattern, a character it matches, fillers it does not match]
const CASES = [
  ['\\p{N}{1,3}', '7', ['a', ' ', 'ä', '中']],
  ['\\p{N}{1,3}', '٣', ['a', 'ش', '中']],
  ['[一-龥぀-ゟ゠-ヿ]+', '中', ['a', 'é', '㐀', '\u3000']],
  ['é+|ß', 'é', ['e', 'ä', 'Ä', ' ']],
  ['\\$\\d*', '$', ['a', '1', '€']],
  ['x(?!\\S)', 'x', ['y', '\n', 'ж']],
  ['😀+', '😀', ['😁', 'a', '中']],
  ['[\\x7f~]', '~', ['}', '\u0080', 'a']],
];

const pieces = [];
for (const [pattern, hit, fillers] of CASES) {
  const one = createSplitter([{ program: compilePattern(pattern), mode: SplitMode.Isolated }]);
  // A later step: the skip over many pieces at once.
  const later = createSplitter([
    { program: compilePattern('\\s+'), mode: SplitMode.Isolated },
    { program: compilePattern(pattern), mode: SplitMode.Isolated },
  ]);
  const run = (text) => {
    const bytes = Buffer.from(text, 'utf8');
    pieces.push([...one.split(bytes)], [...later.split(bytes)]);
  };
  for (const filler of fillers) {
    for (const length of [1, 31, 32, 33, 63, 64, 65, 100]) {
      const base = Array(length).fill(filler);
      run(base.join(''));
      for (let at = 0; at < length; at++) {
        const chars = base.slice();
        chars[at] = hit;
        run(chars.join(''));
        // Two hits: the search resumes past the first.
        if (at + 3 < length) {
          chars[at + 3] = hit;
          run(chars.join(''));
        }
      }
    }
  }
  const next = rng(0x62797465 + pattern.length);
  for (let k = 0; k < 40; k++) run(randomText(next, 60));
}
console.log(JSON.stringify({ backend, pieces }));
