// A caller's split pattern compiled for the core's linear-time matcher (native/core/regex/): the
// pattern is translated as for the RegExp dialect (src/pattern.ts: the reference's syntax, \s \w \d
// and \p{...} as the reference reads them, (?i) as explicit case variants), that source is parsed
// into a tree, and the tree into a Pike VM program. Every character class becomes a sorted list of
// code-point ranges, found by running the translated class (Unicode pinned to the reference's
// version, src/unicode-pin.ts) over all code points once; the core needs no Unicode tables.
// Constructs the matcher cannot run in linear time are refused here, naming them.
import { TurbotokenError } from './errors';
import { compileSource, translateSource } from './pattern';
import { Op } from './program-enums';

/** The most instructions a compiled pattern may have (a repetition {n,m} is copied out n..m times). */
export const MAX_PROGRAM_INSTRUCTIONS = 50_000;

/** The deepest nesting of groups a pattern may have (the compiler recurses on it). */
const MAX_GROUP_DEPTH = 200;

/** Ascending, disjoint [lo, hi] pairs, flattened. */
type Ranges = number[];

type Node =
  | { k: 'set'; r: Ranges }
  | { k: 'cat'; xs: Node[] }
  | { k: 'alt'; xs: Node[] }
  | { k: 'rep'; x: Node; min: number; max: number; greedy: boolean }
  | { k: 'begin' }
  | { k: 'end' }
  | { k: 'look'; behind: boolean; negate: boolean; r: Ranges }
  | { k: 'atomic'; x: Node; at: number }
  | { k: 'empty' };

export interface PatternProgram {
  /** The program in pike_vm.h's layout. */
  words: Uint32Array;
}

class Refusal extends Error {
  constructor(readonly what: string, readonly at: number) {
    super(what);
  }
}

function patternError(pattern: string, what: string, at?: number): TurbotokenError {
  const shown = JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern);
  return new TurbotokenError(`The pattern ${shown} cannot be used: ${what}${at === undefined ? '' : ` (at offset ${at})`}`, 'ERR_INVALID_PATTERN');
}

// ---- Character classes as code-point ranges ----

let everyScalar: string | undefined;

