// Running the turbotoken command in this process: main() of dist/cjs/cli/main.js with stdin,
// stdout, stderr and the environment given (src/cli/io.ts), for the cases whose subject is what
// the command prints and writes. A child costs 0.2-0.4 s of CPU per case (Node, the package, the
// encoding's tables); here that is paid once per test file. What only a child shows stays with
// cli() of test/support/cli.mjs: the bin script, the exit status the process ends with, signals,
// a real stdin pipe, the zstd decoder (chosen once per process from TURBOTOKEN_ZSTD) and a
// process's own memory.
//
// `cwd` is applied with process.chdir for the run and restored after it, so files that use this
// module run in isolated projects, never in the shared ones (test/support/shared-files.mjs).
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';

const { main } = createRequire(import.meta.url)('../../dist/cjs/cli/main.js');

class Capture extends Writable {
  chunks = [];

  _write(chunk, _encoding, done) {
    this.chunks.push(chunk);
    done();
  }

  // As spawnSync's encoding 'utf8' reads a child's output.
  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function bytesOf(input) {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/** { status, stdout, stderr } of `turbotoken ...args`, as cli() of test/support/cli.mjs gives them. */
export async function cli(args, { input, cwd, env } = {}) {
  const stdin = Readable.from(input === undefined ? [] : [bytesOf(input)]);
  const stdout = new Capture();
  const stderr = new Capture();
  const home = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  try {
    const status = await main(args, { stdin, stdout, stderr, env: env && { ...process.env, ...env } });
    return { status, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    if (cwd !== undefined) process.chdir(home);
  }
}
