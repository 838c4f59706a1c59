// The RegExp path's Unicode properties, pinned to the reference's Unicode version. A translated
// pattern's \p{...} (and \d, \w) is matched by the JavaScript engine, whose Unicode may be newer
// than the reference's (Node 20.20 has 17.0, tiktoken 16.0). Characters are assigned once and kept,
// so what differs is the characters the engine has and the reference reads as unassigned. A class
// with a property in it is rewritten to match those characters exactly as the reference does:
// an unassigned character has the properties of any other unassigned one, so each property is
// asked about one character that no version assigns (U+50000, plane 5), except the few properties
// whose value for an unassigned code point depends on its block: for those the generated data
// lists which unassigned code points have them. Not covered: a property that Unicode changed for a
// character both versions have (16.0 to 17.0: U+0295 Ll to Lo, 672 characters out of
// Extended_Pictographic; docs/api.md).
import { UNASSIGNED_RANGES, UNASSIGNED_WITH } from './unicode-unassigned';

const UNASSIGNED_EVERYWHERE = '\u{50000}';
const PROPERTY = /\\[pP]\{[^}]*\}/g;

/** Whether RegExp source `source` names a Unicode property (\p{...} or \P{...}). */
export const hasProperty = (source: string) => /\\[pP]\{/.test(source);
const BY_BLOCK = /^\\([pP])\{(Extended_Pictographic|ExtPict|Default_Ignorable_Code_Point|DI|Pattern_Syntax|Pat_Syn|Noncharacter_Code_Point|NChar)\}$/;
const LONG_NAME: Record<string, string> = { ExtPict: 'Extended_Pictographic', DI: 'Default_Ignorable_Code_Point', Pat_Syn: 'Pattern_Syntax', NChar: 'Noncharacter_Code_Point' };

const parseRanges = (text: string) => (text ? text.split(' ').map((r) => r.split('-').map((h) => parseInt(h, 16))) : []);
const inRanges = (cp: number, ranges: number[][]) => ranges.some(([lo, hi = lo]) => cp >= lo && cp <= hi);

/** What `item` (a \p{...} or \P{...}) is for the characters new to the engine (`fresh`, and `all`:
 * the same as class items), as class items. */
function asUnassigned(item: string, fresh: number[], all: string): string {
  const byBlock = BY_BLOCK.exec(item);
  if (!byBlock) return new RegExp(`[${item}]`, 'u').test(UNASSIGNED_EVERYWHERE) ? all : '';
  const ranges = parseRanges(UNASSIGNED_WITH[LONG_NAME[byBlock[2]] ?? byBlock[2]]);
  return items(fresh.filter((cp) => inRanges(cp, ranges) === (byBlock[1] === 'p')));
}

let newChars: number[] | undefined;

/** The code points the engine assigns and the reference does not, ascending (none on an engine
 * with the reference's Unicode or an older one). Found once: every code point the reference reads
 * as unassigned, as one UTF-16 string (built as units and decoded: far cheaper than appending
 * characters), less the runs the engine reads as unassigned too. */
function charsNewToEngine(): number[] {
  if (newChars) return newChars;
  const ranges = parseRanges(UNASSIGNED_RANGES);
  let units = 0;
  for (const [lo, hi = lo] of ranges) units += Math.max(0, Math.min(hi, 0xffff) - lo + 1) + 2 * Math.max(0, hi - Math.max(lo, 0x10000) + 1);
  const text = new Uint16Array(units);
  let at = 0;
  for (const [lo, hi = lo] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      if (cp <= 0xffff) {
        text[at++] = cp;
      } else {
        text[at++] = 0xd800 + ((cp - 0x10000) >> 10);
        text[at++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      }
    }
  }
  // Deleting runs of \p{Cn} leaves the assigned ones (4,803 on Unicode 17.0: 25-40 ms, where a
  // search for each \P{Cn} took 65).
  newChars = [];
  for (const ch of new TextDecoder('utf-16le').decode(text).replace(/\p{Cn}+/gu, '')) newChars.push(ch.codePointAt(0)!);
  return newChars;
}

let newSet: ReadonlySet<number> | undefined;

/** Whether the engine assigns `cp` and the reference does not (a letter newer than its Unicode). */
export function isNewToEngine(cp: number): boolean {
  newSet ??= new Set(charsNewToEngine());
  return newSet.has(cp);
}

const escape = (cp: number) => `\\u{${cp.toString(16)}}`;

/** Ascending code points as class items, consecutive ones as ranges. */
function items(cps: number[]): string {
  let out = '';
  for (let i = 0; i < cps.length; ) {
    let j = i;
    while (j + 1 < cps.length && cps[j + 1] === cps[j] + 1) j++;
    out += j === i ? escape(cps[i]) : `${escape(cps[i])}-${escape(cps[j])}`;
    i = j + 1;
  }
  return out;
}

const classOf = (cps: number[]) => `[${items(cps)}]`;

/**
 * `cls` (JavaScript class source, flags 'u', "[...]" or "[^...]"), as a RegExp fragment that
 * matches the characters new to the engine as the reference does: each property in the class is
 * replaced by all of them when an unassigned character has it, by none when not, and the
 * characters where that disagrees with the engine are taken out of or added to the class.
 */
export function pinClass(cls: string): string {
  if (!hasProperty(cls)) return cls;
  const fresh = charsNewToEngine();
  if (fresh.length === 0) return cls;
  const all = items(fresh);
  let engine: RegExp;
  let reference: RegExp;
  try {
    const asReference = cls.replace(PROPERTY, (item) => asUnassigned(item, fresh, all));
    engine = new RegExp(`^${cls}$`, 'u');
    reference = new RegExp(`^${asReference}$`, 'u');
  } catch {
    return cls; // an unknown property or a bad range: translatePattern's compile reports it
  }
  const drop: number[] = [];
  const add: number[] = [];
  for (const cp of fresh) {
    const ch = String.fromCodePoint(cp);
    const has = engine.test(ch);
    if (has !== reference.test(ch)) (has ? drop : add).push(cp);
  }
  if (drop.length === 0 && add.length === 0) return cls;
  const kept = drop.length ? `(?!${classOf(drop)})${cls}` : cls;
  return add.length ? `(?:${kept}|${classOf(add)})` : `(?:${kept})`;
}