/** Every Unicode scalar value once, ascending, as one string (U+D800-DFFF left out). */
function scalars(): string {
  if (everyScalar) return everyScalar;
  const units = new Uint16Array(0xd800 + 0x2000 + 2 * 0x100000);
  let at = 0;
  for (let cp = 0; cp < 0xd800; cp++) units[at++] = cp;
  for (let cp = 0xe000; cp <= 0xffff; cp++) units[at++] = cp;
  for (let cp = 0x10000; cp <= 0x10ffff; cp++) {
    units[at++] = 0xd800 + ((cp - 0x10000) >> 10);
    units[at++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
  }
  everyScalar = new TextDecoder('utf-16le').decode(units);
  return everyScalar;
}

/** The code point at UTF-16 index `i` of scalars(). */
function scalarAt(i: number): number {
  if (i < 0xd800) return i;
  if (i < 0xf800) return i + 0x800;
  return 0x10000 + ((i - 0xf800) >> 1);
}

const classCache = new Map<string, Ranges>();

/** The code points one-character RegExp source `fragment` matches, as ranges. */
function rangesOf(fragment: string): Ranges {
  const hit = classCache.get(fragment);
  if (hit) return hit;
  const all = scalars();
  const out: Ranges = [];
  for (const m of all.matchAll(new RegExp(`(?:${fragment})+`, 'gu'))) {
    const first = scalarAt(m.index!);
    const endIndex = m.index! + m[0].length;
    const lastIndex = endIndex > 0xf800 ? endIndex - 2 : endIndex - 1;
    out.push(first, scalarAt(lastIndex));
  }
  if (classCache.size > 4096) classCache.clear();
  classCache.set(fragment, out);
  return out;
}

function union(a: Ranges, b: Ranges): Ranges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i], b[i + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    if (out.length && lo <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(a: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] > next) out.push(next, a[i] - 1);
    next = a[i + 1] + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

const intersect = (a: Ranges, b: Ranges) => complement(union(complement(a), complement(b)));
const disjoint = (a: Ranges, b: Ranges) => intersect(a, b).length === 0;

// ---- Parsing the translated source ----

class Parser {
  private i = 0;

  constructor(private readonly s: string, private readonly origins: [number, number][]) {}

  /** The pattern offset of the construct that produced output offset `at`. */
  origin(at: number): number {
    let best = 0;
    for (const [out, src] of this.origins) {
      if (out > at) break;
      best = src;
    }
    return best;
  }

  parse(): Node {
    const node = this.alt();
    if (this.i < this.s.length) throw new Refusal('an unmatched ")"', this.origin(this.i));
    return node;
  }

  private alt(): Node {
    const xs = [this.cat()];
    while (this.s[this.i] === '|') {
      this.i++;
      xs.push(this.cat());
    }
    return xs.length === 1 ? xs[0] : { k: 'alt', xs };
  }

  private cat(): Node {
    const xs: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const at = this.i;
      let node = this.atom();
      node = this.quantified(node, at);
      xs.push(node);
    }
    if (xs.length === 0) return { k: 'empty' };
    return xs.length === 1 ? xs[0] : { k: 'cat', xs };
  }

  private quantified(node: Node, at: number): Node {
    const s = this.s;
    const c = s[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) return node;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    let greedy = true;
    if (s[this.i] === '?') {
      greedy = false;
      this.i++;
    }
    if (node.k === 'begin' || node.k === 'end' || node.k === 'look') throw new Refusal('a repeated assertion', this.origin(at));
    return { k: 'rep', x: node, min, max, greedy };
  }

  private atom(): Node {
    const s = this.s;
    const at = this.i;
    const c = s[this.i];
    if (c === '(') return this.group();
    if (c === '[') {
      let j = this.i + 1;
      while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
      const text = s.slice(this.i, j + 1);
      this.i = j + 1;
      return { k: 'set', r: rangesOf(text) };
    }
    if (c === '^') {
      this.i++;
      return { k: 'begin' };
    }
    if (c === '$') {
      this.i++;
      return { k: 'end' };
    }
    if (c === '.') {
      this.i++;
      return { k: 'set', r: rangesOf('[^\\n]') };
    }
    if (c === '\\') {
      const e = s[this.i + 1];
      const braced = /^\\u\{([0-9a-fA-F]+)\}/.exec(s.slice(this.i));
      if (braced) {
        this.i += braced[0].length;
        return single(parseInt(braced[1], 16));
      }
      const hex = /^\\x([0-9a-fA-F]{2})/.exec(s.slice(this.i));
      if (hex) {
        this.i += hex[0].length;
        return single(parseInt(hex[1], 16));
      }
      const controls: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11 };
      if (e in controls) {
        this.i += 2;
        return single(controls[e]);
      }
      if (e === 'k') throw new Refusal('a backreference', this.origin(at));
      if (e !== undefined && /[A-Za-z0-9]/.test(e)) throw new Refusal(`the escape "\\${e}"`, this.origin(at));
      const cp = s.codePointAt(this.i + 1)!;
      this.i += 1 + String.fromCodePoint(cp).length;
      return single(cp);
    }
    const cp = s.codePointAt(this.i)!;
    this.i += String.fromCodePoint(cp).length;
    return single(cp);
  }

  private depth = 0;

  private group(): Node {
    const s = this.s;
    const at = this.i;
    if (++this.depth > MAX_GROUP_DEPTH) throw new Refusal(`groups nested more than ${MAX_GROUP_DEPTH} deep`, this.origin(at));
    try {
      return this.groupBody(at);
    } finally {
      this.depth--;
    }
  }

  private groupBody(at: number): Node {
    const s = this.s;
    const rest = s.slice(this.i, this.i + 40);
    // A possessive repetition or atomic group, as src/pattern.ts writes it: (?=(?<ttN>X))\k<ttN>.
    const atomic = /^\(\?=\(\?<(tt\d+)>/.exec(rest);
    if (atomic) {
      this.i += atomic[0].length;
      const x = this.alt();
      const close = `))\\k<${atomic[1]}>`;
      if (!s.startsWith(close, this.i)) throw new Refusal('an atomic group', this.origin(at));
      this.i += close.length;
      return { k: 'atomic', x, at: this.origin(at) };
    }
    let look: { behind: boolean; negate: boolean } | undefined;
    if (rest.startsWith('(?:')) this.i += 3;
    else if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      look = { behind: false, negate: rest[2] === '!' };
      this.i += 3;
    } else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      look = { behind: true, negate: rest[3] === '!' };
      this.i += 4;
    } else if (rest.startsWith('(?<')) this.i = s.indexOf('>', this.i) + 1; // a named group
    else this.i += 1;
    const x = this.alt();
    if (s[this.i] !== ')') throw new Refusal('an unclosed group', this.origin(at));
    this.i++;
    if (!look) return x;
    const r = asSet(x);
    if (!r) {
      const kind = look.behind ? (look.negate ? '(?<!...)' : '(?<=...)') : look.negate ? '(?!...)' : '(?=...)';
      throw new Refusal(`the lookaround ${kind} over more than one character (only one character or class, such as (?!\\S), is supported)`, this.origin(at));
    }
    return { k: 'look', behind: look.behind, negate: look.negate, r };
  }
}

