/**
 * turbotoken/browser: the same Encoding on the WebAssembly backend, for browsers (and any ESM
 * runtime with fetch and WebAssembly). The module, the manifest and each encoding's vocabulary are
 * fetched on first use, from the package's files next to this bundle or from a base URL you give,
 * unless you hand in their bytes. Fetching is asynchronous, so getting an encoding is too; the
 * Encoding's methods are the synchronous ones of the Node build.
 */
import { checkString, readOptions } from './args';
import { Encoding } from './encoding';
import { encodingFrom, manifestEncodings, manifestEntry, type Manifest } from './encoding-data';
import { TurbotokenError, typeError } from './errors';
import { encodingNameForModel } from './models';
import type { NativeBinding } from './backend-contract';
import { loadWasm } from './wasm';
import { provideModule } from './wasm-runtime';

export { Encoding, splitBatch } from './encoding';
export type { BatchOptions, BatchResult, EncodeChatOptions, EncodeOptions, SpecialTokenSet } from './encoding';
export type { ChatMessage } from './chat-framing';
export { TurbotokenError, type ErrorCode } from './errors';
export type { TextInput } from './args';

/** Which implementation runs the core: always the WebAssembly build (src/wasm.ts names it). */
export const backend = 'wasm-simd128';

type Bytes = Uint8Array | ArrayBuffer;

export interface InitOptions {
  /**
   * Where the package's data/ and wasm/ folders are, as a URL (relative URLs resolve against the
   * page). Default: the package this module was loaded from.
   */
  baseUrl?: string | URL;
  /** The WebAssembly module (wasm/turbotoken.wasm) as bytes or compiled, instead of fetching it. */
  wasm?: Bytes | WebAssembly.Module;
  /** The parsed data/encodings.json, instead of fetching it. */
  manifest?: unknown;
}

export interface LoadOptions {
  /** The encoding's vocabulary file (data/<ranks>, see the manifest) as bytes, instead of fetching it. */
  vocabulary?: Bytes;
}

let baseUrl: URL | undefined;
let wasmSource: Bytes | WebAssembly.Module | undefined;
let manifestSource: unknown;
let ready: Promise<{ binding: NativeBinding; manifest: Manifest }> | undefined;
const encodings = new Map<string, Promise<Encoding>>();
const vocabularies = new Map<string, Promise<Uint8Array>>();

function packageUrl(): URL {
  // The bundle is dist/browser/turbotoken.js; the package root is two folders up.
  return baseUrl ?? new URL('../../', import.meta.url);
}

function isBytes(value: unknown): value is Bytes {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

async function fetchBytes(file: string): Promise<Uint8Array> {
  const url = new URL(file, packageUrl());
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw fetchFailed(url, String((cause as Error)?.message ?? cause), cause);
  }
  if (!response.ok) throw fetchFailed(url, `HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function fetchFailed(url: URL, why: string, cause?: unknown): TurbotokenError {
  const error = new TurbotokenError(
    `turbotoken could not fetch ${url.href} (${why}); serve the package's data/ and wasm/ folders, or pass baseUrl or the bytes to init()/loadEncoding()`,
    'ERR_FETCH_FAILED',
  );
  if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

async function start(): Promise<{ binding: NativeBinding; manifest: Manifest }> {
  const source = wasmSource ?? (await fetchBytes('wasm/turbotoken.wasm'));
  const [module, manifestJson] = await Promise.all([
    source instanceof WebAssembly.Module ? source : WebAssembly.compile(source),
    manifestSource ?? fetchBytes('data/encodings.json').then((bytes) => JSON.parse(new TextDecoder().decode(bytes))),
  ]);
  provideModule(module);
  const binding = loadWasm();
  binding.setErrorClass(TurbotokenError);
  return { binding, manifest: manifestEncodings(manifestJson) };
}

function started(): Promise<{ binding: NativeBinding; manifest: Manifest }> {
  // A failed start (e.g. a fetch) is forgotten, so that the next call tries again.
  ready ??= start().catch((error) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** A folder's URL (with the trailing slash that relative resolution needs), relative to the page. */
function directoryUrl(value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) throw typeError('The "baseUrl" option must be a string or a URL');
  try {
    return new URL(String(value).replace(/\/?$/, '/'), globalThis.location?.href);
  } catch {
    throw typeError(`The "baseUrl" option must be a URL, or a path relative to the page; received ${JSON.stringify(String(value))}`);
  }
}

/**
 * Optional: where to find the package's files, or their bytes. Call it before the first
 * loadEncoding(); without it, everything is fetched from next to this module. Resolves when the
 * module is compiled and the manifest read.
 */
export async function init(options?: InitOptions): Promise<void> {
  const opts = readOptions(options, 'browserInit');
  if (ready) throw new TurbotokenError('init() must come before the first loadEncoding() or listEncodings()', 'ERR_ALREADY_INITIALIZED');
  if (opts.baseUrl !== undefined) {
    baseUrl = directoryUrl(opts.baseUrl);
  }
  if (opts.wasm !== undefined) {
    if (!isBytes(opts.wasm) && !(opts.wasm instanceof WebAssembly.Module)) throw typeError('The "wasm" option must be a Uint8Array, an ArrayBuffer or a WebAssembly.Module');
    wasmSource = opts.wasm;
  }
  if (opts.manifest !== undefined) manifestSource = opts.manifest;
  await started();
}

/** The names of the shipped encodings. */
export async function listEncodings(): Promise<string[]> {
  return Object.keys((await started()).manifest);
}

async function vocabulary(file: string): Promise<Uint8Array> {
  let pending = vocabularies.get(file);
  if (!pending) {
    pending = fetchBytes(`data/${file}`);
    vocabularies.set(file, pending);
    pending.catch(() => vocabularies.delete(file));
  }
  return pending;
}

async function build(name: string, given: Bytes | undefined): Promise<Encoding> {
  const { binding, manifest } = await started();
  const entry = manifestEntry(manifest, name);
  const vocab = given === undefined ? await vocabulary(entry.ranks) : new Uint8Array(given);
  return encodingFrom(binding, name, entry, vocab);
}

/**
 * The encoding with this name (see listEncodings()), fetched and loaded on first use, then shared.
 * With options.vocabulary, that file's bytes are used instead of fetching it.
 */
export async function loadEncoding(name: string, options?: LoadOptions): Promise<Encoding> {
  checkString(name, 'name');
  const given = readOptions(options, 'browserLoad').vocabulary;
  if (given !== undefined && !isBytes(given)) throw typeError('The "vocabulary" option must be a Uint8Array or an ArrayBuffer');
  let pending = encodings.get(name);
  if (!pending) {
    pending = build(name, given as Bytes | undefined);
    encodings.set(name, pending);
    pending.catch(() => encodings.delete(name));
  }
  return pending;
}

/** The name of the encoding a model uses, following tiktoken's model map. */
export function getEncodingNameForModel(model: string): string {
  return encodingNameForModel(checkString(model, 'model'));
}

/** The encoding a model uses, e.g. await encodingForModel('gpt-4o') is o200k_base. */
export async function encodingForModel(model: string, options?: LoadOptions): Promise<Encoding> {
  return loadEncoding(getEncodingNameForModel(model), options);
}
