// Builds the browser entry (turbotoken/browser): dist/browser/turbotoken.js, one ES module that
// bundles src/browser.ts with the TypeScript it shares with the Node build (the Encoding facade,
// the WebAssembly binding and runtime), and dist/browser/*.d.ts from tsc.
//
// Why a bundler (esbuild) and not tsc alone: the shared files import node:os, node:util, node:fs
// and node:path and name Buffer, for their Node use. The bundle maps those to
// src/browser-node.ts and src/browser-buffer.ts (small web-API stand-ins), so the browser code
// is the same code, and the output imports nothing: the build fails if `node:` or require() is
// left in it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/browser/turbotoken.js`;
const nodeStandIns = `${root}src/browser-node.ts`;

// src/native.ts picks the Node backend (the addon through node-gyp-build, or WASM read from
// disk); the browser's binding is always WebAssembly (src/browser-native.ts).
const browserNative = {
  name: 'browser-native',
  setup(b) {
    b.onResolve({ filter: /^\.\/native$/ }, (args) =>
      args.importer.startsWith(`${root}src/`) ? { path: `${root}src/browser-native.ts` } : undefined);
  },
};

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', `${root}tsconfig.browser.json`], { stdio: 'inherit' });

await build({
  entryPoints: [`${root}src/browser.ts`],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  alias: { 'node:fs': nodeStandIns, 'node:os': nodeStandIns, 'node:path': nodeStandIns, 'node:util': nodeStandIns, 'node:zlib': nodeStandIns },
  inject: [`${root}src/browser-buffer.ts`],
  // wasm-runtime.ts names the module's file from __dirname, which the browser never reads.
  define: { __dirname: '"."' },
  plugins: [browserNative],
  legalComments: 'none',
  logLevel: 'warning',
});

const code = readFileSync(out, 'utf8');
const leak = code.match(/\bnode:[a-z_]+|\brequire\(|\bprocess\.\w+/);
if (leak) throw new Error(`${out} still uses Node (${leak[0]}); map it in scripts/build-browser.mjs`);
// The package is CommonJS; this marks the bundle as an ES module for Node and tools, while
// browsers (which ignore package.json) get a plain .js that every server sends as JavaScript.
writeFileSync(`${root}dist/browser/package.json`, '{ "type": "module" }\n');
console.log(`built ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