const single = (cp: number): Node => ({ k: 'set', r: [cp, cp] });

/** The code points `node` matches when it always matches exactly one of them, else undefined. */
function asSet(node: Node): Ranges | undefined {
  if (node.k === 'set') return node.r;
  if (node.k === 'alt') {
    let r: Ranges = [];
    for (const x of node.xs) {
      const xr = asSet(x);
      if (!xr) return undefined;
      r = union(r, xr);
    }
    return r;
  }
  if (node.k === 'cat') {
    // A one-character lookahead before a class (how src/unicode-pin.ts pins a class) is that
    // class less (or within) the looked-at characters.
    if (node.xs.length === 2 && node.xs[0].k === 'look' && !node.xs[0].behind) {
      const rest = asSet(node.xs[1]);
      if (!rest) return undefined;
      return node.xs[0].negate ? intersect(rest, complement(node.xs[0].r)) : intersect(rest, node.xs[0].r);
    }
    return node.xs.length === 1 ? asSet(node.xs[0]) : undefined;
  }
  return undefined;
}

// ---- Simplifying, and atomic groups ----

function simplify(node: Node): Node {
  switch (node.k) {
    case 'cat': {
      const xs: Node[] = [];
      for (const x of node.xs.map(simplify)) {
        if (x.k === 'empty') continue;
        if (x.k === 'cat') xs.push(...x.xs);
        else xs.push(x);
      }
      // A one-character lookahead followed by a class is a class.
      for (let k = 0; k + 1 < xs.length; k++) {
        const a = xs[k];
        const b = xs[k + 1];
        if (a.k === 'look' && !a.behind && b.k === 'set') {
          xs.splice(k, 2, { k: 'set', r: a.negate ? intersect(b.r, complement(a.r)) : intersect(b.r, a.r) });
          k--;
        }
      }
      if (xs.length === 0) return { k: 'empty' };
      return xs.length === 1 ? xs[0] : { k: 'cat', xs };
    }
    case 'alt': {
      const xs = node.xs.map(simplify);
      const r = asSet({ k: 'alt', xs });
      if (r) return { k: 'set', r };
      return { k: 'alt', xs };
    }
    case 'rep':
      return { ...node, x: simplify(node.x) };
    case 'atomic':
      return atomicAsLinear(simplify(node.x), node.at);
    default:
      return node;
  }
}

/** Whether `node` can match the empty string. */
function nullable(node: Node): boolean {
  switch (node.k) {
    case 'set': return false;
    case 'cat': return node.xs.every(nullable);
    case 'alt': return node.xs.some(nullable);
    case 'rep': return node.min === 0 || nullable(node.x);
    case 'atomic': return nullable(node.x);
    default: return true;
  }
}

