// Encoding.fromTokenizerJson for BPE models whose vocabulary is not GPT-2's byte-level alphabet:
// the SentencePiece-style files (Llama 2, Gemma, Mistral) with byte fallback (<0xNN> tokens), an
// unknown token, a merges list that alone says which pairs merge and in what order, and text
// steps (normalizers, pre-tokenizers, decoders) that Hugging Face `tokenizers` runs on strings.
// The text steps run here on JS strings; the merging of each word runs in the core
// (native/core/bpe/merge_list.h). Every step follows Hugging Face's definition exactly; a step or
// setting this does not implement is refused with an error naming its key.
import { quote } from './args';
import type { NativeEncodingHandle } from './backend-contract';
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { createMergeList, type MergeListHandle } from './merge-list';
import { tokenTextsOf, type TokenTexts } from './token-texts';
import { fields, isObject, malformed, mergeParts, unsupported, type Json } from './tokenizer-json-read';

function typesIn(step: unknown, list: string): string[] {
  if (!isObject(step)) return [];
  const s = fields(step);
  if (s.type === 'Sequence' && Array.isArray(s[list])) return (s[list] as unknown[]).flatMap((x) => typesIn(x, list));
  return [String(s.type)];
}

/**
 * Whether a tokenizer.json is for this module rather than the byte-level path: it has no ByteLevel
 * step, and its model has byte fallback, it splits or decodes with Metaspace, decodes with ByteFallback or prepends with a
 * normalizer (the marks of a SentencePiece conversion).
 */
export function isSentencePieceJson(json: Json): boolean {
  const model = isObject(json.model) ? fields(json.model) : undefined;
  const decoders = typesIn(json.decoder, 'decoders');
  const pre = typesIn(json.pre_tokenizer, 'pretokenizers');
  // A byte-level file stays on its path, which refuses byte fallback there naming the key.
  if (pre.includes('ByteLevel') || decoders.includes('ByteLevel')) return false;
  if (model?.byte_fallback === true) return true;
  return pre.includes('Metaspace') || decoders.includes('Metaspace') || decoders.includes('ByteFallback') || typesIn(json.normalizer, 'normalizers').includes('Prepend');
}

/** A stretch of normalized text and whether it begins at the start of the original text. */
interface Piece {
  text: string;
  atStart: boolean;
}

type Normalize = (s: string) => string;
type PreTokenize = (pieces: Piece[]) => Piece[];
type DecodeStep = (tokens: string[]) => string[];

function stringPattern(given: unknown, source: string, key: string): string {
  const p = isObject(given) ? fields(given) : undefined;
  if (p && typeof p.String === 'string') return p.String;
  if (p && typeof p.Regex === 'string') throw unsupported(source, key, 'a Regex pattern is not supported here (only {"String": ...})');
  throw malformed(source, key, 'expected {"String": "..."}');
}

function oneChar(value: unknown, source: string, key: string): string {
  if (typeof value !== 'string' || [...value].length !== 1) throw malformed(source, key, `expected one character; got ${quote(value)}`);
  return value;
}

const NORMAL_FORMS: Record<string, 'NFC' | 'NFD' | 'NFKC' | 'NFKD'> = { NFC: 'NFC', NFD: 'NFD', NFKC: 'NFKC', NFKD: 'NFKD' };

// A step's own fields; null for no step.
function stepFields(given: unknown, source: string, key: string): Json | null {
  if (given === null || given === undefined) return null;
  if (!isObject(given)) throw malformed(source, key, 'not an object');
  return fields(given);
}

// A Sequence's steps (the array under `list`) run one after another; a null step does nothing.
function sequence<T>(step: Json, list: string, source: string, key: string, read: (given: unknown, source: string, key: string) => ((x: T) => T) | null): (x: T) => T {
  const given = step[list];
  if (!Array.isArray(given)) throw malformed(source, `${key}.${list}`, 'missing or not an array');
  const steps = given.map((s, k) => read(s, source, `${key}.${list}[${k}]`)).filter((s): s is (x: T) => T => s !== null);
  return (x) => steps.reduce((y, run) => run(y), x);
}

