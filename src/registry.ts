// The shipped encodings on the Node backend: the manifest read from data/, lazy loading of the
// vocabulary data, and one shared Encoding per name (src/encoding-data.ts builds each one).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Encoding } from './encoding';
import { encodingFrom, manifestEncodings, manifestEntry, type Manifest } from './encoding-data';
import { native, packageRoot } from './native';

const dataDir = path.join(packageRoot, 'data');

let manifest: Manifest | undefined;
const loaded = new Map<string, Encoding>();

function readManifest(): Manifest {
  manifest ??= manifestEncodings(JSON.parse(readFileSync(path.join(dataDir, 'encodings.json'), 'utf8')));
  return manifest;
}

export function listEncodings(): string[] {
  return Object.keys(readManifest());
}

export function loadEncoding(name: string): Encoding {
  const cached = loaded.get(name);
  if (cached) return cached;
  const entry = manifestEntry(readManifest(), name);
  const encoding = encodingFrom(native, name, entry, readFileSync(path.join(dataDir, entry.ranks)));
  loaded.set(name, encoding);
  return encoding;
}