/** The code points a non-empty match of `node` can start with. */
function firstSet(node: Node): Ranges {
  switch (node.k) {
    case 'set': return node.r;
    case 'cat': {
      let r: Ranges = [];
      for (const x of node.xs) {
        r = union(r, firstSet(x));
        if (!nullable(x)) break;
      }
      return r;
    }
    case 'alt': return node.xs.reduce((r, x) => union(r, firstSet(x)), [] as Ranges);
    case 'rep': case 'atomic': return firstSet(node.x);
    default: return [];
  }
}

const ATOMIC_SUPPORTED =
  'possessive repetitions and atomic groups are supported over one character or class, a repeated class, a fixed sequence of classes ending in one, or alternatives of these that start with different characters';

/**
 * An atomic group (or possessive repetition) as a tree without one, where one exists that matches
 * the same text: the group keeps only the first way its content matches, so this holds where the
 * content matches in at most one way once its first character is read, and for a repeated class,
 * whose first way is the longest run (or the shortest, lazy): C{n,m}+ is C{n,m} that may stop
 * before m only where the next character is not a C.
 */
function atomicAsLinear(x: Node, at: number): Node {
  switch (x.k) {
    case 'set':
    case 'empty':
      return x;
    case 'rep': {
      if (x.x.k !== 'set') break;
      const c = x.x;
      const fixed: Node[] = Array.from({ length: x.min }, () => c);
      if (!x.greedy || x.max === x.min) return fixed.length === 1 ? fixed[0] : { k: 'cat', xs: fixed };
      const stop: Node = { k: 'look', behind: false, negate: true, r: c.r };
      let tail: Node;
      if (x.max === Infinity) tail = { k: 'cat', xs: [{ k: 'rep', x: c, min: 0, max: Infinity, greedy: true }, stop] };
      // Exactly m - n more, or fewer where the run ends: C{m-n} | C{0,m-n-1}(?!C).
      else tail = { k: 'alt', xs: [{ k: 'rep', x: c, min: x.max - x.min, max: x.max - x.min, greedy: true }, { k: 'cat', xs: [{ k: 'rep', x: c, min: 0, max: x.max - x.min - 1, greedy: true }, stop] }] };
      return { k: 'cat', xs: [...fixed, tail] };
    }
    case 'cat': {
      const last = x.xs[x.xs.length - 1];
      if (x.xs.slice(0, -1).every((n) => n.k === 'set')) return { k: 'cat', xs: [...x.xs.slice(0, -1), atomicAsLinear(last, at)] };
      break;
    }
    case 'alt': {
      if (x.xs.some(nullable)) break;
      const firsts = x.xs.map(firstSet);
      for (let a = 0; a < firsts.length; a++) for (let b = a + 1; b < firsts.length; b++) if (!disjoint(firsts[a], firsts[b])) throw new Refusal(`an atomic group whose alternatives can start with the same character (${ATOMIC_SUPPORTED})`, at);
      return { k: 'alt', xs: x.xs.map((n) => atomicAsLinear(n, at)) };
    }
    default:
      break;
  }
  throw new Refusal(`an atomic group or possessive repetition over this content (${ATOMIC_SUPPORTED})`, at);
}

// ---- Code generation ----

class Emitter {
  code: number[] = []; // op, a, b triples
  ranges: number[] = [];
  private sets = new Map<string, [number, number]>();

  constructor(private readonly pattern: string) {}

  private get size(): number {
    return this.code.length / 3;
  }

  private put(op: Op, a = 0, b = 0): number {
    if (this.size >= MAX_PROGRAM_INSTRUCTIONS) {
      throw patternError(this.pattern, `it compiles to more than ${MAX_PROGRAM_INSTRUCTIONS} instructions (a repetition {n,m} with large bounds, or too long a pattern)`);
    }
    this.code.push(op, a, b);
    return this.size - 1;
  }

  private set(r: Ranges): [number, number] {
    const key = r.join(',');
    let hit = this.sets.get(key);
    if (!hit) {
      hit = [this.ranges.length / 2, r.length / 2];
      this.ranges.push(...r);
      this.sets.set(key, hit);
    }
    return hit;
  }

