// Encoding.fromTokenizerJson: a Hugging Face tokenizer.json of a byte-level BPE model (GPT-2,
// Llama 3, Qwen2 style) as EncodingOptions. Token ids become ranks, so merging follows id order,
// as tiktoken does; docs/encoding.md says when that equals the merges list's order. Anything this
// cannot reproduce exactly is refused with an error naming the key.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkString, checkText, isUint8Array, quote, type ReadOptions } from './args';
import { TurbotokenError, typeError } from './errors';
import { readPreTokenizer } from './pretokenizer-sequence';
import type { EncodingOptions, SplitSemantics } from './custom-encoding';
import type { AddedTokenRule } from './added-token-split';
import { buildSentencePiece, isSentencePieceJson } from './sentencepiece';
import { checkScannedMerges, parseSections, scanSections, scanVocabulary } from './tokenizer-json-scan';
import { MAX_TOKEN_BYTES, packTokenBytes } from './vocab-file';
import { fields, isObject, jsonText, malformed, mergeParts, parseJsonObject, unsupported, type Json, type JsonFileKind } from './tokenizer-json-read';

/** A path, the file's text (starting with "{"), its bytes, or the parsed object. */
export type TokenizerJsonInput = string | Uint8Array | Record<string, unknown>;

/** What Hugging Face's post-processor adds around one sequence's ids (encode's addSpecialTokens). */
export type PostProcessor = { prefix: number[]; suffix: number[] } | { unsupported: string };

/** Hugging Face's rules for the tokenizer.json's added tokens, carried to Encoding. */
export interface HfAddedTokens {
  postProcessor: PostProcessor;
  /** Every added token, when one sets lstrip, rstrip or single_word (src/added-token-split.ts); else none. */
  flagged: AddedTokenRule[];
}

/** GPT-2's reversible map from bytes to printable characters, as a table from character code
 * (all below 0x144) to byte, -1 for characters outside the alphabet. */
function byteLevelDecoder(): Int16Array {
  const table = new Int16Array(0x144).fill(-1);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[printable ? b : 256 + extra++] = b;
  }
  return table;
}

const TOKENIZER_JSON: JsonFileKind = { bytes: '<buffer>', text: '<text>', code: 'ERR_INVALID_VOCABULARY' };

function readInput(input: TokenizerJsonInput): { json: Json; source: string; name: string } {
  if (isObject(input)) return { json: fields(input), source: '<object>', name: 'tokenizer' };
  const file = jsonText(input, TOKENIZER_JSON);
  if (!file) throw typeError('Encoding.fromTokenizerJson takes a path, the JSON text, its bytes or the parsed object');
  return { json: parseJsonObject(file.text, file.source, TOKENIZER_JSON.code), source: file.source, name: nameOf(file.source) };
}

function nameOf(source: string): string {
  // "Qwen2-7B/tokenizer.json" is Qwen2-7B; "gpt2-style.json" is gpt2-style.
  const base = path.basename(source);
  const name = source.startsWith('<') ? 'tokenizer' : (base === 'tokenizer.json' ? path.basename(path.dirname(path.resolve(source))) : base.replace(/\.json$/, '')) || 'tokenizer';
  return name;
}

function checkModel(given: unknown, source: string): Json {
  if (!isObject(given)) throw malformed(source, 'model', 'missing or not an object');
  const model = fields(given);
  const type = model.type ?? (model.merges !== undefined ? 'BPE' : undefined);
  if (type !== 'BPE') throw unsupported(source, 'model.type', `${quote(type)} is not supported; only byte-level BPE models are (not Unigram, WordPiece or WordLevel)`);
  if (model.byte_fallback === true) throw unsupported(source, 'model.byte_fallback', 'byte fallback (SentencePiece-style <0xNN> tokens) is not supported');
  if (model.dropout !== null && model.dropout !== undefined && model.dropout !== 0) throw unsupported(source, 'model.dropout', 'BPE dropout is random; not supported');
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    if (model[key] !== null && model[key] !== undefined && model[key] !== '') throw unsupported(source, `model.${key}`, `${quote(model[key])} is not supported`);
  }
  if (!isObject(model.vocab)) throw malformed(source, 'model.vocab', 'missing or not an object');
  if (!Array.isArray(model.merges)) throw malformed(source, 'model.merges', 'missing or not an array');
  return model;
}

function checkNormalizer(given: unknown, source: string): boolean {
  if (given === null || given === undefined) return false;
  const normalizer = isObject(given) ? fields(given) : given;
  if (isObject(normalizer) && normalizer.type === 'NFC') return true;
  if (isObject(normalizer) && normalizer.type === 'Sequence' && Array.isArray(normalizer.normalizers)) {
    const types = normalizer.normalizers.map((n) => (isObject(n) ? fields(n).type : undefined));
    if (types.every((t) => t === 'NFC')) return types.length > 0;
  }
  const type = isObject(normalizer) ? normalizer.type : normalizer;
  throw unsupported(source, 'normalizer', `${quote(type)} is not supported (only none or NFC)`);
}