function readNormalizer(given: unknown, source: string, key = 'normalizer'): Normalize | null {
  const n = stepFields(given, source, key);
  if (!n) return null;
  if (n.type === 'Sequence') return sequence(n, 'normalizers', source, key, readNormalizer);
  if (n.type === 'Prepend') {
    if (typeof n.prepend !== 'string') throw malformed(source, `${key}.prepend`, 'expected a string');
    const prepend = n.prepend;
    return (s) => (s.length ? prepend + s : s);
  }
  if (n.type === 'Replace') {
    const pattern = stringPattern(n.pattern, source, `${key}.pattern`);
    if (typeof n.content !== 'string') throw malformed(source, `${key}.content`, 'expected a string');
    const content = n.content;
    // An empty pattern: the reference finds no match.
    return pattern === '' ? (s) => s : (s) => s.split(pattern).join(content);
  }
  const form = typeof n.type === 'string' ? NORMAL_FORMS[n.type] : undefined;
  if (form) return (s) => s.normalize(form);
  throw unsupported(source, `${key}.type`, `the normalizer ${quote(n.type)} is not supported here (only Prepend, Replace, NFC, NFD, NFKC, NFKD and a Sequence of them)`);
}

// Hugging Face's split of one piece by delimiter matches: `matches` are [start, end) pairs of
// non-empty, non-overlapping matches in order; the pieces between and around them are the others.
type Behavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS: readonly string[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

function splitPiece(piece: Piece, find: (s: string) => number[], behavior: Behavior, invert: boolean, out: Piece[]): void {
  const s = piece.text;
  const found = find(s);
  // Every stretch in order, each with whether it is a match.
  const parts: [number, number, boolean][] = [];
  let prev = 0;
  for (let k = 0; k < found.length; k += 2) {
    if (found[k] > prev) parts.push([prev, found[k], invert]);
    parts.push([found[k], found[k + 1], !invert]);
    prev = found[k + 1];
  }
  if (prev < s.length) parts.push([prev, s.length, invert]);
  let kept: [number, number][] = [];
  if (behavior === 'Removed') {
    kept = parts.filter((p) => !p[2]).map((p) => [p[0], p[1]]);
  } else if (behavior === 'Isolated') {
    kept = parts.map((p) => [p[0], p[1]]);
  } else if (behavior === 'MergedWithNext') {
    let previousMatch = false;
    for (let k = parts.length - 1; k >= 0; k--) {
      const [a, b, isMatch] = parts[k];
      if (isMatch && !previousMatch && kept.length) kept[kept.length - 1][0] = a;
      else kept.push([a, b]);
      previousMatch = isMatch;
    }
    kept.reverse();
  } else {
    let previousMatch = false;
    for (const [a, b, isMatch] of parts) {
      const join = behavior === 'Contiguous' ? isMatch === previousMatch : isMatch && !previousMatch;
      if (join && kept.length) kept[kept.length - 1][1] = b;
      else kept.push([a, b]);
      previousMatch = isMatch;
    }
  }
  for (const [a, b] of kept) {
    if (b > a) out.push({ text: s.slice(a, b), atStart: piece.atStart && a === 0 });
  }
}

function literalMatches(literal: string): (s: string) => number[] {
  return (s) => {
    const out: number[] = [];
    if (literal === '') return out;
    for (let at = s.indexOf(literal); at >= 0; at = s.indexOf(literal, at + literal.length)) out.push(at, at + literal.length);
    return out;
  };
}

function readPreTokenizer(given: unknown, source: string, key = 'pre_tokenizer'): PreTokenize | null {
  const p = stepFields(given, source, key);
  if (!p) return null;
  if (p.type === 'Sequence') return sequence(p, 'pretokenizers', source, key, readPreTokenizer);
  if (p.type === 'Split') {
    const literal = stringPattern(p.pattern, source, `${key}.pattern`);
    if (typeof p.behavior !== 'string' || !BEHAVIORS.includes(p.behavior)) throw malformed(source, `${key}.behavior`, `expected one of ${BEHAVIORS.join(', ')}; got ${quote(p.behavior)}`);
    const behavior = p.behavior as Behavior;
    const invert = p.invert === true;
    const find = literalMatches(literal);
    return (pieces) => {
      const out: Piece[] = [];
      for (const piece of pieces) splitPiece(piece, find, behavior, invert, out);
      return out;
    };
  }
  if (p.type === 'Metaspace') {
    const replacement = oneChar(p.replacement, source, `${key}.replacement`);
    let scheme = p.prepend_scheme ?? 'always';
    if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') throw malformed(source, `${key}.prepend_scheme`, `expected "always", "first" or "never"; got ${quote(scheme)}`);
    if (p.add_prefix_space === false) {
      if (p.prepend_scheme !== undefined && scheme !== 'never') throw malformed(source, `${key}.add_prefix_space`, 'false does not match the declared prepend_scheme');
      scheme = 'never';
    }
    const split = p.split !== false;
    const find = literalMatches(replacement);
    return (pieces) => {
      const out: Piece[] = [];
      for (const piece of pieces) {
        let text = piece.text.split(' ').join(replacement);
        if (!text.startsWith(replacement) && (scheme === 'always' || (scheme === 'first' && piece.atStart))) text = replacement + text;
        const replaced = { text, atStart: piece.atStart };
        if (split) splitPiece(replaced, find, 'MergedWithNext', false, out);
        else if (text.length) out.push(replaced);
      }
      return out;
    };
  }
  throw unsupported(source, `${key}.type`, `the pre-tokenizer ${quote(p.type)} is not supported with this model (only Metaspace, Split with a String pattern and a Sequence of them)`);
}

const BYTE_TOKEN = /^<0x(\+[0-9A-Fa-f]|[0-9A-Fa-f]{2})>$/;

function flushBytes(bytes: number[], out: string[]): void {
  if (!bytes.length) return;
  // The reference keeps the bytes' text only when it is all valid UTF-8; else one U+FFFD a byte.
  if (isValidUtf8(bytes)) out.push(Buffer.from(bytes).toString('utf8'));
  else for (let k = 0; k < bytes.length; k++) out.push('\uFFFD');
  bytes.length = 0;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isValidUtf8(bytes: number[]): boolean {
  try {
    strictDecoder.decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}

function readDecoder(given: unknown, source: string, key = 'decoder'): DecodeStep | null {
  const d = stepFields(given, source, key);
  if (!d) return null;
  switch (d.type) {
    case 'Sequence':
      return sequence(d, 'decoders', source, key, readDecoder);
    case 'Replace': {
      const pattern = stringPattern(d.pattern, source, `${key}.pattern`);
      if (typeof d.content !== 'string') throw malformed(source, `${key}.content`, 'expected a string');
      const content = d.content;
      return pattern === '' ? (t) => t : (tokens) => tokens.map((t) => t.split(pattern).join(content));
    }
    case 'ByteFallback':
      return (tokens) => {
        const out: string[] = [];
        const bytes: number[] = [];
        for (const t of tokens) {
          const m = t.length === 6 ? BYTE_TOKEN.exec(t) : null;
          if (m) {
            bytes.push(parseInt(m[1], 16));
          } else {
            flushBytes(bytes, out);
            out.push(t);
          }
        }
        flushBytes(bytes, out);
        return out;
      };
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = oneChar(d.content, source, `${key}.content`);
      const start = d.start ?? 0;
      const stop = d.stop ?? 0;
      if (!Number.isInteger(start) || !Number.isInteger(stop) || (start as number) < 0 || (stop as number) < 0) throw malformed(source, `${key}.start`, 'start and stop must be integers >= 0');
      return (tokens) =>
        tokens.map((t) => {
          const chars = [...t];
          let a = 0;
          while (a < (start as number) && a < chars.length && chars[a] === content) a++;
          let b = chars.length;
          for (let i = 0; i < (stop as number) && b - 1 >= a && chars[b - 1] === content; i++) b--;
          return chars.slice(a, b).join('');
        });
    }
    case 'Metaspace': {
      const replacement = oneChar(d.replacement, source, `${key}.replacement`);
      const scheme = d.add_prefix_space === false ? 'never' : (d.prepend_scheme ?? 'always');
      // The reference drops every replacement character of the first token, not only a leading one.
      return (tokens) => tokens.map((t, i) => t.split(replacement).join(i === 0 && scheme !== 'never' ? '' : ' '));
    }
    default:
      throw unsupported(source, `${key}.type`, `the decoder ${quote(d.type)} is not supported with this model (only Replace, ByteFallback, Fuse, Strip, Metaspace and a Sequence of them)`);
  }
}

export interface AddedToken {
  id: number;
  content: string;
  normalized: boolean;
}

function readAddedTokens(list: unknown, source: string, hasNormalizer: boolean): AddedToken[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw malformed(source, 'added_tokens', 'not an array');
  return list.map((given, k) => {
    const key = `added_tokens[${k}]`;
    const t = isObject(given) ? fields(given) : given;
    if (!isObject(t) || typeof t.content !== 'string' || t.content === '' || typeof t.id !== 'number' || !Number.isInteger(t.id) || t.id < 0 || t.id >= 0xffffffff) {
      throw malformed(source, key, 'expected {"id": integer, "content": non-empty string, ...}');
    }
    for (const flag of ['lstrip', 'rstrip', 'single_word']) {
      if (t[flag] === true) throw unsupported(source, `${key}.${flag}`, 'true is not supported');
    }
    const normalized = typeof t.normalized === 'boolean' ? t.normalized : t.special !== true;
    return { id: t.id, content: t.content, normalized: normalized && hasNormalizer };
  });
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

// Leftmost-longest, as the reference's Aho-Corasick matcher: longer alternatives first.
function literalSearch(names: string[]): RegExp | null {
  if (!names.length) return null;
  const sorted = [...names].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeLiteral).join('|'), 'g');
}

interface ModelTables {
  table: Uint32Array;
  tokens: TokenTexts; // the model's token text by id
  vocab: Map<string, number>;
}

function readModel(given: unknown, source: string, spaceIsCut: boolean): { model: Json; tables: ModelTables } {
  if (!isObject(given)) throw malformed(source, 'model', 'missing or not an object');
  const model = fields(given);
  const type = model.type ?? (model.merges !== undefined ? 'BPE' : undefined);
  if (type !== 'BPE') throw unsupported(source, 'model.type', `${quote(type)} is not supported; only BPE models are (not Unigram, WordPiece or WordLevel)`);
  if (model.dropout !== null && model.dropout !== undefined && model.dropout !== 0) throw unsupported(source, 'model.dropout', 'BPE dropout is random; not supported');
  if (model.ignore_merges === true) throw unsupported(source, 'model.ignore_merges', 'true is not supported with byte fallback');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    if (model[key] !== null && model[key] !== undefined && model[key] !== '') throw unsupported(source, `model.${key}`, `${quote(model[key])} is not supported`);
  }
  if (!isObject(model.vocab)) throw malformed(source, 'model.vocab', 'missing or not an object');
  if (!Array.isArray(model.merges)) throw malformed(source, 'model.merges', 'missing or not an array');
  const vocab = new Map<string, number>();
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(model.vocab as Json)) {
    const key = () => `model.vocab[${quote(token)}]`; // made only for an error
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= 0xffffffff) throw malformed(source, key(), `the id must be an integer from 0 to 4294967294; got ${quote(id)}`);
    if (tokens[id] !== undefined) throw malformed(source, key(), `the id ${id} is also the id of ${quote(tokens[id])}`);
    tokens[id] = token;
    vocab.set(token, id);
  }
  const merges = model.merges as unknown[];
  const header = 7 + 256;
  const chars: number[] = [];
  for (const [token, id] of vocab) {
    const cp = token.codePointAt(0);
    if (cp !== undefined && token.length === (cp > 0xffff ? 2 : 1) && !(cp >= 0xd800 && cp <= 0xdfff)) chars.push(cp, id);
  }
  const triples = new Uint32Array(3 * merges.length);
  // The characters some merge result has just before the meta space: a word is not cut there
  // (native/core/bpe/merge_list.h).
  const joined = new Set<number>();
  // One loop without a pair array or closures per merge (Gemma 3 has 514,906).
  const parts = ['', ''];
  for (let k = 0; k < merges.length; k++) {
    mergeParts(merges[k], k, source, parts);
    const [a, b] = parts;
    const result = a + b;
    for (let at = result.indexOf(META_SPACE, 1); at > 0; at = result.indexOf(META_SPACE, at + 1)) {
      const low = result.charCodeAt(at - 1);
      joined.add(low >= 0xdc00 && low <= 0xdfff && at >= 2 ? result.codePointAt(at - 2)! : low);
    }
    const ia = vocab.get(a);
    const ib = vocab.get(b);
    const ir = vocab.get(result);
    if (ia === undefined || ib === undefined || ir === undefined) throw malformed(source, `model.merges[${k}]`, `${quote(ia === undefined ? a : ib === undefined ? b : result)} is not in model.vocab`);
    triples[3 * k] = ia;
    triples[3 * k + 1] = ib;
    triples[3 * k + 2] = ir;
  }
  const table = new Uint32Array(header + triples.length + chars.length + joined.size);
  table[0] = 0x4d4c5354;
  table[1] = merges.length;
  table[2] = chars.length / 2;
  table[3] = (model.fuse_unk === true ? 1 : 0) | (spaceIsCut && vocab.has(META_SPACE) ? 2 : 0);
  table[4] = 0xffffffff;
  table[5] = vocab.has(META_SPACE) ? META_SPACE.codePointAt(0)! : 0xffffffff;
  table[6] = joined.size;
  if (model.unk_token !== null && model.unk_token !== undefined) {
    if (typeof model.unk_token !== 'string') throw malformed(source, 'model.unk_token', 'expected a string');
    const unk = vocab.get(model.unk_token);
    // The reference fails at encode time on a character it would map to a missing unknown token.
    if (unk === undefined) throw unsupported(source, 'model.unk_token', `${quote(model.unk_token)} is not in model.vocab`);
    table[4] = unk;
  }
  for (let b = 0; b < 256; b++) {
    const id = model.byte_fallback === true ? vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) : undefined;
    table[7 + b] = id ?? 0xffffffff;
  }
  table.set(triples, header);
  table.set(chars, header + triples.length);
  table.set([...joined], header + triples.length + chars.length);
  return { model, tables: { table, tokens: tokenTextsOf(tokens), vocab } };
}

