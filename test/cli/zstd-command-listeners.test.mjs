// The `zstd` command decoder waits for its stdin to drain once per chunk written: a long input
// is many waits, and none may leave a listener behind on the child (Node warns on stderr past
// 10, and they would pile up for as long as the file is read). Run in a child process of its own,
// since the decoder is chosen once per process (TURBOTOKEN_ZSTD=command).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const haveCommand = spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
const decompressJs = fileURLToPath(new URL('../../dist/cjs/cli/formats/decompress.js', import.meta.url));

// 24 chunks of 1 MB, each a zstd frame of random bytes (stored, so decoding is a copy): each
// write is over the child's stdin buffer and waits for a drain.
const script = `
const { execFileSync } = require('node:child_process');
const { decompress, zstdDecoder } = require(${JSON.stringify(decompressJs)});
const warnings = [];
process.on('warning', (warning) => warnings.push(warning.name + ': ' + warning.message));
const frame = execFileSync('zstd', ['-q', '-c', '-1'], { input: require('node:crypto').randomBytes(1 << 20), maxBuffer: 4 << 20 });
async function* chunks() { for (let i = 0; i < 24; i++) yield frame; }
(async () => {
  let bytes = 0;
  for await (const chunk of decompress(chunks(), 'zstd', 'random.zst')) bytes += chunk.length;
  await new Promise((resolve) => setImmediate(resolve));
  console.log(JSON.stringify({ decoder: zstdDecoder(), bytes, warnings }));
})();
`;

it.skipIf(!haveCommand)('24 chunks through the zstd command: every byte out, no listener warning', () => {
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TURBOTOKEN_ZSTD: 'command' }, encoding: 'utf8', maxBuffer: 1 << 20 });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ decoder: 'command', bytes: 24 << 20, warnings: [] });
});
