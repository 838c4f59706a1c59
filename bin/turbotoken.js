#!/usr/bin/env node
// The turbotoken command (package.json "bin"); the implementation is src/cli/, built to dist/cjs/cli/.
'use strict';

const { main } = require('../dist/cjs/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  // Let stdout drain before exiting: process.exit() would cut off output piped to a slow reader.
  process.exitCode = code;
});
