// Split patterns for a caller's vocabulary. The three patterns of the shipped encodings map to the
// native scanners; any other pattern, written for the reference's regex engine (Rust's
// fancy-regex: Unicode-aware classes, leftmost-first alternation, backtracking), is translated
// into an equivalent JavaScript RegExp, or refused with an error that names the construct.
import { TurbotokenError } from './errors';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN } from './safe-cut';
import { hasProperty, isNewToEngine, pinClass } from './unicode-pin';

export type PatternFamily = 'gpt2' | 'cl100k' | 'o200k';
export type PatternKind = PatternFamily | 'regexp';

export const FAMILY_CODE: Record<PatternFamily, number> = { gpt2: 0, cl100k: 1, o200k: 2 };

/** The native scanner for this exact pattern text, or undefined. */
export function knownFamily(pattern: string): PatternFamily | undefined {
  if (pattern === GPT2_PATTERN) return 'gpt2';
  if (pattern === CL100K_PATTERN) return 'cl100k';
  if (pattern === O200K_PATTERN) return 'o200k';
  return undefined;
}

// The reference's \s is Unicode White_Space; JavaScript's adds U+FEFF and lacks U+0085.
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
// The reference's \w (Unicode word characters); JavaScript's is ASCII only.
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const SYNTAX = new Set('^$\\.*+?()[]{}|/');

function patternError(pattern: string, at: number, what: string): TurbotokenError {
  return new TurbotokenError(
    `The pattern ${JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern)} cannot be used: ${what} (at offset ${at})`,
    'ERR_INVALID_PATTERN',
  );
}

// Characters that (?i) makes a letter match: those JavaScript's /iu matches too (both engines use
// Unicode simple case folding), found once per letter among the code points that have a case.
// A character newer than the reference's Unicode is unassigned to it: it has no case partners
// there and is no letter's partner (the engine's newer Unicode pairs some, such as 17.0's).
let cased: string[] | undefined;
const variantCache = new Map<string, string[]>();

function caseVariants(ch: string): string[] {
  const hit = variantCache.get(ch);
  if (hit) return hit;
  if (isNewToEngine(ch.codePointAt(0)!)) return [ch];
  if (!cased) {
    cased = [];
    for (let cp = 0; cp < 0x20000; cp++) {
      if ((cp >= 0xd800 && cp <= 0xdfff) || isNewToEngine(cp)) continue;
      const s = String.fromCodePoint(cp);
      if (s.toLowerCase() !== s || s.toUpperCase() !== s) cased.push(s);
    }
  }
  const re = new RegExp(`^\\u{${ch.codePointAt(0)!.toString(16)}}$`, 'iu');
  const variants = [ch, ...cased.filter((s) => s !== ch && re.test(s))];
  variantCache.set(ch, variants);
  return variants;
}

const hexEscape = (s: string) => `\\u{${s.codePointAt(0)!.toString(16)}}`;

interface Group {
  caseInsensitive: boolean;
  atomicName?: string; // (?>...) becomes (?=(?<name>...))\k<name>
  outputStart: number;
}

/** Translates the reference's pattern syntax into JavaScript RegExp source (flags 'gu'). */
class Translator {
  private out = '';
  private i = 0;
  private atomStart = -1; // where the last quantifiable atom starts in `out`
  private groups: Group[] = [{ caseInsensitive: false, outputStart: 0 }];
  private atomicCount = 0;
  /** [output offset, pattern offset] at the start of each construct, for messages that point into the pattern. */
  readonly origins: [number, number][] = [];

  constructor(private readonly src: string) {}

  run(): string {
    while (this.i < this.src.length) this.step();
    if (this.groups.length > 1) throw patternError(this.src, this.src.length, 'an unclosed group');
    return this.out;
  }

  private fail(what: string): never {
    throw patternError(this.src, this.i, what);
  }

  private get ci(): boolean {
    return this.groups[this.groups.length - 1].caseInsensitive;
  }

  private atom(text: string): void {
    this.atomStart = this.out.length;
    this.out += text;
  }

  private step(): void {
    this.origins.push([this.out.length, this.i]);
    const c = this.src[this.i];
    if (c === '\\') return this.atom(this.pinnedEscape());
    if (c === '[') return this.atom(this.charClass());
    if (c === '(') return this.openGroup();
    if (c === ')') return this.closeGroup();
    if (c === '*' || c === '+' || c === '?' || c === '{') return this.quantifier();
    this.i++;
    if (c === '|' || c === '^' || c === '$') {
      this.out += c;
      this.atomStart = -1;
      return;
    }
    if (c === '.') return this.atom('[^\\n]'); // the reference's . excludes only \n
    if (c === ']' || c === '}' || c === '/') return this.atom('\\' + c);
    const ch = String.fromCodePoint(this.src.codePointAt(this.i - 1)!);
    this.i += ch.length - 1;
    this.atom(this.literal(ch));
  }