// The character the decoder turns into a space (a Metaspace decoder's, or a Replace's to " ").
function spaceCharacter(decoder: unknown): string | null {
  if (!isObject(decoder)) return null;
  const d = fields(decoder);
  if (d.type === 'Sequence' && Array.isArray(d.decoders)) {
    for (const step of d.decoders) {
      const found = spaceCharacter(step);
      if (found !== null) return found;
    }
    return null;
  }
  if (d.type === 'Metaspace' && typeof d.replacement === 'string') return d.replacement;
  const pattern = isObject(d.pattern) ? fields(d.pattern).String : undefined;
  if (d.type === 'Replace' && d.content === ' ' && typeof pattern === 'string' && pattern !== '') return pattern;
  return null;
}

const META_SPACE = '\u2581';
const textEncoder = new TextEncoder();

function stepsOf(step: unknown, list: string): Json[] {
  if (!isObject(step)) return [];
  const s = fields(step);
  if (s.type === 'Sequence' && Array.isArray(s[list])) return (s[list] as unknown[]).flatMap((x) => stepsOf(x, list));
  return [s];
}

/**
 * { prepend } when the normalizer is Replace " " -> "▁", after a Prepend "▁" or alone, with no
 * pre-tokenizer or only a Split on a literal holding a space (which finds nothing once spaces are
 * gone) and no added token matched in normalized text (Llama 2's and Gemma's files); else undefined.
 */
