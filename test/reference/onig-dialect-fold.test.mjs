// (?i) in a tokenizer.json Split pattern, against Oniguruma (Hugging Face `tokenizers`): every
// character with a case, alone under (?i), matches the same partners once src/onig-dialect.ts has
// rewritten the pattern and src/pattern.ts has translated it. JavaScript only (the rewrite, RegExp
// and `tokenizers`), so it runs once, on no backend; test/reference/onig-dialect-hf holds the
// rewritten patterns to `tokenizers` through both backends' matchers.
import { describe, expect, it } from 'vitest';
import { fromOniguruma } from '../../dist/cjs/onig-dialect.js';
import { translatePattern } from '../../dist/cjs/pattern.js';
import { hfPreTokenizer } from '../support/hf-pretokenizer.mjs';

const split = (regex, behavior = 'Isolated') => ({ type: 'Split', pattern: { Regex: regex }, behavior, invert: false });

describe('(?i) on one letter matches what Oniguruma matches', () => {
  // Every character with a case, alone under (?i), on a text of all of them: the same partners
  // (both fold simply; the letters whose folding is several characters are refused). Letters
  // newer than the reference's Unicode (Node 20.20 has 17.0) are among them: the engine pairs
  // them, Oniguruma reads them as unassigned.
  const cased = [];
  for (let cp = 0; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) cased.push(ch);
  }
  const text = cased.join(' ');

  it('on every letter with a case', () => {
    let compared = 0;
    const differ = [];
    for (const ch of cased) {
      const pattern = `(?i)\\x{${ch.codePointAt(0).toString(16)}}`;
      let ours;
      try {
        ours = translatePattern(fromOniguruma(pattern));
      } catch {
        continue; // a multi-character folding: refused (tested below)
      }
      const mine = [...new Set(text.match(ours))].sort();
      const theirs = [...new Set(hfPreTokenizer({ type: 'Sequence', pretokenizers: [split(pattern, 'Removed')] }).preTokenizeString(text).flatMap(([piece]) => piece.split(' ')))];
      // Removed leaves the rest: the matched letters are the ones missing from it.
      const left = new Set(theirs);
      const matched = cased.filter((c) => !left.has(c)).sort();
      compared++;
      if (JSON.stringify(mine) !== JSON.stringify(matched)) differ.push([ch, mine.join(''), matched.join('')]);
    }
    expect(compared).toBeGreaterThan(2800);
    expect(differ.slice(0, 5)).toEqual([]);
  }, 120_000);
});
