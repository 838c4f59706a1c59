// A tokenizer.json Split pattern is read by Hugging Face `tokenizers` with Oniguruma (its default
// syntax), whose dialect differs from the one `new Encoding({ pattern })` takes (tiktoken's Rust
// fancy-regex, src/pattern.ts) in a few constructs. This rewrites a pattern from Oniguruma's
// dialect into that one, so that one translator, one compiler and one saved form serve both; a
// construct with no exact rewrite is refused naming it. What differs (each checked against
// `tokenizers`, test/reference/onig-dialect-hf.test.mjs):
// - `^` holds at the start and after every "\n" except at the very end; `$` at the end and before
//   every "\n" ("\r", U+2028 and the rest are not line ends): lookarounds on one character.
// - `\h` is a hex digit; `\R` a line break ("\r\n" kept whole); `\N` any character but "\n", `\O`
//   any; `\w` lacks U+200C U+200D and, outside a class (and in `\b`), adds U+00B2 U+00B3 U+00B9
//   U+00BC-U+00BE.
// - `(?m)` makes `.` match "\n" (Ruby's m); an option group `(?i)` in mid-group takes the rest of
//   the group as one group, alternatives included: a(?i)b|c is a(?i:b|c).
// - `X{n,m}+` and `X{n}?` are not possessive or lazy but repeat again: (?:X{n,m})+, (?:X{n})?; so
//   is any quantifier after another (`a**`); `{,n}` is {0,n}; a `{` that starts no interval is a
//   character; `\xH` takes one or two digits; `\p{^L}` is \P{L}.
// - `(?i)` folds with full case folding in a run of characters: "ss" also matches "ß", "st" "ﬆ".
//   Patterns where that can happen are refused.
import { TurbotokenError } from './errors';

function refusal(pattern: string, at: number, what: string): TurbotokenError {
  const shown = JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern);
  return new TurbotokenError(`The pattern ${shown} cannot be used: ${what} (at offset ${at}; Hugging Face reads tokenizer.json patterns with Oniguruma)`, 'ERR_INVALID_PATTERN');
}

const ANY = '(?:.|\\n)';
const LINE_START = `(?:\\A|(?<=\\n)(?=${ANY}))`;
const LINE_END = '(?:\\z|(?=\\n))';
// Oniguruma's \w inside a class: Alphabetic, marks, decimal digits and connectors (no
// Join_Control, which the other dialect's \w has). Outside a class, and in \b, its Latin-1 table
// also makes the superscript digits and vulgar fractions word characters.
const CLASS_WORD_ITEMS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}';
const WORD_ITEMS = `${CLASS_WORD_ITEMS}\\xB2\\xB3\\xB9\\xBC-\\xBE`;
const WORD = `[${WORD_ITEMS}]`;
const NOT_WORD = `[^${WORD_ITEMS}]`;
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
const LINE_BREAK = '(?:\\r\\n|\\r(?!\\n)|[\\n\\x0B\\x0C\\x{85}\\x{2028}\\x{2029}])';

// ---- Full case folding: which characters fold to several, and to what ----

let multiFold: Map<number, string> | undefined;
let foldTargets: Map<string, number> | undefined;

// Where every character with a multi-character case folding is (Latin, Greek, Armenian, their
// extended blocks and the ligatures); scanning only these keeps a pattern's first load fast.
const MULTI_FOLD_BLOCKS = [[0, 0x5ff], [0x1e00, 0x1fff], [0xfb00, 0xfb4f]];

/** Characters whose full case folding is several characters, with that folding (lower case). */
function multiFolds(): Map<number, string> {
  if (multiFold) return multiFold;
  multiFold = new Map();
  foldTargets = new Map();
  for (const [lo, hi] of MULTI_FOLD_BLOCKS) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const folded = ch.toUpperCase().toLowerCase();
      const lower = ch.toLowerCase();
      const f = [...folded].length > 1 ? folded : [...lower].length > 1 ? lower : undefined;
      if (!f) continue;
      multiFold.set(cp, f);
      foldTargets.set(f, cp);
    }
  }
  return multiFold;
}

