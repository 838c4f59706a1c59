// What scripts/check-compat-originals.mjs records after the originals pass the compat suites: the
// SHA-256 of test/compat/compat-originals.test.mjs and of every test/support module it imports,
// directly or through another, and the installed versions of the original packages.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const RECORD = 'test/data/compat-originals.json';
const TEST = 'test/compat/compat-originals.test.mjs';
const ORIGINALS = ['tiktoken', 'js-tiktoken', 'gpt-tokenizer'];

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

/** The test/support modules a file imports by a relative path ('./x.mjs', '../support/x.mjs'). */
function supportImports(source) {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*['"](?:\.\/|\.\.\/support\/)([a-z0-9-]+\.mjs)['"]/g)].map((m) => `test/support/${m[1]}`);
}

/** { files: { path: sha256 }, originals: { name: version } } of the current checkout. */
export function compatOriginalsRecord() {
  const files = {};
  const queue = [TEST];
  while (queue.length) {
    const path = queue.shift();
    if (files[path]) continue;
    const source = read(path);
    files[path] = createHash('sha256').update(source).digest('hex');
    queue.push(...supportImports(source));
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  const originals = Object.fromEntries(ORIGINALS.map((name) => [name, JSON.parse(read(`node_modules/${name}/package.json`)).version]));
  return { files: sorted, originals };
}
