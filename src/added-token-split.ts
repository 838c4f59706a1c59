// Added tokens with lstrip, rstrip or single_word, found as Hugging Face `tokenizers` finds them
// (its AddedVocabulary): the tokens with normalized: false in the text as given, then those with
// normalized: true in the normalized text between them, each pass leftmost-longest and
// non-overlapping; a single_word token only where no word character touches it; an lstrip or
// rstrip token takes the whitespace beside it, which then is not encoded. Only files that set one
// of these flags take this path: without them the core's own search gives the same ids, faster.
import type { NativeEncodingHandle } from './backend-contract';
import { concatArrays } from './bytes';
import { encodedInJs } from './regexp-handle';

export interface AddedTokenRule {
  id: number;
  content: string;
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
  singleWord: boolean;
}

// Rust regex's Unicode \w and \s, which Hugging Face's word and space tests use.
const WORD_BEFORE = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const WORD_AFTER = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACES_AT = /\p{White_Space}*/uy;
// Every White_Space character is one UTF-16 unit.
const SPACE = /^\p{White_Space}$/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A part of the text: an added token's id, or text for the model. */
type Split = number | string;

interface MatchingSet {
  pattern: RegExp | null;
  rules: Map<string, AddedTokenRule>;
}

// Longest first: where several start at one place a RegExp alternation takes the first listed,
// which is then the longest, as aho-corasick's LeftmostLongest does.
function matchingSet(rules: AddedTokenRule[], contentOf: (rule: AddedTokenRule) => string): MatchingSet {
  const byText = new Map<string, AddedTokenRule>();
  for (const rule of rules) {
    const text = contentOf(rule);
    if (text !== '' && !byText.has(text)) byText.set(text, rule);
  }
  const texts = [...byText.keys()].sort((a, b) => b.length - a.length);
  return { pattern: texts.length ? new RegExp(texts.map(escapeRegExp).join('|'), 'gu') : null, rules: byText };
}

/** Hugging Face's find_matches: the text cut into added tokens (their ids) and the text between. */
function findMatches(sentence: string, set: MatchingSet, out: (split: Split) => void): void {
  const { pattern } = set;
  if (!pattern) {
    if (sentence !== '') out(sentence);
    return;
  }
  let startOffset = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(sentence); m; m = pattern.exec(sentence)) {
    const rule = set.rules.get(m[0])!;
    let start = m.index;
    let stop = start + m[0].length;
    if (rule.singleWord) {
      const startSpace = start === 0 || !WORD_BEFORE.test(sentence.slice(Math.max(0, start - 2), start));
      const stopSpace = stop === sentence.length || !WORD_AFTER.test(sentence.slice(stop, stop + 2));
      if (!startSpace || !stopSpace) continue;
    }
    if (rule.lstrip) {
      // Not past the end of the last split: whitespace an earlier match took (its rstrip) stays
      // with it, and the walk stays linear.
      while (start > startOffset && SPACE.test(sentence[start - 1])) start--;
      start = Math.max(start, startOffset);
    }
    // The search goes on from the token's end, as Hugging Face's does, not from the whitespace
    // rstrip takes.
    if (rule.rstrip) {
      SPACES_AT.lastIndex = stop;
      stop += SPACES_AT.exec(sentence)![0].length;
    }
    if (startOffset < start) out(sentence.slice(startOffset, start));
    out(rule.id);
    startOffset = stop;
  }
  if (startOffset < sentence.length) out(sentence.slice(startOffset));
}

/**
 * A handle that finds the allowed added tokens as Hugging Face does and hands the text between
 * them to `inner` with no special token allowed. `normalize`: the file's normalizer (NFC), or null.
 */
export function hfAddedTokenHandle(inner: NativeEncodingHandle, rules: AddedTokenRule[], specialNames: readonly string[], normalize: ((text: string) => string) | null): NativeEncodingHandle {
  const index = new Map(specialNames.map((name, k) => [name, k]));
  const norm = normalize ?? ((text: string) => text);
  let cachedKey: string | undefined;
  let cached: { raw: MatchingSet; normalized: MatchingSet } | undefined;
  const setsFor = (allowed: Uint8Array) => {
    const key = allowed.join('');
    if (key !== cachedKey) {
      const on = rules.filter((r) => allowed[index.get(r.content) ?? -1] === 1);
      cached = {
        raw: matchingSet(on.filter((r) => !r.normalized), (r) => r.content),
        normalized: matchingSet(on.filter((r) => r.normalized), (r) => norm(r.content)),
      };
      cachedKey = key;
    }
    return cached!;
  };
  const encode = (t: string | Uint8Array, a: Uint8Array | null, d: Uint8Array | null): Uint32Array => {
    if (!a) return inner.encode(t, a, d) as Uint32Array;
    let text = typeof t === 'string' ? t : bytesDecoder.decode(t);
    if (LONE_SURROGATE.test(text)) text = Buffer.from(text, 'utf8').toString('utf8');
    const sets = setsFor(a);
    const parts: Uint32Array[] = [];
    const emit = (split: Split) => parts.push(typeof split === 'number' ? Uint32Array.of(split) : (inner.encode(split, null, d) as Uint32Array));
    findMatches(text, sets.raw, (split) => (typeof split === 'number' ? emit(split) : findMatches(norm(split), sets.normalized, emit)));
    return concatArrays(Uint32Array, parts);
  };
  return encodedInJs(inner, encode, 'encodeWithOffsets is not available for a tokenizer.json whose added tokens strip whitespace or match single words only: the whitespace they take has no token');
}
