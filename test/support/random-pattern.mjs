// Seeded random split patterns in the reference's dialect, for the pattern matcher's tests:
// literals, classes with Unicode properties and negations, \d \s \w and their negations, ".",
// groups, alternation, every quantifier (greedy, lazy, possessive on a class), (?i:...),
// one-character lookaround and anchors. A quantified part never matches empty text: JavaScript's
// RegExp (the differential test's reference) rejects an iteration that matches empty text where
// the reference's engine (Rust's regex) and the matcher take it, so `( *?)?` matches " " in
// RegExp and "" in the reference. Possessive forms stay on classes, which the matcher runs in
// linear time.

const LITERALS = ['a', 'b', 'c', ' ', '1', 'x', 'é', '\\.', '\\n', '\\x{1F600}', "'"];
const CLASSES = [
  '[ab]', '[^a\\s]', '[a-c1]', '\\d', '\\D', '\\s', '\\S', '\\w', '\\W', '\\p{L}', '\\pN', '\\P{L}', '.',
  '[\\s\\p{P}]', '[^\\r\\n\\p{L}\\p{N}]', '[\\p{Lu}\\p{Ll}]', '\\p{M}',
];
const LOOKS = ['(?!\\S)', '(?=a)', '(?![ab])', '(?<=a)', '(?<!\\s)', '(?=\\p{L})'];

/** A pattern from `next` (a seeded PRNG returning [0, 1)). */
export function randomPattern(next, depth = 2) {
  return alternation(next, depth).src;
}

const pick = (next, list) => list[Math.floor(next() * list.length)];

function alternation(next, depth) {
  const count = 1 + Math.floor(next() * 3);
  const parts = Array.from({ length: count }, () => sequence(next, depth));
  return { src: parts.map((p) => p.src).join('|'), nullable: parts.some((p) => p.nullable) };
}

function sequence(next, depth) {
  const count = 1 + Math.floor(next() * 3);
  const parts = [];
  for (let k = 0; k < count; k++) {
    const r = next();
    if (r < 0.08) parts.push({ src: pick(next, LOOKS), nullable: true });
    else if (r < 0.11) parts.push({ src: next() < 0.5 ? '^' : '$', nullable: true });
    else parts.push(quantified(next, depth));
  }
  return { src: parts.map((p) => p.src).join(''), nullable: parts.every((p) => p.nullable) };
}

function quantified(next, depth) {
  const a = atom(next, depth);
  const r = next();
  if (r < 0.4) return a;
  const min = Math.floor(next() * 3);
  const kinds = [['*', true], ['+', a.nullable], ['?', true], [`{${min}}`, min === 0 || a.nullable], [`{${min},}`, min === 0 || a.nullable], [`{${min},${min + 1 + Math.floor(next() * 3)}}`, min === 0 || a.nullable]];
  const [q, nullable] = pick(next, kinds);
  if (a.nullable) return a; // see above
  const s = next();
  const suffix = s < 0.2 ? '?' : s < 0.35 && a.single ? '+' : '';
  return { src: a.src + q + suffix, nullable, single: false };
}

function atom(next, depth) {
  const r = next();
  if (r < 0.35) return { src: pick(next, LITERALS), nullable: false, single: true };
  if (r < 0.75 || depth === 0) return { src: pick(next, CLASSES), nullable: false, single: true };
  if (r < 0.8) {
    const inner = pick(next, ['a', '[a-c]', "'s|'t"]);
    return { src: `(?i:${inner})`, nullable: false, single: !inner.includes('|') };
  }
  const inner = alternation(next, depth - 1);
  const open = next() < 0.5 ? '(?:' : '(';
  return { src: `${open}${inner.src})`, nullable: inner.nullable, single: false };
}

/** Short random text over the characters the patterns above tell apart. */
export function randomSubject(next, maxLength = 14) {
  const chars = ['a', 'b', 'c', 'A', ' ', ' ', '\n', '1', '2', 'x', '.', "'", 's', 'é', 'É', '\u0301', '😀', '_', '\u3000', '中'];
  const n = Math.floor(next() * (maxLength + 1));
  let out = '';
  for (let k = 0; k < n; k++) out += pick(next, chars);
  return out;
}
