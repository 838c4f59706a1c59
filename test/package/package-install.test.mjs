// The published package on a machine without a C++ compiler: `npm pack`, install the tarball into
// a new project with --ignore-scripts and PATH holding only node and npm (and CC/CXX set to
// `false`), and check that the prebuilt binary from prebuilds/ loads; that with the prebuild gone
// turbotoken falls back to WebAssembly, silently, and matches tiktoken; and that a failed build
// does not fail the install step.
//
// It runs in the native project only (vitest.config.mjs): it chooses backends itself, in child
// processes with their own environment, so a second run under TURBOTOKEN_BACKEND=wasm would
// repeat the same work and check nothing new.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomText, rng } from '../support/random-text.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
const nodedir = execFileSync(process.execPath, [npmCli, 'config', 'get', 'nodedir'], { cwd: root, encoding: 'utf8' }).trim();
const PLATFORM = `${process.platform}-${process.arch}`;

const work = mkdtempSync(join(tmpdir(), 'turbotoken-install-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'turbotoken');

function npm(args, { cwd, env }) {
  const child = spawnSync(process.execPath, [npmCli, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${child.status}):\n${child.stdout}\n${child.stderr}`);
  return child;
}

/** The developer's environment, minus what would steer turbotoken or npm from outside. */
function devEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(npm_|TURBOTOKEN_)/i.test(key)) delete env[key];
  return env;
}

/**
 * A machine without build tools: PATH is one directory with node, npm and sh (npm runs scripts
 * with it) in it, and no make, g++ or python3; CC/CXX run `false`. nodedir stops node-gyp from trying to download headers.
 */
function noCompilerEnv() {
  const bin = join(work, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(npmCli, join(bin, 'npm'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
  }
  return { PATH: bin, HOME: process.env.HOME ?? work, CC: 'false', CXX: 'false', npm_config_nodedir: nodedir, npm_config_update_notifier: 'false' };
}

function pack(cwd) {
  const child = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd, env: devEnv() });
  return join(work, JSON.parse(child.stdout)[0].filename);
}

/**
 * The tarball `npm pack` makes, whose prepack step (scripts/prebuild.mjs) builds prebuilds/ in
 * the checkout (CI's scripts/check-prebuilds.sh has run it, and checked what it builds, before
 * the tests). Without prebuilds/ in the checkout, the tarball is unpacked and this platform's
 * prebuild put in the copy, so that the test never writes into the checkout while other test
 * files run from it: the addon the native tests load (build/Release, built from these sources
 * with binding.gyp, as prebuildify builds), or, when there is none, one made with the same script.
 */
function tarballWithPrebuild() {
  const tarball = pack(root);
  if (existsSync(join(root, 'prebuilds', PLATFORM))) return tarball;
  const stage = join(work, 'stage');
  mkdirSync(stage);
  execFileSync('tar', ['-xzf', tarball, '-C', stage]);
  rmSync(tarball);
  const pkg = join(stage, 'package');
  const built = join(root, 'build', 'Release', 'turbotoken.node');
  if (existsSync(built)) {
    mkdirSync(join(pkg, 'prebuilds', PLATFORM), { recursive: true });
    copyFileSync(built, join(pkg, 'prebuilds', PLATFORM, 'turbotoken.node'));
    return pack(pkg);
  }
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
  const script = join(pkg, 'scripts', 'prebuild.mjs');
  copyFileSync(join(root, 'scripts', 'prebuild.mjs'), script);
  execFileSync(process.execPath, [script, '--arch', process.arch], { cwd: pkg, env: { ...devEnv(), npm_config_nodedir: nodedir }, stdio: 'ignore' });
  rmSync(script);
  rmSync(join(pkg, 'node_modules'));
  rmSync(join(pkg, 'build'), { recursive: true, force: true });
  return pack(pkg);
}

// Prints the backend and, for each encoding, whether every sample encodes, counts and decodes
// exactly as tiktoken does. Samples arrive on stdin as JSON.
const PROBE = `
const turbotoken = require('turbotoken');
const tiktoken = require(${JSON.stringify(join(root, 'node_modules', 'tiktoken'))});
const texts = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const out = { backend: turbotoken.backend, addon: null, mismatches: {} };
try { out.addon = require('node-gyp-build').resolve(require('node:path').dirname(require.resolve('turbotoken/package.json'))); } catch {}
for (const name of ${JSON.stringify(['cl100k_base', 'o200k_base', 'r50k_base'])}) {
  const ours = turbotoken.getEncoding(name);
  const ref = tiktoken.get_encoding(name);
  out.mismatches[name] = texts.filter((text) => {
    const want = Array.from(ref.encode(text, 'all'));
    const got = Array.from(ours.encode(text, { allowedSpecial: 'all' }));
    return got.join() !== want.join() || ours.count(text, { allowedSpecial: 'all' }) !== want.length || ours.decode(got) !== text.replace(/[\\ud800-\\udfff]/gu, '\\ufffd');
  }).length;
  ref.free();
}
console.log(JSON.stringify(out));
`;

const next = rng(4);
const SAMPLES = Array.from({ length: 300 }, (_, k) => randomText(next, 1 + (k % 60)));

function probe() {
  const child = spawnSync(process.execPath, ['-e', PROBE], { cwd: app, env: noCompilerEnv(), input: JSON.stringify(SAMPLES), encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`probe failed:\n${child.stderr}`);
  return { ...JSON.parse(child.stdout), stderr: child.stderr };
}

const noMismatches = { cl100k_base: 0, o200k_base: 0, r50k_base: 0 };

describe('the packed package, installed where nothing can be compiled', () => {
  let install;

  beforeAll(() => {
    const tarball = tarballWithPrebuild();
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // The dependencies (node-addon-api, node-gyp-build) come from npm's cache when they are in it.
    // --ignore-scripts, as in many CI and container builds: nothing runs at install time, so the
    // native backend can only come from the shipped prebuild.
    install = npm(['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: noCompilerEnv() });
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships a prebuilt binary and loads it without compiling anything', () => {
    expect(readdirSync(join(installed, 'prebuilds', PLATFORM)).some((f) => f.endsWith('.node'))).toBe(true);
    expect(existsSync(join(installed, 'build'))).toBe(false);
    expect(install.stderr).not.toContain('WebAssembly backend will be used');
    const result = probe();
    expect(result.backend).toMatch(/^native-/);
    expect(result.addon).toContain(join('prebuilds', PLATFORM));
    expect(result.mismatches).toEqual(noMismatches);
    expect(result.stderr).toBe('');
  });

  it('falls back to WebAssembly, matching tiktoken, when the prebuild is gone', () => {
    rmSync(join(installed, 'prebuilds'), { recursive: true });
    const result = probe();
    expect(result.addon).toBe(null);
    expect(result.backend).toMatch(/^wasm-/);
    expect(result.mismatches).toEqual(noMismatches);
    // No addon for this platform is left: WebAssembly is the designed backend, not a failure.
    expect(result.stderr).toBe('');
  });

  it('a failed build of the addon does not fail the install step: it prints one note', () => {
    rmSync(join(installed, 'prebuilds'), { recursive: true, force: true });
    const rebuild = npm(['rebuild', 'turbotoken', '--foreground-scripts'], { cwd: app, env: noCompilerEnv() });
    const notes = `${rebuild.stdout}\n${rebuild.stderr}`.split('\n').filter((line) => line.startsWith('turbotoken:'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('the WebAssembly backend will be used');
    expect(existsSync(join(installed, 'build', 'Release', 'turbotoken.node'))).toBe(false);
    expect(probe().backend).toMatch(/^wasm-/);
  });
});