function spacesOnly(json: Json, added: AddedToken[]): { prepend: boolean } | undefined {
  if (added.some((t) => t.normalized)) return undefined;
  const steps = stepsOf(json.normalizer, 'normalizers');
  const isReplace = (n: Json | undefined) => n?.type === 'Replace' && n.content === META_SPACE && isObject(n.pattern) && fields(n.pattern).String === ' ' && fields(n.pattern).Regex === undefined;
  let prepend = false;
  if (steps.length === 2 && steps[0].type === 'Prepend' && steps[0].prepend === META_SPACE && isReplace(steps[1])) prepend = true;
  else if (!(steps.length === 1 && isReplace(steps[0]))) return undefined;
  if (json.pre_tokenizer !== null && json.pre_tokenizer !== undefined) {
    const pre = stepsOf(json.pre_tokenizer, 'pretokenizers');
    const harmless = (p: Json) => p.type === 'Split' && p.invert !== true && isObject(p.pattern) && typeof fields(p.pattern).String === 'string' && (fields(p.pattern).String as string).includes(' ');
    if (!pre.length || !pre.every(harmless)) return undefined;
  }
  return { prepend };
}
const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const isWellFormed = (text: string): boolean => {
  const s = text as string & { isWellFormed?: () => boolean };
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : wellFormed(text) === text;
};

