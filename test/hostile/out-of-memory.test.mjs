// Running out of memory is an error the caller can catch (TurbotokenError ERR_OUT_OF_MEMORY), not
// the end of the process: a child process with its data capped at 1.2 GB (`ulimit -d`, which
// counts the heap and private writable mappings but not V8's address-space reservations) asks
// for more, then goes on encoding small texts. Its 300 MB text, the text's UTF-8 copy and the
// 600 MB of its ids come to more than the cap however the ids are reserved or grown. On
// WebAssembly the module's own cap (64 MB above the vocabulary) is met first, by a 48 MB text:
// the same failed allocation inside the module, after seconds of encoding instead of a minute.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';

const child = fileURLToPath(new URL('../support/out-of-memory-child.cjs', import.meta.url));
const LIMIT_KB = 1_200_000;

describe('out of memory', () => {
  it('throws ERR_OUT_OF_MEMORY from encode, encodeWithOffsets, encodeAsync and decodeBytes, and the process goes on', () => {
    const run = spawnSync('bash', ['-c', `ulimit -d ${LIMIT_KB} && exec "${process.execPath}" "${child}"`], {
      encoding: 'utf8',
      env: process.env,
      maxBuffer: 1 << 20,
    });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout.trim().split('\n').pop());
    const oom = { threw: 'TurbotokenError', code: 'ERR_OUT_OF_MEMORY' };
    for (const call of ['encode', 'encodeSplit', 'encodeOrdinary', 'encodeWithOffsets', 'encodeAsync', 'decodeBytes'])
      expect({ call, ...results[call] }).toEqual({ call, ...oom });
    const enc = getEncoding('o200k_base');
    expect(results.afterwards).toEqual({ encode: Array.from(enc.encode('hello world')), decode: 'héllo wörld' });
  });
});
