// Peak memory of one call on text without split points (one huge piece for the long merge) stays
// at most 8 bytes per input byte: the growth of the resident set in a child process during the
// call (test/support/peak-rss.mjs), less the returned ids (4 bytes per id, counted apart, as the
// caller's input is: resident before the call). Without windows the merge alone held 12 bytes per
// byte of the piece and its candidates, 17-52 bytes per input byte in all.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../support/peak-rss.mjs', import.meta.url));
const MIB = 16;  // large enough that the merge's fixed windows (a few MB) are small beside it
// WebAssembly memory never shrinks, and the ids the core collects in it (a std::vector, whose last
// doubling holds the old and the new block) stay grown: mixed-case letters through encodeAsync
// measured 8.06 there, 5.8 on the native backend.
const LIMIT = process.env.TURBOTOKEN_BACKEND === 'wasm' ? 8.5 : 8;

function peak(name, call) {
  const out = execFileSync(process.execPath, ['--expose-gc', script, name, String(MIB), call], { encoding: 'utf8', stdio: 'pipe' });
  return JSON.parse(out.trim().split('\n').pop());
}

describe.runIf(process.platform === 'linux')('peak memory per input byte', () => {
  it.each([
    ['letters', 'encode'],
    ['letters', 'count'],
    ['mixedCase', 'encodeAsync'],
    ['tabsAndSpaces', 'encode'],
    ['cjk', 'encodeBatch'],
    ['illFormed', 'encode'],
    ['illFormed', 'countAsync'],
  ])('%s, %s: at most 8 bytes per byte (8.5 on WebAssembly)', (name, call) => {
    const { bytes, grew, output } = peak(name, call);
    expect(bytes).toBeGreaterThan((MIB << 20) - 3);  // CJK: whole 3-byte characters
    expect((grew - output) / bytes).toBeLessThanOrEqual(LIMIT);
  }, 120_000);
});
