// Encoding#save / Encoding.load: an encoding as one binary file that loads without parsing a
// vocabulary (the format: docs/saved-encoding.md). A shipped encoding is saved by name; any other
// as what it was built from, with its vocabulary already packed as the core's blob, so that
// loading is one checksum, one small JSON parse and the core's own load.
import { closeSync, fstatSync, openSync, promises as fsp, readFileSync, readSync, writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { checkText, isUint8Array, quote, shorten } from './args';
import type { BuiltEncoding, PackedBuild, SplitSemantics } from './custom-encoding';
import { TurbotokenError, typeError } from './errors';
import type { ChatTemplateConfig } from './chat-template';
import type { HfAddedTokens } from './tokenizer-json';
import type { PreTokenizerSequence } from './pretokenizer-sequence';
import { restoreSentencePiece, type AddedToken, type SentencePieceSaved } from './sentencepiece';
import type { NativeEncodingHandle } from './backend-contract';
import { NO_TOKEN, packedTokenTexts, type TokenTexts } from './token-texts';
import type { PatternProgram } from './saved-programs';
import { withPrograms } from './pattern-program';
import { largeBuffer } from './large-buffer';
import { lazy } from './lazy';

// What only a custom encoding's file needs, loaded on its first use: a merges-list model's load
// (Gemma 3, Llama 2) spent 10 ms of a cold Encoding.load requiring them.
const customEncoding = lazy(() => require('./custom-encoding') as typeof import('./custom-encoding'));
const preTokenizers = lazy(() => require('./pretokenizer-sequence') as typeof import('./pretokenizer-sequence'));
const savedPrograms = lazy(() => require('./saved-programs') as typeof import('./saved-programs'));

/** A merges-list (SentencePiece-style) encoding's parts; sp is undefined when its steps are not plain JSON. */
export interface MergesOrigin {
  name: string;
  sp: SentencePieceSaved | undefined;
}

/** What an encoding was built from: a shipped encoding's name, its packed build, or a merges-list model's parts. */
export type SavedOrigin =
  | { shipped: string }
  | { packed: PackedBuild; added?: HfAddedTokens; chat?: ChatTemplateConfig }
  | { merges: MergesOrigin; added: HfAddedTokens; chat?: ChatTemplateConfig };

/** What a saved file restores: a shipped encoding's name, or a built encoding (or merges-list handle) and its added-token rules. */
export type Restored =
  | { shipped: string }
  | { built: BuiltEncoding; added?: HfAddedTokens; chat?: ChatTemplateConfig }
  | { merges: { name: string; handle: NativeEncodingHandle; specialTokens: () => Record<string, number>; sp: SentencePieceSaved | undefined }; added: HfAddedTokens; chat?: ChatTemplateConfig };

// "\x89TTENC\r\n": a byte above 0x7F and a CR LF, so that a text-mode copy or a 7-bit channel
// that damaged the file is caught at the first bytes (as PNG's signature does).
const MAGIC = [0x89, 0x54, 0x54, 0x45, 0x4e, 0x43, 0x0d, 0x0a];
/**
 * The newest format version this build reads and writes. A file is written as the lowest version
 * that holds it, so that older builds read it: 1 for shipped encodings and packed ones split by a
 * native scanner's pattern; 2 adds a pre-tokenizer sequence and the merges-list kind; 3 adds the
 * compiled split patterns (src/saved-programs.ts).
 */
export const SAVED_FORMAT_VERSION = 3;
const HEADER_BYTES = 20; // magic, u32 version, u32 JSON length, u32 blob length
const utf8 = new TextEncoder();

function corrupt(source: string, what: string): TurbotokenError {
  return new TurbotokenError(`${source}: not a valid saved encoding: ${what}`, 'ERR_INVALID_SAVED_ENCODING');
}

// CRC-32 (IEEE 802.3, as zlib's crc32): zlib's own where Node has it (20.15 and later; ten times
// the speed of the table below, which was a fifth of loading Gemma 3), else a table per byte.
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let crcTable: Int32Array | undefined;
export function crc32(bytes: Uint8Array): number {
  return typeof zlibCrc32 === 'function' ? zlibCrc32(bytes) : tableCrc32(bytes);
}

/** The table-driven CRC-32 (exported for the test that compares it with zlib's). */
export function tableCrc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const table = crcTable;
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** The saved file's bytes for an encoding built from `origin`. */
export function savedBytes(origin: SavedOrigin): Uint8Array {
  let header: Record<string, unknown>;
  let blob: Uint8Array = new Uint8Array(0);
  let programs: [string, Uint32Array][] = [];
  let version = 1;
  // Pairs, not an object: a special token may be named "__proto__".
  const pairs = (specialTokens: Record<string, number>) => Object.keys(specialTokens).map((t) => [t, specialTokens[t]]);
  const chatOf = (chat: ChatTemplateConfig | undefined) => chat && { templates: [...chat.templates], specialTokens: chat.specialTokens };
  if ('shipped' in origin) {
    header = { kind: 'shipped', name: origin.shipped };
  } else if ('merges' in origin) {
    const { name, sp } = origin.merges;
    if (!sp) throw new TurbotokenError(`Cannot save ${quote(name)}: its tokenizer.json's normalizer, pre_tokenizer or decoder is not plain JSON`, 'ERR_UNSUPPORTED_TOKENIZER');
    version = 2;
    blob = packMerges(sp.table, sp.tokens);
    // The special tokens are the added tokens, in order: not written twice.
    header = { kind: 'merges', name, tableWords: sp.table.length, steps: sp.steps, addedTokens: sp.added, added: origin.added, chat: chatOf(origin.chat) };
  } else {
    const { name, pattern, specialTokens, semantics } = origin.packed;
    blob = origin.packed.blob;
    let saved: Record<string, unknown> | undefined = semantics && { keepGaps: semantics.keepGaps, nfc: semantics.nfc, rawTokens: semantics.rawTokens };
    if (semantics?.sequence) {
      version = 2;
      saved = { ...saved, steps: stepsJson(semantics.sequence) };
    }
    header = { kind: 'custom', name, pattern, specialTokens: pairs(specialTokens), semantics: saved, added: origin.added, chat: chatOf(origin.chat) };
    programs = savedPrograms().programsToSave(origin.packed);
    if (programs.length) {
      version = 3;
      header.programs = programs.map(([p, words]) => [p, words.length]);
    }
  }
  const json = utf8.encode(JSON.stringify(header));
  const blobAt = align4(HEADER_BYTES + json.length);
  const programsAt = align4(blobAt + blob.length);
  const programBytes = programs.reduce((sum, [, words]) => sum + words.byteLength, 0);
  const out = new Uint8Array((programs.length ? programsAt + programBytes : blobAt + blob.length) + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  view.setUint32(8, version, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, blob.length, true);
  out.set(json, HEADER_BYTES);
  out.set(blob, blobAt);
  let at = programsAt;
  for (const [, words] of programs) {
    for (let k = 0; k < words.length; k++, at += 4) view.setUint32(at, words[k], true);
  }
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const align4 = (n: number) => (n + 3) & ~3;

// A merges-list model's blob: the core's table, then the token texts as u32 count n, n u32
// lengths in UTF-16 code units (NO_TOKEN for an id with no token), then the texts as UTF-16LE,
// which keeps any string (a lone surrogate too) and decodes as one string sliced n times.
function packMerges(table: Uint32Array, texts: TokenTexts): Uint8Array {
  const n = texts.length;
  const lengths = new Uint32Array(n);
  const tokens: string[] = [];
  let units = 0;
  for (let id = 0; id < n; id++) {
    const t = texts.get(id);
    lengths[id] = t === undefined ? NO_TOKEN : t.length;
    if (t !== undefined) (units += t.length), tokens.push(t);
  }
  const at = table.byteLength;
  const out = new Uint8Array(at + 4 + 4 * n + 2 * units);
  out.set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
  new DataView(out.buffer).setUint32(at, n, true);
  out.set(new Uint8Array(lengths.buffer), at + 4);
  Buffer.from(out.buffer, out.byteOffset + at + 4 + 4 * n).write(tokens.join(''), 'utf16le');
  return out;
}

// The table and lengths are views of the blob, not copies (its words are aligned: see blobOf);
// the texts are decoded as they are asked for (src/token-texts.ts).
function unpackMerges(blob: Uint8Array, tableWords: number, source: string): { table: Uint32Array; tokens: TokenTexts } {
  const at = tableWords * 4;
  if (at + 4 > blob.length) throw corrupt(source, 'the blob is shorter than its merges table');
  const table = new Uint32Array(blob.buffer, blob.byteOffset, tableWords);
  const n = new DataView(blob.buffer, blob.byteOffset).getUint32(at, true);
  if (at + 4 + 4 * n > blob.length) throw corrupt(source, 'the blob is shorter than its token lengths');
  const lengths = new Uint32Array(blob.buffer, blob.byteOffset + at + 4, n);
  const textAt = at + 4 + 4 * n;
  if ((blob.length - textAt) % 2 !== 0) throw corrupt(source, 'the token texts are not whole UTF-16 code units');
  const tokens = packedTokenTexts(lengths, blob.subarray(textAt));
  if (!tokens) throw corrupt(source, 'the token lengths do not add up to the token texts');
  return { table, tokens };
}

// A pre-tokenizer sequence as tokenizer.json steps that read back as the same steps: each Split
// (Digits, Punctuation and Whitespace are Splits on a one-character pattern) with its pattern as
// a Regex, and ByteLevel with its two flags.
function stepsJson(sequence: PreTokenizerSequence): unknown[] {
  return sequence.steps.map((s) =>
    s.kind === 'split'
      ? { type: 'Split', pattern: { Regex: s.pattern }, behavior: s.behavior, invert: s.invert }
      : { type: 'ByteLevel', add_prefix_space: s.addPrefixSpace, use_regex: s.useRegex },
  );
}

function writeError(path: string, cause: unknown): TurbotokenError {
  const error = new TurbotokenError(`Cannot write the saved encoding ${quote(path, 200)}: ${shorten(String((cause as Error)?.message))}`, 'ERR_SAVE_FAILED');
  (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

export function writeSaved(origin: SavedOrigin, given: unknown): void {
  const path = checkPath(given);
  const bytes = savedBytes(origin);
  try {
    writeFileSync(path, bytes);
  } catch (cause) {
    throw writeError(path, cause);
  }
}

export async function writeSavedAsync(origin: SavedOrigin, given: unknown): Promise<void> {
  const path = checkPath(given);
  const bytes = savedBytes(origin);
  try {
    await fsp.writeFile(path, bytes);
  } catch (cause) {
    throw writeError(path, cause);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// A path with a lone surrogate would be written under another name (U+FFFD in its place).
function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw typeError(`The path must be a non-empty string; received ${quote(path)}`);
  if (LONE_SURROGATE.test(path)) throw typeError(`The path ${quote(path, 200)} has a lone surrogate: it names no file`);
  return path;
}

function readError(path: string, cause: unknown): TurbotokenError {
  const error = new TurbotokenError(`Cannot read the saved encoding ${quote(path, 200)}: ${shorten(String((cause as Error)?.message))}`, 'ERR_INVALID_SAVED_ENCODING');
  (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

/** A saved encoding's bytes, from a path or the bytes themselves, and a name for messages. */
export function readSavedInput(input: unknown): { bytes: Uint8Array; source: string } {
  if (isUint8Array(input)) return { bytes: checkText(input) as Uint8Array, source: '<bytes>' };
  const path = checkPath(input);
  try {
    return { bytes: owned(readLarge(path)), source: path };
  } catch (cause) {
    throw readError(path, cause);
  }
}

export async function readSavedInputAsync(input: unknown): Promise<{ bytes: Uint8Array; source: string }> {
  if (isUint8Array(input)) return { bytes: checkText(input) as Uint8Array, source: '<bytes>' };
  const path = checkPath(input);
  try {
    return { bytes: owned(await readLargeAsync(path)), source: path };
  } catch (cause) {
    throw readError(path, cause);
  }
}

// The file's bytes, as readFileSync gives them; into a large buffer when there is one. A file that
// changes meanwhile gives some bytes (the checksum then refuses them), never more than its size.
function readLarge(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const bytes = largeBuffer(fstatSync(fd).size);
    if (!bytes) return readFileSync(fd);
    let got = 0;
    for (let n = 1; got < bytes.length && n > 0; got += n) n = readSync(fd, bytes, got, bytes.length - got, got);
    return got === bytes.length ? bytes : bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

async function readLargeAsync(path: string): Promise<Uint8Array> {
  const file = await fsp.open(path, 'r');
  try {
    const bytes = largeBuffer((await file.stat()).size);
    if (!bytes) return await file.readFile();
    let got = 0;
    for (let n = 1; got < bytes.length && n > 0; got += n) n = (await file.read(bytes, got, bytes.length - got, got)).bytesRead;
    return got === bytes.length ? bytes : bytes.subarray(0, got);
  } finally {
    await file.close();
  }
}

/** Whether bytes start as a saved encoding does (the CLI tells one from a tokenizer.json by it). */
export function looksSaved(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, k) => bytes[k] === b);
}

// The buffers this module read from a file: no caller holds them, so they are checked and used
// in place. Copying a 10 MB file twice (the whole, then its blob) was a fifth of loading Gemma 3.
const ownBuffers = new WeakSet<Uint8Array>();
function owned(bytes: Uint8Array): Uint8Array {
  ownBuffers.add(bytes);
  return bytes;
}

// The blob as a view when its words are aligned (a file's buffer starts at offset 0), else a copy.
function blobOf(bytes: Uint8Array, at: number, length: number): Uint8Array {
  return (bytes.byteOffset + at) % 4 === 0 ? bytes.subarray(at, at + length) : bytes.slice(at, at + length);
}

/** Checks a saved file's bytes and restores what they hold; a typed error for anything else. */
export function restoreSaved(given: Uint8Array, source: string): Restored {
  // A caller's bytes are copied first: the checks and the build then read the same bytes,
  // whatever else holds them (given is a real view: checkText made it from the caller's internal
  // slots). A file this module read is used as it is.
  const bytes = ownBuffers.has(given) ? given : given.slice();
  if (bytes.length < HEADER_BYTES + 4 || !looksSaved(bytes)) throw corrupt(source, 'it does not start with the saved-encoding signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(8, true);
  if (version > SAVED_FORMAT_VERSION || version === 0) {
    throw new TurbotokenError(`${source}: the saved encoding is of format version ${version}; this turbotoken reads versions up to ${SAVED_FORMAT_VERSION}`, 'ERR_UNSUPPORTED_SAVED_ENCODING');
  }
  const jsonLength = view.getUint32(12, true);
  const blobLength = view.getUint32(16, true);
  const blobAt = align4(HEADER_BYTES + jsonLength);
  // Version 3's compiled patterns follow the blob, their length in the header: checked after the checksum.
  if (version < 3 ? blobAt + blobLength + 4 !== bytes.length : blobAt + blobLength + 4 > bytes.length) {
    throw corrupt(source, `it has ${bytes.length} bytes where its header says ${blobAt + blobLength + 4} (truncated or extended)`);
  }
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) throw corrupt(source, 'the checksum does not match (the file is damaged)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength)));
  } catch (cause) {
    throw corrupt(source, `its header is not JSON: ${shorten(String((cause as Error).message))}`);
  }
  const h = header as Record<string, unknown>;
  if (h === null || typeof h !== 'object' || Array.isArray(h)) throw corrupt(source, 'its header is not an object');
  if (h.kind === 'shipped') {
    if (typeof h.name !== 'string') throw corrupt(source, 'a shipped encoding without a name');
    return { shipped: h.name };
  }
  const programsAt = align4(blobAt + blobLength);
  const programs = version >= 3 && h.kind === 'custom' && h.programs !== undefined ? readPrograms(h.programs, bytes, programsAt, source) : undefined;
  if (!programs && blobAt + blobLength + 4 !== bytes.length) throw corrupt(source, `it has ${bytes.length} bytes where its header says ${blobAt + blobLength + 4} (truncated or extended)`);
  if (h.kind === 'merges' && version >= 2) return restoreMerges(h, blobOf(bytes, blobAt, blobLength), source);
  if (h.kind !== 'custom') throw corrupt(source, `unknown kind ${quote(h.kind)}`);
  // The header's pre-tokenizer steps and the build compile their patterns: the saved programs answer.
  return programs ? withPrograms(programs, () => restoreCustom(h, bytes, blobAt, blobLength, version, source, programs)) : restoreCustom(h, bytes, blobAt, blobLength, version, source, undefined);
}

// The compiled patterns at programsAt, as the header lists them ([pattern, word count] pairs),
// filling the file up to its checksum exactly; each checked as the core checks a program.
function readPrograms(list: unknown, bytes: Uint8Array, programsAt: number, source: string): Map<string, PatternProgram> {
  const isPair = (p: unknown) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && Number.isInteger(p[1]) && p[1] >= 2;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isPair)) throw corrupt(source, 'programs is not a list of [pattern, word count] pairs');
  const total = (list as [string, number][]).reduce((sum, [, n]) => sum + n, 0);
  if (programsAt + 4 * total + 4 !== bytes.length) throw corrupt(source, `it has ${bytes.length} bytes where its header says ${programsAt + 4 * total + 4} (truncated or extended)`);
  const out = new Map<string, PatternProgram>();
  let at = programsAt;
  for (const [pattern, n] of list as [string, number][]) {
    // A view where the words are aligned (a file's buffer starts at offset 0), else a copy.
    const words = (bytes.byteOffset + at) % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset + at, n) : new Uint32Array(bytes.slice(at, at + 4 * n).buffer);
    at += 4 * n;
    const fault = savedPrograms().programFault(words);
    if (fault !== undefined) throw corrupt(source, `the program of ${quote(pattern, 80)}: ${fault}`);
    if (out.has(pattern)) throw corrupt(source, `the pattern ${quote(pattern, 80)} has two programs`);
    out.set(pattern, { words });
  }
  return out;
}

function restoreCustom(h: Record<string, unknown>, bytes: Uint8Array, blobAt: number, blobLength: number, version: number, source: string, programs: Map<string, PatternProgram> | undefined): Restored {
  if (typeof h.name !== 'string' || typeof h.pattern !== 'string') throw corrupt(source, 'the name or the pattern is not a string');
  const specialTokens = checkPairs(h.specialTokens, source);
  const semantics = h.semantics === undefined ? undefined : checkSemantics(h.semantics, source, version);
  const added = h.added === undefined ? undefined : checkAdded(h.added, source);
  const chat = h.chat === undefined ? undefined : checkChat(h.chat, source);
  const blob = blobOf(bytes, blobAt, blobLength);
  try {
    return { built: customEncoding().buildPacked({ name: h.name, pattern: h.pattern, blob, specialTokens, semantics, programs }), added, chat };
  } catch (error) {
    // The checksum held, so the file is as written: by another version, or made by hand.
    const code = (error as { code?: unknown })?.code;
    throw corrupt(source, `${typeof code === 'string' ? `${code}: ` : ''}${shorten(String((error as Error)?.message))}`);
  }
}

function checkSemantics(value: unknown, source: string, version: number): SplitSemantics {
  const s = value as Record<string, unknown>;
  if (s === null || typeof s !== 'object' || typeof s.keepGaps !== 'boolean' || typeof s.nfc !== 'boolean' || !Array.isArray(s.rawTokens) || !s.rawTokens.every((t) => typeof t === 'string')) {
    throw corrupt(source, 'semantics is not {keepGaps, nfc, rawTokens}');
  }
  const semantics: SplitSemantics = { keepGaps: s.keepGaps, nfc: s.nfc, rawTokens: s.rawTokens as string[] };
  if (s.steps === undefined || version < 2) return semantics;
  if (!Array.isArray(s.steps)) throw corrupt(source, 'semantics.steps is not a list of pre-tokenizer steps');
  let plan: ReturnType<typeof import('./pretokenizer-sequence').readPreTokenizer>;
  try {
    // The steps were saved in the dialect of new Encoding({ pattern }) (a tokenizer.json's already rewritten).
    plan = preTokenizers().readPreTokenizer({ type: 'Sequence', pretokenizers: s.steps }, source, 'reference');
  } catch (error) {
    throw corrupt(source, `semantics.steps: ${shorten(String((error as Error)?.message))}`);
  }
  if (!('sequence' in plan)) throw corrupt(source, 'semantics.steps is one split pattern, not a sequence');
  return { ...semantics, sequence: plan.sequence };
}

function restoreMerges(h: Record<string, unknown>, blob: Uint8Array, source: string): Restored {
  if (typeof h.name !== 'string') throw corrupt(source, 'the name is not a string');
  const tableWords = h.tableWords;
  if (typeof tableWords !== 'number' || !Number.isInteger(tableWords) || tableWords < 0) throw corrupt(source, 'tableWords is not a count');
  const steps = h.steps as Record<string, unknown>;
  if (steps === null || typeof steps !== 'object' || Array.isArray(steps) || !['normalizer', 'pre_tokenizer', 'decoder'].every((k) => k in steps)) throw corrupt(source, 'steps is not {normalizer, pre_tokenizer, decoder}');
  const addedTokens = h.addedTokens;
  const isAdded = (t: Record<string, unknown>) => t !== null && typeof t === 'object' && Number.isInteger(t.id) && (t.id as number) >= 0 && (t.id as number) < 0xffffffff && typeof t.content === 'string' && t.content !== '' && typeof t.normalized === 'boolean';
  if (!Array.isArray(addedTokens) || !addedTokens.every(isAdded)) throw corrupt(source, 'addedTokens is not a list of {id, content, normalized}');
  const { table, tokens } = unpackMerges(blob, tableWords, source);
  const added = checkAdded(h.added, source);
  const chat = h.chat === undefined ? undefined : checkChat(h.chat, source);
  const saved: SentencePieceSaved = { steps: steps as SentencePieceSaved['steps'], added: addedTokens as AddedToken[], tokens, table };
  try {
    const { handle, specialTokens, saved: sp } = restoreSentencePiece(saved, source);
    return { merges: { name: h.name, handle, specialTokens, sp: sp() }, added, chat };
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    throw corrupt(source, `${typeof code === 'string' ? `${code}: ` : ''}${shorten(String((error as Error)?.message))}`);
  }
}

function checkPairs(pairs: unknown, source: string): Record<string, number> {
  if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'number')) {
    throw corrupt(source, 'specialTokens is not a list of [text, id] pairs');
  }
  const specialTokens: Record<string, number> = Object.create(null);
  for (const [text, id] of pairs as [string, number][]) specialTokens[text] = id;
  return specialTokens;
}

function checkAdded(value: unknown, source: string): HfAddedTokens {
  const a = value as Record<string, unknown>;
  const post = a !== null && typeof a === 'object' ? (a.postProcessor as Record<string, unknown>) : undefined;
  const ids = (v: unknown) => Array.isArray(v) && v.every((id) => Number.isInteger(id) && id >= 0);
  const ok = post !== null && typeof post === 'object' && (typeof post.unsupported === 'string' || (ids(post.prefix) && ids(post.suffix)));
  if (!ok) throw corrupt(source, 'added.postProcessor is not {prefix, suffix} or {unsupported}');
  const rule = (r: Record<string, unknown>) =>
    r !== null && typeof r === 'object' && Number.isInteger(r.id) && typeof r.content === 'string' &&
    ['normalized', 'lstrip', 'rstrip', 'singleWord'].every((k) => typeof r[k] === 'boolean');
  if (!Array.isArray(a.flagged) || !a.flagged.every(rule)) throw corrupt(source, 'added.flagged is not a list of added-token rules');
  return a as unknown as HfAddedTokens;
}

function checkChat(value: unknown, source: string): ChatTemplateConfig {
  const c = value as Record<string, unknown>;
  const pairs = c !== null && typeof c === 'object' ? c.templates : undefined;
  const specials = c !== null && typeof c === 'object' ? (c.specialTokens as Record<string, unknown>) : undefined;
  const okPairs = Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
  const okSpecials = specials !== null && typeof specials === 'object' && !Array.isArray(specials) &&
    Object.values(specials).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
  if (!okPairs || !okSpecials) throw corrupt(source, 'chat is not {templates: [[name, source], ...], specialTokens}');
  return { templates: new Map(pairs as [string, string][]), specialTokens: specials as Record<string, string | string[]> };
}
