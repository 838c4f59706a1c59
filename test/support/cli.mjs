// Running the turbotoken command as users do (a child process of this Node) and reading back
// the corpus files it writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/turbotoken.js', import.meta.url));

/** { status, stdout, stderr } of `turbotoken ...args`; `input` goes to stdin. */
export function cli(args, { input, cwd, env } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, cwd, env: env && { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'turbotoken-cli-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Names in `dir`, sorted: what a failed run must not have left behind. */
export function listing(dir) {
  return readdirSync(dir).sort();
}

/** The three corpus files of `base` (without .bin): header, ids, and document offsets. */
export function readCorpus(base) {
  const header = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
  const bin = readFileSync(`${base}.bin`);
  const ids = header.dtype === 'uint16' ? new Uint16Array(bin.buffer, bin.byteOffset, bin.length / 2) : new Uint32Array(bin.buffer, bin.byteOffset, bin.length / 4);
  const idx = readFileSync(`${base}.idx`);
  const offsets = [];
  for (let at = 0; at < idx.length; at += 8) offsets.push(Number(idx.readBigUInt64LE(at)));
  return { header, bin, idx, ids, offsets };
}

/** The documents of a corpus, as arrays of ids. */
export function documents({ ids, offsets }) {
  return offsets.slice(0, -1).map((start, i) => [...ids.subarray(start, offsets[i + 1])]);
}