function decodeToken(token: string, table: Int16Array, source: string, key: () => string): Uint8Array {
  const bytes = new Uint8Array(token.length); // every alphabet character is one UTF-16 unit
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    const b = c < table.length ? table[c] : -1;
    if (b < 0) throw unsupported(source, key(), `the character ${JSON.stringify(String.fromCodePoint(token.codePointAt(i)!))} is not in the byte-level alphabet (not a byte-level BPE vocabulary)`);
    bytes[i] = b;
  }
  return bytes;
}

/** Checks the merges list (both forms) against the vocabulary; merging itself follows ids. */
// A loop with the merge's key made only for an error, and a string merge cut at its one space
// without an array: per merge these were most of the time of checking Llama 3's 280,000 merges.
function checkMerges(merges: unknown[], vocab: Json, source: string): void {
  const has = (part: string) => Object.prototype.hasOwnProperty.call(vocab, part);
  const parts = ['', ''];
  for (let k = 0; k < merges.length; k++) {
    mergeParts(merges[k], k, source, parts);
    const [a, b] = parts;
    if (has(a) && has(b) && has(a + b)) continue;
    const missing = !has(a) ? a : !has(b) ? b : a + b;
    throw malformed(source, `model.merges[${k}]`, `${quote(missing)} is not in model.vocab`);
  }
}


function readAddedTokens(list: unknown, source: string): AddedTokenRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw malformed(source, 'added_tokens', 'not an array');
  return list.map((given, k) => {
    const key = `added_tokens[${k}]`;
    const t = isObject(given) ? fields(given) : given;
    if (!isObject(t) || typeof t.content !== 'string' || typeof t.id !== 'number') throw malformed(source, key, 'expected {"id": number, "content": string, ...}');
    // Hugging Face finds a normalized token in the normalized text, the others in the text as
    // given (its default for normalized is !special).
    return { id: t.id, content: t.content, normalized: typeof t.normalized === 'boolean' ? t.normalized : t.special !== true, lstrip: t.lstrip === true, rstrip: t.rstrip === true, singleWord: t.single_word === true };
  });
}

function templateIds(value: unknown, source: string, key: string): number[] {
  const ids = isObject(value) ? fields(value).ids : undefined;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0)) throw malformed(source, key, 'expected {"ids": [id, ...], ...}');
  return ids as number[];
}

/**
 * The ids the post-processor puts before and after one sequence. A processor that cannot be read
 * is kept as a message: the file still loads, and only addSpecialTokens: true refuses it.
 */
function readPostProcessor(given: unknown, source: string, key = 'post_processor'): PostProcessor {
  if (given === null || given === undefined) return { prefix: [], suffix: [] };
  if (!isObject(given)) throw malformed(source, key, 'not an object');
  const p = fields(given);
  // ByteLevel's post-processing only trims offsets.
  if (p.type === 'ByteLevel') return { prefix: [], suffix: [] };
  if (p.type === 'Sequence') {
    if (!Array.isArray(p.processors)) throw malformed(source, `${key}.processors`, 'missing or not an array');
    let prefix: number[] = [];
    let suffix: number[] = [];
    for (let k = 0; k < p.processors.length; k++) {
      const step = readPostProcessor(p.processors[k], source, `${key}.processors[${k}]`);
      if ('unsupported' in step) return step;
      prefix = [...step.prefix, ...prefix];
      suffix = [...suffix, ...step.suffix];
    }
    return { prefix, suffix };
  }
  if (p.type === 'BertProcessing' || p.type === 'RobertaProcessing') {
    const idOf = (pair: unknown, name: string) => {
      if (!Array.isArray(pair) || typeof pair[1] !== 'number' || !Number.isInteger(pair[1]) || pair[1] < 0) throw malformed(source, `${key}.${name}`, 'expected ["token", id]');
      return pair[1] as number;
    };
    return { prefix: [idOf(p.cls, 'cls')], suffix: [idOf(p.sep, 'sep')] };
  }
  if (p.type === 'TemplateProcessing') {
    if (!Array.isArray(p.single)) throw malformed(source, `${key}.single`, 'missing or not an array');
    const specials = isObject(p.special_tokens) ? fields(p.special_tokens) : undefined;
    const prefix: number[] = [];
    const suffix: number[] = [];
    let sequences = 0;
    p.single.forEach((given, k) => {
      const item = isObject(given) ? fields(given) : undefined;
      const special = item && isObject(item.SpecialToken) ? fields(item.SpecialToken) : undefined;
      if (item && isObject(item.Sequence)) {
        sequences++;
      } else if (special && typeof special.id === 'string' && specials && Object.prototype.hasOwnProperty.call(specials, special.id)) {
        (sequences ? suffix : prefix).push(...templateIds(specials[special.id], source, `${key}.special_tokens[${quote(special.id)}]`));
      } else {
        throw malformed(source, `${key}.single[${k}]`, 'expected {"Sequence": ...} or {"SpecialToken": {"id": a key of special_tokens}}');
      }
    });
    if (sequences !== 1) throw malformed(source, `${key}.single`, `expected one Sequence; found ${sequences}`);
    return { prefix, suffix };
  }
  return { unsupported: `${source}: ${key}.type: the post-processor ${quote(p.type)} is not supported (only TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and a Sequence of them)` };
}

