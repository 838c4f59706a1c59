// A saved encoding's stored programs are checked by the core (native/core/regex/program_check.h,
// through the addon's checkProgram or the module's tt_check_program): each kind of fault in a
// hand-made program section with a valid checksum is ERR_INVALID_SAVED_ENCODING whose message
// names the fault and where it is, on both backends.
import { readFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { seal } from '../support/saved-file.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const align4 = (n) => (n + 3) & ~3;

describe('a stored program the core refuses', () => {
  let file;
  let header;
  let words;
  let programsAt;
  beforeAll(() => {
    const ranks = new Map([...Array(256).keys()].map((b) => [Uint8Array.of(b), b]));
    const enc = new Encoding({ name: 'faults', pattern: String.raw`\p{N}{1,3}| ?\p{L}+|\s+(?!\S)|\s+|.`, ranks });
    const at = path.join(mkdtempSync(path.join(tmpdir(), 'turbotoken-program-faults-')), 'faults.ttenc');
    enc.save(at);
    file = readFileSync(at);
    const jsonLength = file.readUInt32LE(12);
    header = JSON.parse(file.subarray(20, 20 + jsonLength).toString('utf8'));
    programsAt = align4(align4(20 + jsonLength) + file.readUInt32LE(16));
    expect(header.programs).toHaveLength(1);
    words = new Uint32Array(header.programs[0][1]);
    for (let k = 0; k < words.length; k++) words[k] = file.readUInt32LE(programsAt + 4 * k);
  });

  // The file with its one program's words edited (same length) and sealed again.
  const edited = (edit) => {
    const w = Uint32Array.from(words);
    edit(w);
    const out = Buffer.from(file);
    for (let k = 0; k < w.length; k++) out.writeUInt32LE(w[k], programsAt + 4 * k);
    return seal(out);
  };
  const message = (bytes) => {
    try {
      Encoding.load(bytes);
      return 'loaded';
    } catch (error) {
      return `${error.code}: ${error.message}`;
    }
  };

  it('names each fault and where it is', () => {
    const n = words[0];
    const r = words[1];
    const first = (op) => [...Array(n).keys()].find((k) => words[2 + 3 * k] === op);
    const split = first(2);
    const jump = first(3);
    const cls = first(1);
    const multi = [...Array(n).keys()].find((k) => words[2 + 3 * k] === 1 && words[4 + 3 * k] >= 2);
    expect([split, jump, cls, multi].every((k) => k !== undefined)).toBe(true);
    const cases = [
      [(w) => void (w[5] = 42), `instruction 1 has no opcode 42`],
      [(w) => void (w[3 + 3 * split] = n), `instruction ${split} jumps out of the program`],
      [(w) => void (w[3 + 3 * jump] = n + 7), `instruction ${jump} jumps out of the program`],
      [(w) => void (w[4 + 3 * cls] = 0xffffffff), `instruction ${cls} names ranges past the end`],
      [(w) => void ((w[2 + 3 * n + 4] = 0x20), (w[3 + 3 * n + 4] = 0x10)), 'range 2 is not a range of code points'],
      [(w) => void (w[w.length - 1] = 0x110000), `range ${r - 1} is not a range of code points`],
      [(w) => void (w[2 + 3 * n + 2 * (w[3 + 3 * multi] + 1)] = w[2 + 3 * n + 2 * w[3 + 3 * multi]]), `instruction ${multi}'s ranges are not ascending and disjoint`],
      [(w) => void (w[0] = 0), '0 instructions and'],
      [(w) => void (w[1] = 2 ** 21), `${n} instructions and ${2 ** 21} ranges are out of bounds`],
      [(w) => void (w[0] += 1), `${words.length} words where its counts say ${words.length + 3}`],
      [(w) => void ((w[2 + 3 * (n - 1)] = 1), (w[3 + 3 * (n - 1)] = 0), (w[4 + 3 * (n - 1)] = 1)), 'the last instruction steps past the end'],
    ];
    for (const [edit, text] of cases) {
      const got = message(edited(edit));
      expect([text, got.startsWith('ERR_INVALID_SAVED_ENCODING: ') && got.includes(`: ${text}`)]).toEqual([text, true]);
    }
    expect(message(file)).toBe('loaded');
  });
});

it('src/program-enums.ts is what scripts/gen-program-enums.mjs makes of the core headers', () => {
  expect(() => execFileSync(process.execPath, [path.join(root, 'scripts/gen-program-enums.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
});