function wellFormed(text: string): string {
  const s = text as string & { toWellFormed?: () => string };
  return typeof s.toWellFormed === 'function' ? s.toWellFormed() : Buffer.from(text, 'utf8').toString('utf8');
}

function notSupported(what: string): TurbotokenError {
  return new TurbotokenError(`${what} is not supported for this tokenizer (a merges-list BPE model with byte fallback)`, 'ERR_UNSUPPORTED_TOKENIZER');
}

interface Policy {
  raw: RegExp | null;
  normalized: RegExp | null;
  disallowed: RegExp | null;
  ids: Map<string, number>;
}

const NO_MASK = new Uint8Array(0);

class SentencePieceHandle implements NativeEncodingHandle {
  readonly #list: MergeListHandle;
  readonly #tokens: TokenTexts;
  readonly #added: AddedToken[];
  readonly #addedById = new Map<number, string>();
  readonly #normalize: Normalize | null;
  readonly #preTokenize: PreTokenize | null;
  readonly #decode: DecodeStep | null;
  readonly #replacement: string | null; // the character the decoder turns into a space
  readonly #maxTokenValue: number;
  readonly #policies = new WeakMap<Uint8Array, WeakMap<Uint8Array, Policy>>();
  #bytesIndex: Map<string, number> | undefined;
  // Set when the text steps are only "replace every space with ▁" (after a prepended ▁, when
  // true): the core then reads a space as ▁ and the steps run on the UTF-8 bytes as given.
  readonly #spaces: { prepend: boolean } | undefined;
  // Set with #spaces when the core can also find the added tokens (their texts well-formed and
  // distinct): a string is then encoded in one core call (MergeList.encodeText).
  #oneCall: boolean | undefined;

