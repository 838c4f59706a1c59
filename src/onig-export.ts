// A pattern in the dialect of `new Encoding({ pattern })` written for a tokenizer.json, whose
// readers (Hugging Face `tokenizers`) take it as Oniguruma: the constructs the two dialects read
// differently are spelled so that Oniguruma reads them as the other dialect does (`^` as \A, `$` as
// \z, `\w` and `\W` as explicit classes, a lazy `{n}?` as `{n}`). The result is then read back
// through src/onig-dialect.ts, the rewrite held to `tokenizers` by its tests, and must compile to
// the very program the given pattern compiles to; anything else is refused naming the construct.
import { TurbotokenError } from './errors';
import { fromOniguruma } from './onig-dialect';
import { compilePattern } from './pattern-program';

// The other dialect's \w (Unicode's word set) as class items Oniguruma reads the same way: its own
// \w lacks Join_Control and, outside a class, adds the Latin-1 digits ² ³ ¹ and fractions.
const WORD_ITEMS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}';

function refusal(pattern: string, what: string): TurbotokenError {
  const shown = JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern);
  return new TurbotokenError(
    `The pattern ${shown} cannot be written to a tokenizer.json: ${what}, which Hugging Face (reading the pattern with Oniguruma) would split differently`,
    'ERR_UNSUPPORTED_TOKENIZER',
  );
}

function sameProgram(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** An escape's full text at `at` (a backslash): `\p{..}`, `\x{..}` to their brace, else one character. */
function escapeAt(pattern: string, at: number): string {
  const next = pattern[at + 1];
  if ((next === 'p' || next === 'P' || next === 'x') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    if (close > 0) return pattern.slice(at, close + 1);
  }
  const cp = pattern.codePointAt(at + 1);
  return cp === undefined ? '\\' : '\\' + String.fromCodePoint(cp);
}

/**
 * `pattern` (as `new Encoding` reads it) spelled for Oniguruma, unchanged when no construct differs
 * (the shipped patterns), or an ERR_UNSUPPORTED_TOKENIZER error naming what has no such spelling.
 */
export function toOniguruma(pattern: string): string {
  const given = compilePattern(pattern).words;
  let out = '';
  let inClass = 0;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '\\') {
      const esc = escapeAt(pattern, i);
      i += esc.length;
      if (esc === '\\w') out += inClass ? WORD_ITEMS : `[${WORD_ITEMS}]`;
      else if (esc === '\\W') {
        if (inClass) throw refusal(pattern, '`\\W` inside a class');
        out += `[^${WORD_ITEMS}]`;
      } else out += esc;
      continue;
    }
    if (inClass) {
      if (c === '[') inClass++;
      else if (c === ']') inClass--;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = 1;
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++; // a leading ] is a character
      out += pattern.slice(i, j);
      i = j;
      continue;
    }
    if (c === '^') out += '\\A';
    else if (c === '$') out += '\\z';
    else if (c === '{') {
      const interval = /^\{(\d+)(,\d*)?\}([+?]?)/.exec(pattern.slice(i));
      if (interval) {
        if (interval[3] === '+') throw refusal(pattern, `the possessive \`${interval[0]}\` (Oniguruma repeats the interval again)`);
        // X{n}? is X{n} lazily, that is X{n}; Oniguruma would read (?:X{n})?.
        out += interval[3] === '?' && !interval[2] ? interval[0].slice(0, -1) : interval[0];
        i += interval[0].length;
        continue;
      }
      out += c;
    } else out += c;
    i++;
  }
  let back: Uint32Array;
  try {
    back = compilePattern(fromOniguruma(out)).words;
  } catch (error) {
    if (error instanceof TurbotokenError) throw refusal(pattern, error.message.replace(/^The pattern .*? cannot be used: /, ''));
    throw error;
  }
  if (!sameProgram(given, back)) {
    const group = /[^(:|]\(\?[a-z]+\)/.exec(pattern);
    throw refusal(pattern, group ? `the option group \`${group[0].slice(1)}\` in mid-group (Oniguruma extends it over the alternatives after it)` : 'a construct');
  }
  return out;
}
