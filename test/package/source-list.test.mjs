// One list of C++ sources (native/sources.json) serves node-gyp, CMake and the WebAssembly build:
// it must name every source file there is, once, and only files that exist.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const list = JSON.parse(readFileSync(join(root, 'native/sources.json'), 'utf8'));

function cppUnder(dir) {
  return readdirSync(join(root, dir), { recursive: true })
    .filter((f) => String(f).endsWith('.cpp'))
    .map((f) => `${dir}/${f}`)
    .sort();
}

it('names every .cpp of the core, the binding and the WebAssembly glue, once', () => {
  expect([...list.core].sort()).toEqual(cppUnder('native/core'));
  expect([...list.binding].sort()).toEqual(cppUnder('native/binding'));
  expect([...list.wasm].sort()).toEqual(cppUnder('native/wasm'));
  const all = [...list.core, ...list.binding, ...list.wasm];
  expect(new Set(all).size).toBe(all.length);
});

it('is what scripts/sources.js gives each build', () => {
  const run = (set) => execFileSync(process.execPath, [join(root, 'scripts/sources.js'), set], { encoding: 'utf8' }).trim().split('\n');
  expect(run('addon')).toEqual([...list.core, ...list.binding]);
  expect(run('wasm')).toEqual([...list.core, ...list.wasm]);
  expect(run('core')).toEqual(list.core);
});

// The core's public headers are the ones sources.json names: the binding and the WebAssembly glue
// include nothing else of the core, so everything else in native/core/ may change freely.
it('lets the binding and the WebAssembly glue include only the core headers marked public', () => {
  const publicHeaders = new Set(list.core_public_headers);
  const included = [];
  for (const dir of ['native/binding', 'native/wasm']) {
    for (const f of readdirSync(join(root, dir))) {
      const text = readFileSync(join(root, dir, f), 'utf8');
      for (const m of text.matchAll(/#include "\.\.\/core\/([^"]+)"/g)) included.push(`native/core/${m[1]}`);
    }
  }
  expect(included.length).toBeGreaterThan(5);
  expect(included.filter((h) => !publicHeaders.has(h))).toEqual([]);
  for (const h of publicHeaders) expect(readdirSync(join(root, h, '..'))).toContain(h.split('/').pop());
});