/** The character whose multi-character folding `run` ends with, if any (those foldings are 2-3 units long). */
function foldEndingRun(run: string): number | undefined {
  multiFolds();
  for (let n = 2; n <= 3 && n <= run.length; n++) {
    const hit = foldTargets!.get(run.slice(-n));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** One character as case folding compares it (simple folding; a multi-character one as its lower case). */
function foldKey(ch: string): string {
  const up = ch.toUpperCase();
  return [...up].length === 1 ? up.toLowerCase() : ch.toLowerCase();
}

interface Group {
  ci: boolean;
  dotall: boolean;
  /** `)`s to add when this group closes: one per (?flags) opened in it. */
  extra: number;
  outStart: number;
  ciAtOpen: boolean;
  dotallAtOpen: boolean;
}

class Rewriter {
  private i = 0;
  private out = '';
  private ci = false;
  private dotall = false;
  private groups: Group[] = [{ ci: false, dotall: false, extra: 0, outStart: 0, ciAtOpen: false, dotallAtOpen: false }];
  /** Where the last quantifiable atom starts in `out`, or -1. */
  private atomStart = -1;
  /** Whether that atom already has a quantifier (another one repeats it again). */
  private quantified = false;
  /** The literal characters in a row under (?i), folded, and where the run starts. */
  private foldRun = '';
  private foldRunAt = 0;

  constructor(private readonly src: string) {}

  private fail(at: number, what: string): never {
    throw refusal(this.src, at, what);
  }

  rewrite(): string {
    while (this.i < this.src.length) this.step();
    const top = this.groups[0];
    this.out += ')'.repeat(top.extra);
    return this.out;
  }

  private atom(text: string): void {
    this.atomStart = this.out.length;
    this.quantified = false;
    this.out += text;
    this.foldRun = '';
  }

  private nonAtom(text: string): void {
    this.out += text;
    this.atomStart = -1;
    this.quantified = false;
    this.foldRun = '';
  }

  /** A character matched as itself; under (?i), checked against the multi-character foldings. */
  private literal(cp: number, text: string, at: number): void {
    if (this.ci) {
      const folded = multiFolds().get(cp);
      if (folded !== undefined) this.fail(at, `(?i) over ${JSON.stringify(String.fromCodePoint(cp))}, whose case folding is several characters (${JSON.stringify(folded)}), which Oniguruma also matches`);
    }
    const run = this.foldRun;
    const runAt = this.foldRun ? this.foldRunAt : at;
    this.atom(text);
    if (!this.ci) return;
    this.foldRun = run + foldKey(String.fromCodePoint(cp));
    this.foldRunAt = runAt;
    const one = foldEndingRun(this.foldRun);
    if (one !== undefined) {
      this.fail(runAt, `(?i) over ${JSON.stringify(this.src.slice(runAt, this.i))}, which Oniguruma also matches against ${JSON.stringify(String.fromCodePoint(one))} (full case folding)`);
    }
  }

  private step(): void {
    const s = this.src;
    const at = this.i;
    const c = s[at];
    switch (c) {
      case '\\': return this.escape();
      case '[': return this.charClass();
      case '(': return this.openGroup();
      case ')': return this.closeGroup();
      case '|':
        this.i++;
        return this.nonAtom('|');
      case '^':
        this.i++;
        return this.nonAtom(LINE_START);
      case '$':
        this.i++;
        return this.nonAtom(LINE_END);
      case '.':
        this.i++;
        return this.atom(this.dotall ? ANY : '.');
      case '*': case '+': case '?':
        return this.quantifier(c, c);
      case '{': {
        const m = /^\{(\d*)(,(\d*))?\}/.exec(s.slice(at));
        if (m && (m[1] !== '' || (m[2] !== undefined && m[3] !== ''))) {
          const text = m[1] === '' ? `{0${m[2]}}` : m[0];
          return this.quantifier(m[0], text, m[2] === undefined);
        }
        this.i++;
        return this.literal(0x7b, '\\{', at); // no interval: a character
      }
      default: {
        const cp = s.codePointAt(at)!;
        const ch = String.fromCodePoint(cp);
        this.i += ch.length;
        return this.literal(cp, ch, at);
      }
    }
  }

  private quantifier(read: string, text: string, fixed = false): void {
    const at = this.i;
    this.i += read.length;
    if (this.atomStart < 0) this.fail(at, `a repetition "${read}" with nothing to repeat`);
    if (this.quantified) {
      // Oniguruma repeats the repeated atom again.
      this.out = this.out.slice(0, this.atomStart) + '(?:' + this.out.slice(this.atomStart) + ')';
    }
    this.out += text;
    const next = this.src[this.i];
    // `?` after *, + or ? is lazy and `+` possessive; after {n,m} only `?` is (lazy), and after
    // {n} neither: both repeat again.
    if (!fixed && (next === '?' || (next === '+' && read.length === 1))) {
      this.out += next;
      this.i++;
    }
    this.quantified = true;
    this.foldRun = '';
  }

  private openGroup(): void {
    const s = this.src;
    const at = this.i;
    const rest = s.slice(at, at + 40);
    const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?(:|\))/.exec(rest);
    if (rest.startsWith('(?#')) {
      const close = s.indexOf(')', at);
      if (close < 0) this.fail(at, 'an unclosed comment "(?#"');
      this.i = close + 1;
      return;
    }
    if (flags && (flags[1] !== '' || flags[2] !== undefined)) {
      const on = flags[1];
      const off = flags[2] ?? '';
      for (const f of on + off) {
        if (f === 'x') this.fail(at, 'the option (?x) (extended syntax) is not supported');
        if (f !== 'i' && f !== 'm') this.fail(at, `the option "${f}" in "${flags[0]}"`);
      }
      if (off.includes('i') && this.ci) this.fail(at, 'turning (?i) off inside a case-insensitive group is not supported');
      const ci = on.includes('i') ? true : off.includes('i') ? false : this.ci;
      const dotall = on.includes('m') ? true : off.includes('m') ? false : this.dotall;
      this.i += flags[0].length;
      const head = ci && !this.ci ? '(?i:' : '(?:';
      if (flags[3] === ')') {
        // Oniguruma takes the rest of the enclosing group as this option's group.
        this.groups[this.groups.length - 1].extra++;
        this.nonAtom(head);
        this.ci = ci;
        this.dotall = dotall;
        return;
      }
      this.push(head, ci, dotall);
      return;
    }
    let head: string;
    if (/^\(\?(?::|=|!|<=|<!|>)/.test(rest)) head = rest.startsWith('(?<') ? rest.slice(0, 4) : rest.slice(0, 3);
    else if (/^\(\?<[A-Za-z_][A-Za-z0-9_]*>/.test(rest)) head = rest.slice(0, rest.indexOf('>') + 1);
    else if (rest.startsWith('(?')) this.fail(at, `the group syntax "${rest.slice(0, 3)}"`);
    else head = '(';
    this.i += head.length;
    this.push(head, this.ci, this.dotall);
  }

  private push(head: string, ci: boolean, dotall: boolean): void {
    this.groups.push({ ci, dotall, extra: 0, outStart: this.out.length, ciAtOpen: this.ci, dotallAtOpen: this.dotall });
    this.nonAtom(head);
    this.ci = ci;
    this.dotall = dotall;
  }

  private closeGroup(): void {
    if (this.groups.length === 1) this.fail(this.i, 'an unmatched ")"');
    const group = this.groups.pop()!;
    this.i++;
    this.out += ')'.repeat(1 + group.extra);
    this.ci = group.ciAtOpen;
    this.dotall = group.dotallAtOpen;
    this.atomStart = group.outStart;
    this.quantified = false;
    this.foldRun = '';
  }

  /** \xH or \xHH (the other dialect reads only the second), as [code point, text]. */
  private hex(at: number): [number, string] | undefined {
    const rest = this.src.slice(at);
    if (rest.startsWith('\\u{')) this.fail(at, 'the escape "\\u{" (Oniguruma has \\uHHHH and \\x{...})');
    if (rest.startsWith('\\U')) this.fail(at, 'the escape "\\U" (not one in Oniguruma)');
    const short = /^\\x([0-9A-Fa-f]{1,2})/.exec(rest);
    if (!short) return undefined;
    this.i = at + short[0].length;
    return [parseInt(short[1], 16), short[1].length === 2 ? short[0] : `\\x{${short[1]}}`];
  }

  private property(at: number): string {
    const rest = this.src.slice(at);
    const m = /^\\([pP])\{(\^?)([^}]*)\}/.exec(rest);
    if (!m) this.fail(at, `"\\${rest[1]}" without a braced property name`);
    this.i = at + m[0].length;
    const negated = (m[1] === 'P') !== (m[2] === '^');
    return `\\${negated ? 'P' : 'p'}{${m[3]}}`;
  }

  private escape(): void {
    const s = this.src;
    const at = this.i;
    const e = s[at + 1];
    if (e === undefined) this.fail(at, 'a pattern that ends with "\\"');
    const hex = this.hex(at);
    if (hex) return this.literal(hex[0], hex[1], at);
    if (e === 'p' || e === 'P') return this.atom(this.property(at));
    this.i = at + 2;
    switch (e) {
      case 'A': return this.nonAtom('\\A');
      case 'z': return this.nonAtom('\\z');
      case 'h': return this.atom('[0-9a-fA-F]');
      case 'H': return this.atom('[^0-9a-fA-F]');
      case 'R': return this.atom(LINE_BREAK);
      case 'N': return this.atom('[^\\n]');
      case 'O': return this.atom(ANY);
      case 'w': case 'W': case 'b': case 'B':
        if (this.ci) this.fail(at, `\\${e} inside a case-insensitive group`);
        if (e === 'w') return this.atom(WORD);
        if (e === 'W') return this.atom(NOT_WORD);
        return this.nonAtom(e === 'b' ? BOUNDARY : NOT_BOUNDARY);
      case 's': case 'S': case 'd': case 'D': case 'n': case 't': case 'r': case 'f': case 'v': case 'a': case 'e':
        return this.atom('\\' + e);
      case 'Z': this.fail(at, 'the anchor \\Z (the end, or before a last "\\n")');
      case 'G': this.fail(at, 'the anchor \\G');
      case 'K': this.fail(at, 'the escape \\K (keep)');
      case 'X': this.fail(at, 'the escape \\X (a grapheme cluster)');
      case 'y': case 'Y': this.fail(at, `the escape \\${e} (a grapheme cluster boundary)`);
      default: break;
    }
    if (/[0-9]/.test(e)) this.fail(at, `the escape "\\${e}" (a backreference or an octal code)`);
    if (/[A-Za-z]/.test(e)) {
      if (e === 'u') {
        // \uHHHH: the other dialect reads it the same way.
        const m = /^\\u([0-9A-Fa-f]{4})/.exec(s.slice(at));
        if (!m) this.fail(at, 'a malformed \\u escape');
        this.i = at + m[0].length;
        return this.literal(parseInt(m[1], 16), m[0], at);
      }
      if (e === 'x') {
        const m = /^\\x\{([0-9A-Fa-f]{1,8})\}/.exec(s.slice(at));
        if (!m) this.fail(at, 'a malformed \\x escape');
        this.i = at + m[0].length;
        return this.literal(parseInt(m[1], 16), m[0], at);
      }
      this.fail(at, `the escape "\\${e}"`);
    }
    const cp = s.codePointAt(at + 1)!;
    const ch = String.fromCodePoint(cp);
    this.i = at + 1 + ch.length;
    return this.literal(cp, '\\' + ch, at);
  }

  private classItem(cp: number, at: number): void {
    if (this.ci && multiFolds().has(cp)) {
      this.fail(at, `(?i) over a class holding ${JSON.stringify(String.fromCodePoint(cp))}, whose case folding is several characters, which Oniguruma also matches`);
    }
  }

  private charClass(): void {
    const s = this.src;
    const start = this.i;
    let out = '[';
    this.i++;
    if (s[this.i] === '^') {
      out += '^';
      this.i++;
    }
    if (s[this.i] === ']') {
      out += '\\]';
      this.i++;
    }
    let last = -1; // the code point of the last single character, for a range after it
    for (;;) {
      const at = this.i;
      const c = s[at];
      if (c === undefined) this.fail(start, 'an unclosed "["');
      if (c === ']') {
        this.i++;
        return this.atom(out + ']');
      }
      if (c === '[') {
        if (s[at + 1] === ':') this.fail(at, 'a POSIX bracket such as [:alpha:] (Oniguruma reads it with its own Unicode definitions)');
        this.fail(at, 'a nested character class');
      }
      if (s.startsWith('&&', at)) this.fail(at, 'the class intersection "&&"');
      if (c === '-' && last >= 0 && s[at + 1] !== ']') {
        // A range: every character in it is checked under (?i).
        this.i++;
        const hiAt = this.i;
        const hi = this.classChar();
        if (hi === undefined) this.fail(hiAt, 'a range that ends in a class escape');
        if (this.ci) for (let cp = last; cp <= hi.cp && cp - last < 0x10000; cp++) this.classItem(cp, at);
        out += '-' + hi.text;
        last = -1;
        continue;
      }
      const one = this.classChar();
      if (one) {
        this.classItem(one.cp, at);
        out += one.text;
        last = one.cp;
        continue;
      }
      // A class escape.
      const e = s[at + 1];
      this.i = at + 2;
      last = -1;
      if (e === 'p' || e === 'P') {
        out += this.property(at);
        continue;
      }
      switch (e) {
        case 'h': out += '0-9a-fA-F'; continue;
        case 'w':
          if (this.ci) this.fail(at, '\\w inside a case-insensitive group');
          out += CLASS_WORD_ITEMS;
          continue;
        case 's': case 'd': case 'D': case 'S': case 'W': out += '\\' + e; continue; // \S, \W and \D: the other dialect refuses or reads them the same
        default: this.fail(at, `the escape "\\${e}" inside a class`);
      }
    }
  }

  /** One character of a class (itself or an escape for one), or undefined at a class escape. */
  private classChar(): { cp: number; text: string } | undefined {
    const s = this.src;
    const at = this.i;
    if (s[at] !== '\\') {
      const cp = s.codePointAt(at)!;
      const ch = String.fromCodePoint(cp);
      this.i += ch.length;
      return { cp, text: ch };
    }
    const e = s[at + 1];
    if (e === undefined) this.fail(at, 'a pattern that ends with "\\"');
    const hex = this.hex(at);
    if (hex) return { cp: hex[0], text: hex[1] };
    const controls: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7, e: 27, b: 8 };
    if (e in controls) {
      this.i = at + 2;
      return { cp: controls[e], text: e === 'b' ? '\\x{8}' : '\\' + e }; // \b: a backspace in a class
    }
    if (e === 'u') {
      const m = /^\\u([0-9A-Fa-f]{4})/.exec(s.slice(at));
      if (!m) this.fail(at, 'a malformed \\u escape');
      this.i = at + m[0].length;
      return { cp: parseInt(m[1], 16), text: m[0] };
    }
    if (e === 'x') {
      const m = /^\\x\{([0-9A-Fa-f]{1,8})\}/.exec(s.slice(at));
      if (!m) this.fail(at, 'a malformed \\x escape');
      this.i = at + m[0].length;
      return { cp: parseInt(m[1], 16), text: m[0] };
    }
    if (/[0-9]/.test(e)) this.fail(at, `the escape "\\${e}" inside a class (an octal code)`);
    if (/[A-Za-z]/.test(e)) return undefined;
    const cp = s.codePointAt(at + 1)!;
    const ch = String.fromCodePoint(cp);
    this.i = at + 1 + ch.length;
    return { cp, text: '\\' + ch };
  }
}

/**
 * A tokenizer.json Split pattern (Oniguruma's dialect, as Hugging Face reads it) in the dialect
 * `new Encoding({ pattern })` takes, or an ERR_INVALID_PATTERN error naming the construct that has
 * no exact rewrite. A pattern without any of the differing constructs comes back unchanged.
 */
export function fromOniguruma(pattern: string): string {
  return new Rewriter(pattern).rewrite();
}
