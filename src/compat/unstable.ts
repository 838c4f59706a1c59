// tiktoken's encode_with_unstable: the ids of the text without its last, unstable piece, and every
// token sequence that piece (the bytes a caller might still extend, as in a completion prompt)
// could start with once more text follows. The steps are tiktoken's own (_encode_unstable_native
// in its core), so that the sets agree; they are brute force by design and meant for short tails.
import { translatePattern } from '../pattern';
import { sortedTokenBytes } from './token-bytes';
import type { Vocabulary } from './vocabulary';
import { findLiteral, alternation } from '../special-token-search';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const patterns = new Map<string, RegExp>();

export type UnstableEncoding = [number[], number[][]];

export function encodeWithUnstable(vocabulary: Vocabulary, text: string, allowed: ReadonlySet<string>, disallowed: ReadonlySet<string>): UnstableEncoding {
  const tokens = Array.from(vocabulary.encode(text, allowed, disallowed));
  let lastPieceTokens = lastPieceTokenCount(vocabulary, text, allowed);
  if (lastPieceTokens === 0) return [tokens, []];

  // A split that disappears when text is added can merge tokens thought stable: tiktoken widens
  // the tail over trailing whitespace-only tokens (cl100k's \s*[\r\n]+ turns "\n" + " " into one).
  const allSpace = (id: number) => {
    const bytes = vocabulary.isOrdinary(id) ? vocabulary.encoding.tokenBytes(id) : undefined;
    return bytes !== undefined && bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x09);
  };
  if (allSpace(tokens[tokens.length - lastPieceTokens])) {
    while (lastPieceTokens < tokens.length && allSpace(tokens[tokens.length - lastPieceTokens - 1])) lastPieceTokens++;
  }

  const unstable = vocabulary.encoding.decodeBytes(Uint32Array.from(tokens.slice(tokens.length - lastPieceTokens)));
  tokens.length -= lastPieceTokens;
  const completions = new Map<string, number[]>();
  const add = (seq: number[]) => completions.set(seq.join(','), seq);
  if (unstable.length === 0) return [tokens, []];

  const sorted = sortedTokenBytes(vocabulary.encoding);
  const idOf = (bytes: Uint8Array) => vocabulary.encoding.encodeSingleToken(bytes);
  // Single tokens that start with the unstable bytes.
  for (const token of tokensStartingWith(sorted, unstable)) add([idOf(token)]);

  // A token straddling each other position: the prefix before it plus any token starting with
  // the rest, re-encoded, kept up to the length of the unstable bytes.
  for (let i = 1; i < unstable.length; i++) {
    const prefix = unstable.subarray(0, i);
    const suffix = unstable.subarray(i);
    for (const token of tokensStartingWith(sorted, suffix)) {
      const possibility = new Uint8Array(prefix.length + token.length);
      possibility.set(prefix);
      possibility.set(token, prefix.length);
      const text = utf8OrUndefined(possibility);
      const encoded = text !== undefined ? Array.from(vocabulary.encoding.encodeOrdinary(text)) : bytePairEncode(vocabulary, possibility);
      const seq: number[] = [];
      let length = 0;
      for (const id of encoded) {
        seq.push(id);
        length += vocabulary.encoding.tokenBytes(id).length;
        if (length >= unstable.length) break;
      }
      add(seq);
    }
  }

  // tiktoken's fix for \s+(?!\S): "\n\n" can split before a following character, making a
  // shorter whitespace token possible.
  if (unstable.length > 1) {
    const lastLength = lastCharacterLength(unstable);
    if (lastLength > 0 && unstable.length - lastLength > 0) {
      const cut = unstable.length - lastLength;
      add([...bytePairEncode(vocabulary, unstable.subarray(0, cut)), ...bytePairEncode(vocabulary, unstable.subarray(cut))]);
    }
  }
  return [tokens, [...completions.values()]];
}

// How many ids the last regex piece of the text after the last allowed special token became;
// 0 when the text is empty or ends with a special token.
function lastPieceTokenCount(vocabulary: Vocabulary, text: string, allowed: ReadonlySet<string>): number {
  let start = 0;
  // The reference's loop: the next special token of any kind; one not allowed is looked past
  // from its next character.
  const names = [...vocabulary.specials.keys()].filter((name) => name.length > 0);
  if (names.some((name) => allowed.has(name))) {
    const pattern = alternation(names);
    let next = findLiteral(pattern, text, start);
    while (next) {
      if (allowed.has(next.text)) {
        start = next.index + next.text.length;
        next = findLiteral(pattern, text, start);
      } else {
        next = findLiteral(pattern, text, next.index + 1);
      }
    }
  }
  const segment = text.slice(start);
  if (segment.length === 0) return 0;
  const source = vocabulary.encoding.patternSource;
  let regexp = patterns.get(source);
  if (!regexp) patterns.set(source, (regexp = translatePattern(source)));
  regexp.lastIndex = 0;
  let last: string | undefined;
  for (const match of segment.matchAll(regexp)) last = match[0];
  return last === undefined ? 0 : vocabulary.encoding.encodeOrdinary(last).length;
}

function* tokensStartingWith(sorted: Uint8Array[], prefix: Uint8Array): Generator<Uint8Array> {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(sorted[mid], prefix) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && startsWith(sorted[i], prefix); i++) yield sorted[i];
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

// The byte length of the last character when the bytes end with a whole White_Space character
// (Rust's char::is_whitespace), else 0.
function lastCharacterLength(bytes: Uint8Array): number {
  for (let k = 1; k <= 4 && k <= bytes.length; k++) {
    const text = utf8OrUndefined(bytes.subarray(bytes.length - k));
    if (text === undefined) continue;
    const chars = [...text];
    if (chars.length !== 1) return 0;
    return /^\s$/u.test(chars[0]) && chars[0] !== '\ufeff' ? k : 0;
  }
  return 0;
}

// tiktoken's byte_pair_encode on bytes taken as one piece: merge the lowest-ranked adjacent pair
// (the leftmost on a tie) until no pair is a token.
function bytePairEncode(vocabulary: Vocabulary, bytes: Uint8Array): number[] {
  const rank = (from: number, to: number): number | undefined => {
    try {
      const id = vocabulary.encoding.encodeSingleToken(bytes.subarray(from, to));
      return vocabulary.isOrdinary(id) ? id : undefined;
    } catch {
      return undefined;
    }
  };
  const bounds = Array.from({ length: bytes.length + 1 }, (_, i) => i);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 2 < bounds.length; i++) {
      const r = rank(bounds[i], bounds[i + 2]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    bounds.splice(best + 1, 1);
  }
  const ids: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const id = rank(bounds[i], bounds[i + 1]);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
