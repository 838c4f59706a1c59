// Special-token text is found the way the reference packages find it: one regular expression of
// escaped literal alternatives, so the leftmost occurrence wins and, where two start at one
// place, the alternative listed first.

const SYNTAX = /[\\^$.*+?()[\]{}|/-]/g;

function escapeLiteral(text: string): string {
  return text.replace(SYNTAX, '\\$&');
}

/** A global expression matching any of `names`, or null for none (an empty expression matches everywhere). */
export function alternation(names: Iterable<string>): RegExp | null {
  const list = [...names];
  if (list.length === 0) return null;
  return new RegExp(list.map(escapeLiteral).join('|'), 'g');
}

/** The first occurrence of any of `names` in `text` at or after `from`. */
export function findLiteral(pattern: RegExp | null, text: string, from = 0): { index: number; text: string } | null {
  if (!pattern) return null;
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? { index: match.index, text: match[0] } : null;
}