  // An escape outside a class; a property (\p, \d, \w...) pinned to the reference's Unicode.
  private pinnedEscape(): string {
    const e = this.escape(false);
    if (!hasProperty(e)) return e; // a literal or \s: nothing to pin, and no class to wrap it in
    return pinClass(e.startsWith('[') ? e : `[${e}]`);
  }

  private literal(ch: string): string {
    if (!this.ci) return SYNTAX.has(ch) ? '\\' + ch : ch;
    const variants = caseVariants(ch);
    if (variants.length === 1) return SYNTAX.has(ch) ? '\\' + ch : ch;
    return `[${variants.map(hexEscape).join('')}]`;
  }

  private quantifier(): void {
    const start = this.i;
    const c = this.src[this.i++];
    let text = c;
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(start));
      if (!m) this.fail('a "{" that does not start a repetition {n}, {n,} or {n,m}');
      text = m[0];
      this.i = start + m[0].length;
    }
    if (this.atomStart < 0) this.fail(`a repetition "${text}" with nothing to repeat`);
    const next = this.src[this.i];
    if (next === '?') {
      text += '?'; // lazy: the same in both engines
      this.i++;
    }
    if (next === '+') {
      // Possessive: an atomic group around the repeated atom.
      this.i++;
      const name = `tt${this.atomicCount++}`;
      const repeated = this.out.slice(this.atomStart) + text;
      this.out = this.out.slice(0, this.atomStart);
      this.atom(`(?=(?<${name}>${repeated}))\\k<${name}>`);
      this.atomStart = -1;
      return;
    }
    this.out += text;
    this.atomStart = -1;
  }

  private openGroup(): void {
    const rest = this.src.slice(this.i);
    const outer = this.ci;
    let head: string;
    let group: Group = { caseInsensitive: outer, outputStart: this.out.length };
    const flags = /^\(\?([a-zA-Z-]*)(:|\))/.exec(rest);
    if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!')) {
      head = rest.slice(0, 3);
    } else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      head = rest.slice(0, 4);
    } else if (rest.startsWith('(?>')) {
      const name = `tt${this.atomicCount++}`;
      group = { ...group, atomicName: name };
      this.i += 3;
      this.out += `(?=(?<${name}>`;
      this.groups.push(group);
      return;
    } else if (/^\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/.test(rest)) {
      head = rest.slice(0, rest.indexOf('>') + 1);
      this.i += head.length;
      this.out += head.replace('(?P<', '(?<');
      this.groups.push(group);
      return;
    } else if (flags) {
      if (flags[1] !== 'i') this.fail(`the inline flags "(?${flags[1]}${flags[2]}" (only (?i) and (?i:...) are supported)`);
      this.i += flags[0].length;
      if (flags[2] === ')') {
        this.groups[this.groups.length - 1].caseInsensitive = true; // to the end of this group
        return;
      }
      this.out += '(?:';
      this.groups.push({ caseInsensitive: true, outputStart: this.out.length - 3 });
      return;
    } else if (rest.startsWith('(?')) {
      this.fail(`the group syntax "${rest.slice(0, 4)}"`);
    } else {
      head = '(';
    }
    this.i += head.length;
    this.out += head;
    this.groups.push(group);
  }

  private closeGroup(): void {
    if (this.groups.length === 1) this.fail('an unmatched ")"');
    const group = this.groups.pop()!;
    this.i++;
    this.out += group.atomicName ? `))\\k<${group.atomicName}>` : ')';
    this.atomStart = group.outputStart;
  }

  private escape(inClass: boolean): string {
    const start = this.i;
    const c = this.src[this.i + 1];
    if (c === undefined) this.fail('a pattern that ends with "\\"');
    this.i += 2;
    switch (c) {
      case 's': return inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      case 'S': if (inClass) this.fail('\\S inside a character class'); return `[^${WHITE_SPACE}]`;
      case 'd': return '\\p{Nd}';
      case 'D': return '\\P{Nd}';
      case 'w': return inClass ? WORD : `[${WORD}]`;
      case 'W': if (inClass) this.fail('\\W inside a character class'); return `[^${WORD}]`;
      case 'p': case 'P': {
        if (this.ci) this.fail(`\\${c} inside a case-insensitive group`);
        if (this.src[this.i] === '{') {
          const close = this.src.indexOf('}', this.i);
          if (close < 0) this.fail(`an unclosed \\${c}{`);
          const body = this.src.slice(this.i, close + 1);
          this.i = close + 1;
          return `\\${c}${body}`;
        }
        const letter = this.src[this.i++];
        if (!letter || !/[A-Za-z]/.test(letter)) this.fail(`\\${c} without a property name`);
        return `\\${c}{${letter}}`;
      }
      case 'n': case 'r': case 't': case 'f': case 'v': return '\\' + c;
      case 'a': return '\\x07';
      case 'e': return '\\x1b';
      case 'x': case 'u': case 'U': return this.codePointEscape(c, inClass);
      case 'A': if (inClass) this.fail('\\A inside a character class'); return '^';
      case 'z': if (inClass) this.fail('\\z inside a character class'); return '$';
      default: break;
    }
    if (/[0-9]/.test(c) || c === 'k' || c === 'g') this.fail(`the backreference "\\${c}" (backreferences are not supported)`);
    if (/[A-Za-z]/.test(c)) {
      this.i = start;
      this.fail(`the escape "\\${c}"${c === 'b' || c === 'B' ? ' (Unicode word boundaries have no exact JavaScript equivalent)' : ''}`);
    }
    const cp = this.src.codePointAt(start + 1)!;
    if (cp > 0xffff) this.i++;
    const ch = String.fromCodePoint(cp);
    return inClass ? hexEscape(ch) : this.literal(ch);
  }

  private codePointEscape(kind: string, inClass: boolean): string {
    const rest = this.src.slice(this.i);
    const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
    const m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(rest) ?? new RegExp(`^([0-9A-Fa-f]{${digits}})`).exec(rest);
    if (!m) this.fail(`a malformed \\${kind} escape`);
    this.i += m[0].length;
    const cp = parseInt(m[1], 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(`\\${kind} names no Unicode scalar value`);
    const ch = String.fromCodePoint(cp);
    if (!this.ci) return hexEscape(ch);
    return inClass ? caseVariants(ch).map(hexEscape).join('') : this.literal(ch);
  }

  // lo-hi inside (?i:...): the range itself plus every case variant of its characters.
  private caseInsensitiveRange(lo: number): string {
    this.i++; // the '-'
    const hiChar = this.src[this.i];
    if (hiChar === '\\' || hiChar === '[') this.fail('an escape or class as an end of a range inside a case-insensitive group');
    const hi = this.src.codePointAt(this.i)!;
    this.i += String.fromCodePoint(hi).length;
    if (hi < lo) this.fail('a range whose end comes before its start');
    if (hi - lo >= MAX_CASE_INSENSITIVE_RANGE) this.fail(`a range of more than ${MAX_CASE_INSENSITIVE_RANGE} characters inside a case-insensitive group`);
    let out = `${hexEscape(String.fromCodePoint(lo))}-${hexEscape(String.fromCodePoint(hi))}`;
    for (let cp = lo; cp <= hi; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      for (const v of caseVariants(String.fromCodePoint(cp)).slice(1)) out += hexEscape(v);
    }
    return out;
  }

  private charClass(): string {
    this.i++;
    let out = '[';
    if (this.src[this.i] === '^') {
      out += '^';
      this.i++;
    }
    if (this.src[this.i] === ']') {
      out += '\\]'; // a leading ] is a literal in the reference's syntax
      this.i++;
    }
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail('an unclosed "["');
      if (c === ']') {
        this.i++;
        return pinClass(out + ']');
      }
      if (c === '[') this.fail('a nested character class or [:class:] (not supported)');
      const two = this.src.slice(this.i, this.i + 2);
      if (two === '&&' || two === '--' || two === '~~') this.fail(`the class operator "${two}" (not supported)`);
      if (c === '\\') {
        out += this.escape(true);
        if (this.ci && this.src[this.i] === '-' && this.src[this.i + 1] !== ']') this.fail('an escape or class as an end of a range inside a case-insensitive group');
        continue;
      }
      const cp = this.src.codePointAt(this.i)!;
      const ch = String.fromCodePoint(cp);
      this.i += ch.length;
      if (c === '-') {
        out += '-';
        continue;
      }
      if (this.ci && this.src[this.i] === '-' && this.src[this.i + 1] !== ']') {
        out += this.caseInsensitiveRange(cp);
        continue;
      }
      out += this.ci ? caseVariants(ch).map(hexEscape).join('') : hexEscape(ch);
    }
  }
}

/** The most characters a range inside (?i:...) may span: each one's case variants are listed. */
const MAX_CASE_INSENSITIVE_RANGE = 256;

/** The JavaScript RegExp source of the reference's pattern, with where each construct came from. */
export function translateSource(pattern: string): { source: string; origins: [number, number][] } {
  const translator = new Translator(pattern);
  const source = translator.run();
  return { source, origins: translator.origins };
}

/** A global RegExp equivalent to the reference's pattern, or an ERR_INVALID_PATTERN error. */
export function translatePattern(pattern: string): RegExp {
  return compileSource(pattern, new Translator(pattern).run());
}

/** RegExp source from translateSource as a global RegExp (checks property names and ranges). */
export function compileSource(pattern: string, source: string): RegExp {
  try {
    return new RegExp(source, 'gu');
  } catch (cause) {
    const error = new TurbotokenError(
      `The pattern ${JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern)} does not compile: ${(cause as Error).message}`,
      'ERR_INVALID_PATTERN',
    );
    (error as Error & { cause?: unknown }).cause = cause;
    throw error;
  }
}