function postProcessorOf(json: Json, source: string): PostProcessor {
  try {
    return readPostProcessor(json.post_processor, source);
  } catch (error) {
    // Only addSpecialTokens: true reads the post-processor; a file it cannot read still loads.
    if (!(error instanceof TurbotokenError)) throw error;
    return { unsupported: error.message };
  }
}

/** The EncodingOptions of a tokenizer.json, how its split differs from tiktoken's (for buildCustomEncoding), and its added-token rules (for Encoding). */
export function encodingOptionsFromTokenizerJson(input: TokenizerJsonInput, options: ReadOptions<'fromTokenizerJson'>): TokenizerJsonRead {
  return readFromBytes(input, options) ?? readParsed(input, options);
}

/** What a tokenizer.json gives; `blob` is its vocabulary already packed (then options.ranks is empty). */
export interface TokenizerJsonRead {
  options: EncodingOptions;
  semantics: SplitSemantics;
  added: HfAddedTokens;
  merges?: ReturnType<typeof buildSentencePiece>;
  blob?: Uint8Array;
}

/** The bytes of a file given as a path, its bytes or its text; undefined where only the general path can say what is wrong. */
function fileBytes(input: TokenizerJsonInput): { bytes: Uint8Array; source: string } | undefined {
  if (isUint8Array(input)) return { bytes: checkText(input) as Uint8Array, source: TOKENIZER_JSON.bytes };
  if (typeof input !== 'string') return undefined;
  if (input.trimStart().startsWith('{')) {
    // A lone surrogate has no UTF-8: the text itself must be parsed.
    return (input as string & { isWellFormed(): boolean }).isWellFormed() ? { bytes: Buffer.from(input, 'utf8'), source: TOKENIZER_JSON.text } : undefined;
  }
  try {
    return { bytes: readFileSync(input), source: input };
  } catch {
    return undefined;
  }
}

/**
 * A byte-level file read with its vocabulary and merges taken from the bytes (src/tokenizer-json-scan.ts),
 * the same result as readParsed; undefined for anything else (a SentencePiece-style file, a
 * section that is not plainly valid, any error of those sections), which readParsed then reads.
 */
export function readFromBytes(input: TokenizerJsonInput, options: ReadOptions<'fromTokenizerJson'>): TokenizerJsonRead | undefined {
  const file = fileBytes(input);
  const scan = file && scanSections(file.bytes);
  if (!file || !scan || !isObject(scan.rest)) return undefined;
  const { source } = file;
  const json = fields(scan.rest);
  if (isSentencePieceJson(json)) {
    // Its own reader takes the parsed file: parsed here from the bytes already read and scanned.
    const whole = parseSections(scan);
    return isObject(whole) ? readJson(fields(whole), source, nameOf(source), options) : undefined;
  }
  // The same checks in the same order as readParsed, so that an error of the small sections is its error.
  checkModel(json.model, source);
  const nfc = checkNormalizer(json.normalizer, source);
  const plan = readPreTokenizer(json.pre_tokenizer, source);
  const table = byteLevelDecoder();
  const vocab = scanVocabulary(scan, table);
  if (!vocab || !checkScannedMerges(scan, vocab, table)) return undefined;
  const added = readAddedTokens(json.added_tokens, source);
  const postProcessor = postProcessorOf(json, source);
  const { byId, count } = vocab;
  const tokenAt = (id: number) => (Number.isInteger(id) && id >= 0 && id < byId.length ? byId[id] : -1);
  // An added token that is also in the vocabulary (GPT-2's <|endoftext|>) is a special token only.
  const skip = new Uint8Array(count);
  for (const [id, content] of new Map(added.map((t) => [t.id, t.content]))) {
    const k = tokenAt(id);
    if (k >= 0 && vocab.text(k) === content) skip[k] = 1;
  }
  const specialTokens: Record<string, number> = Object.create(null);
  added.forEach((t, k) => {
    const at = tokenAt(t.id);
    const clash = at >= 0 ? vocab.text(at) : undefined;
    if (clash !== undefined && clash !== t.content) throw malformed(source, `added_tokens[${k}]`, `the id ${t.id} is the vocabulary's ${quote(clash)}`);
    specialTokens[t.content] = t.id;
  });
  let n = 0;
  for (let k = 0; k < count; k++) {
    if (skip[k]) continue;
    if (vocab.length[k] > MAX_TOKEN_BYTES) return undefined; // too long, or not byte-level (NOT_BYTE_LEVEL): readParsed's error
    n++;
  }
  if (n === 0) return undefined;
  const order = new Int32Array(n);
  n = 0;
  for (let id = 0; id < byId.length; id++) if (byId[id] >= 0 && !skip[byId[id]]) order[n++] = byId[id];
  const blob = packTokenBytes(order, vocab.id, vocab.store, vocab.start, vocab.length);
  const pattern = 'sequence' in plan ? plan.sequence.describe() : plan.pattern;
  const sequence = 'sequence' in plan ? plan.sequence : undefined;
  const rawTokens = added.filter((t) => !t.normalized).map((t) => t.content);
  const name = checkString((options.name as string | undefined) ?? nameOf(source), 'name');
  return { options: { name, pattern, ranks: new Map(), specialTokens }, semantics: { keepGaps: true, nfc, rawTokens, sequence }, added: { postProcessor, flagged: added.some((t) => t.lstrip || t.rstrip || t.singleWord) ? added : [] }, blob };
}

