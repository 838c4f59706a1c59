#!/usr/bin/env node
// npm's install step. Runs node-gyp-build, which keeps a prebuilt binary from prebuilds/ when it
// loads and otherwise compiles the addon with node-gyp. Where neither works (no C++ compiler, no
// python3), turbotoken still works on its WebAssembly backend, so a failed build must not fail
// `npm install`: print one short note and exit 0. The compiler's output is kept out of the way
// (it is long and alarming) unless TURBOTOKEN_DEBUG is set.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const debug = Boolean(process.env.TURBOTOKEN_DEBUG);

function nodeGypBuildBin() {
  try {
    return require.resolve('node-gyp-build/bin.js');
  } catch {
    return undefined;
  }
}

function main() {
  const bin = nodeGypBuildBin();
  if (!bin) return note('node-gyp-build is not installed');
  const result = spawnSync(process.execPath, [bin], {
    cwd: path.join(__dirname, '..'),
    stdio: debug ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status === 0) return;
  note(result.error ? result.error.message : `node-gyp-build exited with ${result.status ?? result.signal}`);
}

function note(why) {
  const more = debug ? '' : ' Set TURBOTOKEN_DEBUG=1 and run `npm rebuild turbotoken --foreground-scripts` to see why.';
  process.stderr.write(
    `turbotoken: no native addon for this platform (${why}); the WebAssembly backend will be used.${more}\n`,
  );
}

main();
process.exitCode = 0;