  readonly #saved: SentencePieceSaved | undefined;

  // restored: the added tokens, token texts and table of a saved encoding, in place of reading
  // json.added_tokens and json.model.
  constructor(json: Json, source: string, restored?: Omit<SentencePieceSaved, 'steps'>) {
    this.#normalize = readNormalizer(json.normalizer, source);
    this.#preTokenize = readPreTokenizer(json.pre_tokenizer, source);
    this.#decode = readDecoder(json.decoder, source);
    this.#added = restored ? restored.added : readAddedTokens(json.added_tokens, source, this.#normalize !== null);
    const fast = spacesOnly(json, this.#added);
    const tables = restored ?? readModel(json.model, source, fast !== undefined).tables;
    // The table names the meta space as its cut character exactly when the vocabulary has it.
    this.#spaces = fast !== undefined && tables.table[5] !== 0xffffffff ? fast : undefined;
    this.#tokens = tables.tokens;
    this.#saved = savedSteps(json, { added: this.#added, tokens: tables.tokens, table: tables.table });
    let max = tables.tokens.length - 1;
    this.#added.forEach((t, k) => {
      const clash = t.id < tables.tokens.length && !tables.tokens.is(t.id, t.content) ? tables.tokens.get(t.id) : undefined;
      if (clash !== undefined) throw malformed(source, `added_tokens[${k}]`, `the id ${t.id} is the vocabulary's ${quote(clash)}`);
      if (this.#addedById.has(t.id)) throw malformed(source, `added_tokens[${k}]`, `the id ${t.id} is also the id of ${quote(this.#addedById.get(t.id))}`);
      this.#addedById.set(t.id, t.content);
      max = Math.max(max, t.id);
    });
    this.#maxTokenValue = max;
    this.#replacement = spaceCharacter(json.decoder);
    this.#list = createMergeList(tables.table);
  }

  // Whether whole texts go to the core in one call; the core gets the added tokens at the first
  // encode that asks, not at load (Gemma 3's 6,415 were a tenth of a cold Encoding.load).
  #oneCallReady(): boolean {
    if (this.#oneCall === undefined) this.#oneCall = this.#spaces !== undefined && this.#setAdded();
    return this.#oneCall;
  }

