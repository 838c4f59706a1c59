// The shipped encodings: their manifest (data/encodings.json, made by scripts/build-vocab.mjs),
// lazy loading of the vocabulary data, and one shared Encoding per name.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Encoding } from './encoding';
import { TurbotokenError } from './errors';
import { native, packageRoot } from './native';

interface ManifestEntry {
  ranks: string;
  family: 'gpt2' | 'cl100k' | 'o200k';
  pattern: string;
  specialTokens: Record<string, number>;
}

const FAMILY_CODE = { gpt2: 0, cl100k: 1, o200k: 2 } as const;
const dataDir = path.join(packageRoot, 'data');

let manifest: Record<string, ManifestEntry> | undefined;
const loaded = new Map<string, Encoding>();

function readManifest(): Record<string, ManifestEntry> {
  manifest ??= JSON.parse(readFileSync(path.join(dataDir, 'encodings.json'), 'utf8')).encodings as Record<string, ManifestEntry>;
  return manifest;
}

export function listEncodings(): string[] {
  return Object.keys(readManifest());
}

export function loadEncoding(name: string): Encoding {
  const cached = loaded.get(name);
  if (cached) return cached;
  const all = readManifest();
  if (!Object.prototype.hasOwnProperty.call(all, name)) {
    throw new TurbotokenError(
      `Unknown encoding ${JSON.stringify(name)}. Valid names: ${Object.keys(all).join(', ')}`,
      'ERR_UNKNOWN_ENCODING',
    );
  }
  const entry = all[name];
  const vocab = readFileSync(path.join(dataDir, entry.ranks));
  const texts = Object.keys(entry.specialTokens);
  const ids = texts.map((t) => entry.specialTokens[t]);
  const handle = new native.NativeEncoding(vocab, FAMILY_CODE[entry.family], texts, ids);
  const encoding = Encoding.fromNative(name, handle, entry.specialTokens, entry.pattern);
  loaded.set(name, encoding);
  return encoding;
}
