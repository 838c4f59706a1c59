#!/usr/bin/env node
// The one list of C++ sources (native/sources.json), printed for a build: `addon` (the core and
// the Node binding: binding.gyp), `core` (CMakeLists.txt reads the JSON itself) or `wasm` (the
// core and the WebAssembly glue: scripts/build-wasm.sh), one path a line.
'use strict';
const path = require('node:path');
const sources = require(path.join(__dirname, '..', 'native', 'sources.json'));
const sets = { addon: ['core', 'binding'], core: ['core'], wasm: ['core', 'wasm'] };
const want = sets[process.argv[2]];
if (!want) {
  process.stderr.write(`usage: node scripts/sources.js ${Object.keys(sets).join('|')}\n`);
  process.exit(2);
}
process.stdout.write(want.flatMap((k) => sources[k]).join('\n') + '\n');