  // Gives the core the added tokens, in the order of the facade's masks; false (nothing given)
  // when one is not well-formed or two share a text, which the core's matcher cannot mirror.
  #setAdded(): boolean {
    const contents = this.#added.map((t) => t.content);
    if (new Set(contents).size !== contents.length || !contents.every(isWellFormed)) return false;
    // One encode of all the texts, not one array per token: a third of this at a cold load of
    // Gemma 3 (6,415 added tokens).
    const ends = new Uint32Array(contents.length);
    let size = 0;
    for (let k = 0; k < contents.length; k++) ends[k] = size += Buffer.byteLength(contents[k], 'utf8');
    this.#list.setAdded(Buffer.from(contents.join(''), 'utf8'), ends, Uint32Array.from(this.#added, (t) => t.id));
    return true;
  }

  /** What Encoding#save writes; undefined when the text steps are not plain JSON. */
  saved(): SentencePieceSaved | undefined {
    return this.#saved;
  }

  /** The added tokens, in the order of the file (the order of the Encoding's special tokens). */
  specialTokens(): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    for (const t of this.#added) out[t.content] = t.id;
    return out;
  }

  // The expressions of one policy: the tokens found as ids (raw, and found after normalizing)
  // and those whose presence is an error. The facade passes the same mask objects for its
  // defaults, so they are built once; a caller's own sets build theirs per call.
  #policy(allowed: Uint8Array | null, disallowed: Uint8Array | null): Policy {
    const key = allowed ?? NO_MASK;
    let byDisallowed = this.#policies.get(key);
    if (!byDisallowed) this.#policies.set(key, (byDisallowed = new WeakMap()));
    const dKey = disallowed ?? NO_MASK;
    let policy = byDisallowed.get(dKey);
    if (!policy) {
      const on = allowed ? this.#added.filter((_, i) => allowed[i]) : [];
      const off = disallowed ? this.#added.filter((_, i) => disallowed[i] && !(allowed && allowed[i])) : [];
      policy = {
        raw: literalSearch(on.filter((t) => !t.normalized).map((t) => t.content)),
        normalized: literalSearch(on.filter((t) => t.normalized).map((t) => t.content)),
        disallowed: literalSearch(off.map((t) => t.content)),
        ids: new Map(on.map((t) => [t.content, t.id])),
      };
      byDisallowed.set(dKey, policy);
    }
    return policy;
  }

  #ids(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): Uint32Array {
    if (this.#oneCallReady() && (!allowed || allowed.length >= this.#added.length)) {
      const given = typeof text === 'string' ? text : bytesDecoder.decode(text);
      const found = disallowed ? this.#policy(allowed, disallowed).disallowed : null;
      if (found) {
        found.lastIndex = 0;
        const m = found.exec(wellFormed(given));
        if (m) throw bindingError('disallowedSpecial', { token: JSON.stringify(m[0]) }, TurbotokenError);
      }
      return this.#list.encodeText(given, allowed, this.#spaces!.prepend);
    }
    const whole = wellFormed(typeof text === 'string' ? text : bytesDecoder.decode(text));
    const policy = this.#policy(allowed, disallowed);
    if (policy.disallowed) {
      policy.disallowed.lastIndex = 0;
      const m = policy.disallowed.exec(whole);
      if (m) throw bindingError('disallowedSpecial', { token: JSON.stringify(m[0]) }, TurbotokenError);
    }
    const byContent = policy.ids;
    const normSearch = policy.normalized;
    const rawSearch = policy.raw;
    const parts: Uint32Array[] = [];
    let total = 0;
    const push = (ids: Uint32Array) => {
      if (ids.length) parts.push(ids), (total += ids.length);
    };
    const spaces = this.#spaces;
    const words = (segment: string, atStart: boolean) => {
      if (!segment) return;
      if (spaces) {
        // The space in front becomes the prepended ▁: a one-byte string stays one-byte.
        const bytes = textEncoder.encode(spaces.prepend ? ' ' + segment : segment);
        return push(this.#list.encode(bytes, Uint32Array.of(bytes.length)));
      }
      const normal = this.#normalize ? this.#normalize(segment) : segment;
      this.#splitBy(normSearch, normal, byContent, push, (s, first) => this.#encodeText(s, atStart && first, push));
    };
    this.#splitBy(rawSearch, whole, byContent, push, words);
    if (parts.length === 1) return parts[0];
    const out = new Uint32Array(total);
    let at = 0;
    for (const p of parts) out.set(p, at), (at += p.length);
    return out;
  }

  // Calls text(s, atStart) for the stretches between the matches of re and push([id]) for each match.
  #splitBy(re: RegExp | null, s: string, byContent: Map<string, number>, push: (ids: Uint32Array) => void, text: (s: string, atStart: boolean) => void): void {
    if (!re) return text(s, true);
    let prev = 0;
    re.lastIndex = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m.index > prev) text(s.slice(prev, m.index), prev === 0);
      push(Uint32Array.of(byContent.get(m[0])!));
      prev = m.index + m[0].length;
    }
    if (prev < s.length) text(s.slice(prev), prev === 0);
  }

  #encodeText(normal: string, atStart: boolean, push: (ids: Uint32Array) => void): void {
    if (!normal) return;
    if (!this.#preTokenize) {
      const bytes = textEncoder.encode(normal);
      return push(this.#list.encode(bytes, Uint32Array.of(bytes.length)));
    }
    const pieces = this.#preTokenize([{ text: normal, atStart }]);
    if (!pieces.length) return;
    const ends = new Uint32Array(pieces.length);
    let bytes = 0;
    pieces.forEach((p, k) => (ends[k] = bytes += Buffer.byteLength(p.text)));
    push(this.#list.encode(textEncoder.encode(pieces.map((p) => p.text).join('')), ends));
  }

  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): Uint32Array {
    return this.#ids(text, allowed, disallowed);
  }

  encodePrefix(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, maxTokens: number): Uint32Array {
    return this.#ids(text, allowed, disallowed).slice(0, maxTokens);
  }

  countUpTo(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): number {
    return this.#ids(text, allowed, disallowed).length;
  }

  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): number {
    return this.#ids(text, allowed, disallowed).length;
  }

  encodeWithOffsets(): never {
    throw notSupported('encodeWithOffsets');
  }

  encodePieces(): never {
    throw notSupported('encodePieces');
  }

  safeCuts(): Uint32Array {
    return new Uint32Array(0);
  }

  #tokenText(id: number, index: number): string {
    const added = this.#addedById.get(id);
    if (added !== undefined) return added;
    const token = this.#tokens.get(id);
    if (token === undefined) throw bindingError('invalidTokenId', { id, index });
    return token;
  }

  decode(ids: Uint32Array): string {
    const tokens = Array.from(ids, (id, i) => this.#tokenText(id, i));
    // Without a decoder the reference joins the tokens with spaces.
    return this.#decode ? this.#decode(tokens).join('') : tokens.join(' ');
  }

  /** A token's bytes: the byte of <0xNN>, else its text with the decoder's space character as a space. */
  tokenBytes(id: number): Uint8Array | null {
    const added = this.#addedById.get(id);
    if (added !== undefined) return textEncoder.encode(added);
    const token = this.#tokens.get(id);
    if (token === undefined) return null;
    const m = token.length === 6 ? BYTE_TOKEN.exec(token) : null;
    if (m) return Uint8Array.of(parseInt(m[1], 16));
    return textEncoder.encode(this.#replacement ? token.split(this.#replacement).join(' ') : token);
  }

  decodeBytes(ids: Uint32Array): Uint8Array {
    const parts = Array.from(ids, (id, i) => {
      const bytes = this.tokenBytes(id);
      if (!bytes) throw bindingError('invalidTokenId', { id, index: i });
      return bytes;
    });
    return Buffer.concat(parts);
  }

  singleToken(bytes: Uint8Array): number {
    if (!this.#bytesIndex) {
      const index = new Map<string, number>();
      for (let id = 0; id <= this.#maxTokenValue; id++) {
        const b = this.tokenBytes(id);
        if (b && !index.has(Buffer.from(b).toString('latin1'))) index.set(Buffer.from(b).toString('latin1'), id);
      }
      for (const t of this.#added) index.set(Buffer.from(textEncoder.encode(t.content)).toString('latin1'), t.id);
      this.#bytesIndex = index;
    }
    return this.#bytesIndex.get(Buffer.from(bytes).toString('latin1')) ?? -1;
  }

  info(): { maxTokenValue: number; memoryBytes: number } {
    return { maxTokenValue: this.#maxTokenValue, memoryBytes: this.#list.memoryBytes() };
  }
}

/**
 * What a saved encoding holds of a merges-list model (src/saved-encoding.ts): the text steps as the
 * file gave them (small), the added tokens and token texts as read, and the core's table (packed
 * merges and characters), so that loading it reads no vocabulary object and no merges list.
 */
export interface SentencePieceSaved {
  steps: { normalizer: unknown; pre_tokenizer: unknown; decoder: unknown };
  added: AddedToken[];
  tokens: TokenTexts;
  table: Uint32Array;
}

// The steps as plain JSON, copied now: a caller's object may change or hold what JSON cannot.
function savedSteps(json: Json, rest: Omit<SentencePieceSaved, 'steps'>): SentencePieceSaved | undefined {
  try {
    const steps = JSON.parse(JSON.stringify({ normalizer: json.normalizer ?? null, pre_tokenizer: json.pre_tokenizer ?? null, decoder: json.decoder ?? null })) as SentencePieceSaved['steps'];
    return { steps, ...rest };
  } catch {
    return undefined;
  }
}

type SentencePieceBuild = { handle: NativeEncodingHandle; specialTokens: Record<string, number>; saved: () => SentencePieceSaved | undefined };

/** The handle and special tokens of a merges-list BPE tokenizer.json (see isSentencePieceJson). */
export function buildSentencePiece(json: Json, source: string): SentencePieceBuild {
  const handle = new SentencePieceHandle(json, source);
  return { handle, specialTokens: handle.specialTokens(), saved: () => handle.saved() };
}

/**
 * A saved merges-list model's handle (its parts checked by src/saved-encoding.ts; the core checks
 * the table), and its special tokens made when first asked for (Gemma 3's 6,415 as an object were
 * a twentieth of a cold Encoding.load).
 */
export function restoreSentencePiece(saved: SentencePieceSaved, source: string): Omit<SentencePieceBuild, 'specialTokens'> & { specialTokens: () => Record<string, number> } {
  const handle = new SentencePieceHandle(saved.steps as unknown as Json, source, saved);
  return { handle, specialTokens: () => handle.specialTokens(), saved: () => handle.saved() };
}
