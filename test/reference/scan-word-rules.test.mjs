// The scalar scanners' word rules on every short string over characters of each class they
// tell apart: combining marks (which o200k_base's pattern lets be both a prefix and a letter of
// either case class), upper, lower, title-case, modifier and other letters, digits, spaces,
// punctuation and a newline. Each string of up to four of them alone, token-for-token against
// tiktoken: the order in which the rules are tried, and which of them can be skipped, decides
// pieces such as a mark followed by capitals.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { reference, sameIds } from '../support/reference.mjs';

const ALPHABET = ['\u0301', '\u0903', 'A', 'Б', 'a', 'б', 'ǅ', 'ʰ', '中', '7', ' ', '.', '\n'];

function* strings(maxLength) {
  let level = [''];
  for (let k = 1; k <= maxLength; k++) {
    level = level.flatMap((s) => ALPHABET.map((c) => s + c));
    yield* level;
  }
}

describe.each(['cl100k_base', 'o200k_base'])('%s: word rules on short strings', (name) => {
  it('matches tiktoken on every string of up to four characters from each class', () => {
    const ours = getEncoding(name);
    const ref = reference(name);
    const failures = [];
    let checked = 0;
    for (const text of strings(4)) {
      checked++;
      if (!sameIds(ours.encodeOrdinary(text), ref.encode_ordinary(text))) failures.push(JSON.stringify(text));
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(13 + 13 ** 2 + 13 ** 3 + 13 ** 4);
  });
});