  private patch(at: number, a: number, b?: number): void {
    this.code[at * 3 + 1] = a;
    if (b !== undefined) this.code[at * 3 + 2] = b;
  }

  emit(node: Node): void {
    switch (node.k) {
      case 'empty': return;
      case 'set': {
        const [a, b] = this.set(node.r);
        this.put(Op.Class, a, b);
        return;
      }
      case 'begin': this.put(Op.Begin); return;
      case 'end': this.put(Op.End); return;
      case 'look': {
        const [a, b] = this.set(node.r);
        const op = node.behind ? (node.negate ? Op.PrevNotIn : Op.PrevIn) : node.negate ? Op.NextNotIn : Op.NextIn;
        this.put(op, a, b);
        return;
      }
      case 'cat':
        for (const x of node.xs) this.emit(x);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < node.xs.length; k++) {
          if (k === node.xs.length - 1) {
            this.emit(node.xs[k]);
            break;
          }
          const split = this.put(Op.Split);
          this.emit(node.xs[k]);
          jumps.push(this.put(Op.Jump));
          this.patch(split, split + 1, this.size);
        }
        for (const j of jumps) this.patch(j, this.size);
        return;
      }
      case 'rep': {
        for (let k = 0; k < node.min; k++) this.emit(node.x);
        if (node.max === Infinity) {
          const split = this.put(Op.Split);
          this.emit(node.x);
          this.put(Op.Jump, split);
          const out = this.size;
          this.patch(split, node.greedy ? split + 1 : out, node.greedy ? out : split + 1);
          return;
        }
        // Nested optional copies, as a backtracking engine tries them: x(x(x)?)?)?
        const splits: number[] = [];
        for (let k = node.min; k < node.max; k++) {
          splits.push(this.put(Op.Split));
          this.emit(node.x);
        }
        const out = this.size;
        for (const s of splits) this.patch(s, node.greedy ? s + 1 : out, node.greedy ? out : s + 1);
        return;
      }
      case 'atomic':
        throw new Error('unreachable: atomic groups are rewritten by simplify()');
    }
  }
}

const programCache = new Map<string, PatternProgram>();

// Programs compiled before (a saved encoding's, src/saved-programs.ts), answered for their patterns
// only while the encoding that carries them is built: never cached for any other caller.
let given: ReadonlyMap<string, PatternProgram> | undefined;

/** Runs fn with `programs` as compilePattern's answers for their patterns. */
export function withPrograms<T>(programs: ReadonlyMap<string, PatternProgram>, fn: () => T): T {
  const before = given;
  given = programs;
  try {
    return fn();
  } finally {
    given = before;
  }
}

/**
 * The pattern (the reference's syntax) as a program for the core's matcher, or an
 * ERR_INVALID_PATTERN error naming the construct that is not supported or cannot run in linear
 * time. Cached by pattern text.
 */
export function compilePattern(pattern: string): PatternProgram {
  const hit = given?.get(pattern) ?? programCache.get(pattern);
  if (hit) return hit;
  const { source, origins } = translateSource(pattern);
  compileSource(pattern, source); // the engine's own check of property names and ranges
  const parser = new Parser(source, origins);
  let tree: Node;
  try {
    tree = simplify(parser.parse());
  } catch (error) {
    if (error instanceof Refusal) throw patternError(pattern, error.what, error.at);
    throw error;
  }
  const emitter = new Emitter(pattern);
  emitter.emit(tree);
  emitter.code.push(Op.Match, 0, 0);
  const n = emitter.code.length / 3;
  const words = new Uint32Array(2 + emitter.code.length + emitter.ranges.length);
  words[0] = n;
  words[1] = emitter.ranges.length / 2;
  words.set(emitter.code, 2);
  words.set(emitter.ranges, 2 + emitter.code.length);
  const program = { words };
  if (programCache.size > 256) programCache.clear();
  programCache.set(pattern, program);
  return program;
}
