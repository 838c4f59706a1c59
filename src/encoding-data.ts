// The manifest of the shipped encodings (data/encodings.json, made by scripts/build-vocab.mjs) and
// an Encoding made from one of its entries, a vocabulary file's bytes and a backend. The Node
// registry, the browser entry and the benchmark's WebAssembly rows build their encodings with it.
import { Encoding } from './encoding';
import { quote } from './args';
import { TurbotokenError } from './errors';
import type { NativeBinding } from './backend-contract';
import { FAMILY_CODE, type PatternFamily } from './pattern';

export interface ManifestEntry {
  /** The vocabulary file in data/, e.g. 'o200k_base.tkv' (several encodings may share one). */
  ranks: string;
  family: PatternFamily;
  pattern: string;
  specialTokens: Record<string, number>;
}

export type Manifest = Record<string, ManifestEntry>;

/** The encodings of a parsed data/encodings.json. */
export function manifestEncodings(json: unknown): Manifest {
  const encodings = (json as { encodings?: unknown } | null)?.encodings;
  if (encodings === null || typeof encodings !== 'object') {
    throw new TurbotokenError('The encodings manifest has no "encodings" object', 'ERR_INVALID_VOCABULARY');
  }
  return encodings as Manifest;
}

/** The manifest entry for `name`, or ERR_UNKNOWN_ENCODING listing the valid names. */
export function manifestEntry(manifest: Manifest, name: string): ManifestEntry {
  if (Object.prototype.hasOwnProperty.call(manifest, name)) return manifest[name];
  throw new TurbotokenError(
    `Unknown encoding ${quote(name)}. Valid names: ${Object.keys(manifest).join(', ')}`,
    'ERR_UNKNOWN_ENCODING',
  );
}

export function encodingFrom(binding: NativeBinding, name: string, entry: ManifestEntry, vocab: Uint8Array): Encoding {
  const texts = Object.keys(entry.specialTokens);
  const ids = texts.map((t) => entry.specialTokens[t]);
  const handle = new binding.NativeEncoding(vocab, FAMILY_CODE[entry.family], texts, ids);
  return Encoding.fromNative(name, handle, entry.specialTokens, entry.pattern);
}