export function readParsed(input: TokenizerJsonInput, options: ReadOptions<'fromTokenizerJson'>): TokenizerJsonRead {
  const { json, source, name } = readInput(input);
  return readJson(json, source, name, options);
}

function readJson(json: Json, source: string, name: string, options: ReadOptions<'fromTokenizerJson'>): TokenizerJsonRead {
  // A merges-list model with byte fallback (Llama 2, Gemma): src/sentencepiece.ts, its own handle.
  if (isSentencePieceJson(json)) {
    const merges = buildSentencePiece(json, source);
    const spOptions: EncodingOptions = { name: (options.name as string | undefined) ?? name, pattern: '', ranks: new Map(), specialTokens: merges.specialTokens };
    return { options: spOptions, semantics: { keepGaps: false, nfc: false, rawTokens: [] }, added: { postProcessor: postProcessorOf(json, source), flagged: [] }, merges };
  }
  const model = checkModel(json.model, source);
  const nfc = checkNormalizer(json.normalizer, source);
  const plan = readPreTokenizer(json.pre_tokenizer, source);
  const pattern = 'sequence' in plan ? plan.sequence.describe() : plan.pattern;
  const sequence = 'sequence' in plan ? plan.sequence : undefined;
  const vocab = model.vocab as Json;
  checkMerges(model.merges as unknown[], vocab, source);
  const added = readAddedTokens(json.added_tokens, source);
  const postProcessor = postProcessorOf(json, source);
  const addedIds = new Map(added.map((t) => [t.id, t.content]));
  const table = byteLevelDecoder();
  const ranks = new Map<Uint8Array, number>();
  const byId = new Map<number, string>();
  for (const [token, id] of Object.entries(vocab)) {
    // Made only for an error: quoting every token took a tenth of loading Llama 3.
    const key = () => `model.vocab[${quote(token)}]`;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw malformed(source, key(), `the id must be an integer >= 0; got ${quote(id)}`);
    const other = byId.get(id);
    if (other !== undefined) throw malformed(source, key(), `the id ${id} is also the id of ${quote(other)}`);
    byId.set(id, token);
    // An added token that is also in the vocabulary (GPT-2's <|endoftext|>) is a special token only.
    if (addedIds.get(id) === token) continue;
    ranks.set(decodeToken(token, table, source, key), id);
  }
  const specialTokens: Record<string, number> = Object.create(null); // see readSpecials
  added.forEach((t, k) => {
    const clash = byId.get(t.id);
    if (clash !== undefined && clash !== t.content) throw malformed(source, `added_tokens[${k}]`, `the id ${t.id} is the vocabulary's ${quote(clash)}`);
    specialTokens[t.content] = t.id;
  });
  const rawTokens = added.filter((t) => !t.normalized).map((t) => t.content);
  return { options: { name: (options.name as string | undefined) ?? name, pattern, ranks, specialTokens }, semantics: { keepGaps: true, nfc, rawTokens, sequence }, added: { postProcessor, flagged: added.some((t) => t.lstrip || t.rstrip || t.singleWord) ? added : [] } };
}
