// The files that share one process per worker (test/support/shared-files.mjs) keep to the rule
// written there: a file that starts patching a prototype or setting process.env has to move back
// to an isolated project, not silently change what the files after it see.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shared, sharedForbidden, supportForbidden } from '../support/shared-files.mjs';

const root = new URL('../../', import.meta.url);
const text = (path) => readFileSync(new URL(path, root), 'utf8');
const supportModules = (source) => [...source.matchAll(/['"]\.\.\/support\/([a-z0-9-]+\.mjs)['"]/g)].map((m) => `test/support/${m[1]}`);

function offences(path, patterns) {
  const source = text(path);
  return patterns.map((re) => source.match(re)?.[0]).filter(Boolean);
}

describe('shared-process test files', () => {
  it('exist, once each, in the folders the rule allows', () => {
    expect(new Set(shared).size).toBe(shared.length);
    for (const path of shared) {
      expect(existsSync(new URL(path, root)), path).toBe(true);
      expect(path).toMatch(/^test\/(api|cli|compat|package|reference)\/[a-z0-9-]+\.test\.mjs$/);
    }
  });

  it('change nothing process-wide, nor do the support modules they import', () => {
    const found = {};
    const seen = new Set();
    for (const path of shared) {
      for (const file of [path, ...supportModules(text(path))]) {
        if (seen.has(file)) continue;
        seen.add(file);
        const hits = offences(file, file.startsWith('test/support/') ? supportForbidden : sharedForbidden);
        if (hits.length) found[file] = hits;
      }
    }
    expect(found).toEqual({});
    expect(seen.size).toBeGreaterThan(shared.length);
  });

  it('the patterns catch what they are meant to', () => {
    const samples = ['Object.prototype.x = 1', "process.env.X = '1'", 'vi.spyOn(a, "b")', 'new Worker(url)',
      'setChunkTarget(10)', "require('../../dist/cjs/safe-cut.js')", 'globalThis.fetch = f', 'WebAssembly.Memory'];
    for (const sample of samples) expect(sharedForbidden.some((re) => re.test(sample)), sample).toBe(true);
    expect(sharedForbidden.some((re) => re.test("import { getEncoding } from '../../index.mjs'; require('../../dist/cjs/index.js')"))).toBe(false);
    for (const sample of ["process.env.X = '1'", 'process.env[name] = v', 'delete process.env.X', "process.on('exit', f)", 'Array.prototype.map = f', "Object.defineProperty(Array.prototype, 'x', d)"]) {
      expect(supportForbidden.some((re) => re.test(sample)), sample).toBe(true);
    }
    for (const sample of ['env: { ...process.env, ...env }', "process.argv[2].split(',')", "process.env.CI === '1'", 'Object.prototype.toString.call(a)']) {
      expect(supportForbidden.some((re) => re.test(sample)), sample).toBe(false);
    }
  });
});
