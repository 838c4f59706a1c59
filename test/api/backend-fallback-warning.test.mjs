// The fallback to WebAssembly says so, once, where an addon should have loaded: a broken or
// missing binary in a prebuild for this platform, a broken local build, or a TURBOTOKEN_ADDON that
// does not load. Where the package has no addon for the platform, it stays silent. Each case is
// a child process loading a copy of the package laid out as that case needs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const PLATFORM = `${process.platform}-${process.arch}`;
// The addon this checkout built (node-gyp-build resolves build/Release first, then prebuilds/).
const ADDON = require('node-gyp-build').resolve(root);
const TEXT = 'Fallbacks say why: héllo wörld 🙂 <|endoftext|> 12345\n'.repeat(20);

// Loads the package at argv[1] from CommonJS, ESM and a worker thread, and prints the backend
// each saw and the ids of TEXT.
const PROBE = `
const { Worker } = require('node:worker_threads');
const pkg = process.argv[1];
const out = {};
try {
  const t = require(pkg + '/dist/cjs/index.js');
  out.backend = t.backend;
  out.ids = Array.from(t.getEncoding('cl100k_base').encodeOrdinary(${JSON.stringify(TEXT)}));
} catch (e) {
  out.error = { type: e.constructor.name, code: e.code, message: e.message };
}
(async () => {
  if (!out.error) {
    out.esm = (await import(pkg + '/index.mjs')).backend;
    out.worker = await new Promise((resolve, reject) => {
      const w = new Worker("require('node:worker_threads').parentPort.postMessage(require(" + JSON.stringify(pkg + '/dist/cjs/index.js') + ").backend)", { eval: true });
      w.once('message', resolve);
      w.once('error', reject);
    });
  }
  console.log(JSON.stringify(out));
})();
`;

function probe(pkg, env = {}) {
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('TURBOTOKEN_')) delete base[key];
  const child = spawnSync(process.execPath, ['-e', PROBE, pkg], { env: { ...base, ...env }, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed (${child.status ?? child.signal}): ${child.stderr}`);
  return { ...JSON.parse(child.stdout.trim().split('\n').pop()), stderr: child.stderr };
}

const copies = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The package with no addon at all; `layout` then adds the files of one case. */
function packageCopy(layout = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'turbotoken-fallback-'));
  copies.push(dir);
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'wasm'), join(dir, 'wasm'), { recursive: true });
  for (const file of ['package.json', 'index.mjs']) copyFileSync(join(root, file), join(dir, file));
  for (const link of ['data', 'node_modules']) symlinkSync(join(root, link), join(dir, link));
  layout(dir);
  return dir;
}

/** A file that is not a loadable shared object (a truncated ELF file can crash the loader itself). */
function writeBroken(file) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, 'not a shared object\n'.repeat(64));
}

const SILENCER = '(TURBOTOKEN_BACKEND=wasm or TURBOTOKEN_QUIET=1 silences this)';
const reference = probe(root, { TURBOTOKEN_BACKEND: 'native' });

function expectOneWarning(result, reasonPattern) {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^turbotoken: the native addon did not load, trying WebAssembly: /);
  expect(lines[0]).toMatch(reasonPattern);
  expect(lines[0].endsWith(SILENCER)).toBe(true);
  // The fallback itself: WebAssembly everywhere in the process, with the addon's ids.
  expect([result.backend, result.esm, result.worker]).toEqual(['wasm-simd128', 'wasm-simd128', 'wasm-simd128']);
  expect(result.ids).toEqual(reference.ids);
}

describe('an addon that should load and does not: one line on stderr, then WebAssembly', () => {
  it('a broken prebuild for this platform', () => {
    const pkg = packageCopy((dir) => writeBroken(join(dir, 'prebuilds', PLATFORM, 'turbotoken.node')));
    expectOneWarning(probe(pkg), /turbotoken\.node/);
  });

  it('a prebuild folder for this platform with its binary missing', () => {
    const pkg = packageCopy((dir) => mkdirSync(join(dir, 'prebuilds', PLATFORM), { recursive: true }));
    expectOneWarning(probe(pkg), /No native build was found/);
  });

  it('a broken local build', () => {
    const pkg = packageCopy((dir) => writeBroken(join(dir, 'build', 'Release', 'turbotoken.node')));
    expectOneWarning(probe(pkg), /build\/Release\/turbotoken\.node/);
  });

  it('a TURBOTOKEN_ADDON that does not load', () => {
    const missing = join(tmpdir(), 'no-such-dir-turbotoken', 'turbotoken.node');
    expectOneWarning(probe(root, { TURBOTOKEN_ADDON: missing }), /Cannot find module/);
  });

  it('TURBOTOKEN_QUIET or TURBOTOKEN_BACKEND=wasm silences it', () => {
    const pkg = packageCopy((dir) => writeBroken(join(dir, 'prebuilds', PLATFORM, 'turbotoken.node')));
    for (const env of [{ TURBOTOKEN_QUIET: '1' }, { TURBOTOKEN_BACKEND: 'wasm' }]) {
      const result = probe(pkg, env);
      expect(result.stderr).toBe('');
      expect(result.backend).toBe('wasm-simd128');
    }
  });
});

describe('no addon for this platform: WebAssembly without a word', () => {
  it('no prebuild and no local build', () => {
    const result = probe(packageCopy());
    expect(result.stderr).toBe('');
    expect(result.backend).toBe('wasm-simd128');
    expect(result.ids).toEqual(reference.ids);
  });

  it('prebuilds for other platforms only', () => {
    const other = process.arch === 'arm64' ? 'x64' : 'arm64';
    const result = probe(packageCopy((dir) => writeBroken(join(dir, 'prebuilds', `${process.platform}-${other}`, 'turbotoken.node'))));
    expect(result.stderr).toBe('');
    expect(result.backend).toBe('wasm-simd128');
  });
});

describe('TURBOTOKEN_ADDON', () => {
  it('loads the named addon in place of the package lookup', () => {
    const pkg = packageCopy();
    const result = probe(pkg, { TURBOTOKEN_ADDON: ADDON });
    expect(result.stderr).toBe('');
    expect(result.backend).toMatch(/^native-/);
    expect(result.ids).toEqual(reference.ids);
  });

  it('forced native with an addon that does not load is ERR_NATIVE_LOAD_FAILED, with no warning', () => {
    const result = probe(root, { TURBOTOKEN_BACKEND: 'native', TURBOTOKEN_ADDON: join(tmpdir(), 'missing-turbotoken.node') });
    expect(result.error).toMatchObject({ type: 'TurbotokenError', code: 'ERR_NATIVE_LOAD_FAILED' });
    expect(result.stderr).toBe('');
  });
});
