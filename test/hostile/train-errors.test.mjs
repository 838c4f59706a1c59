// train() and `turbotoken train` on bad input: an empty corpus, a vocabulary smaller than its base
// alphabet, a pattern that matches nothing or cannot be used, bad option values, an input file
// that vanishes mid-run, an output that cannot be written: each a typed error with a code, and
// never an output file (whole or partial).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { thrownBy } from '../support/thrown.mjs';
import { cli } from '../support/cli.mjs';

const BIN = path.resolve(import.meta.dirname, '../../bin/turbotoken.js');

const dir = mkdtempSync(path.join(tmpdir(), 'train-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (fn) => {
  const e = thrownBy(fn);
  return `${e.name}:${e.code}`;
};

describe('train() errors', () => {
  it('an empty corpus', async () => {
    expect(codeOf(() => train([], { vocabSize: 300 }))).toBe('TurbotokenError:ERR_EMPTY_CORPUS');
    expect(codeOf(() => train(['', ''], { vocabSize: 300 }))).toBe('TurbotokenError:ERR_EMPTY_CORPUS');
    await expect(trainAsync((async function* () {})(), { vocabSize: 300 })).rejects.toMatchObject({ code: 'ERR_EMPTY_CORPUS' });
  });

  it('a pattern that matches nothing in the corpus', () => {
    const e = thrownBy(() => train(['abc abc'], { vocabSize: 300, pattern: 'zzz' }));
    expect(e.code).toBe('ERR_EMPTY_CORPUS');
    expect(e.message).toMatch(/matched nothing/);
  });

  it('a pattern that cannot be used', () => {
    expect(codeOf(() => train(['abc'], { vocabSize: 300, pattern: '(unclosed' }))).toBe('TurbotokenError:ERR_INVALID_PATTERN');
  });

  it('vocabSize below the base alphabet', () => {
    expect(codeOf(() => train(['abc'], { vocabSize: 255 }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 257, specialTokens: ['<a>', '<b>'] }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 0, tieBreak: 'huggingface' }))).toBe('RangeError:ERR_OUT_OF_RANGE');
  });

  it('bad option values and inputs', () => {
    expect(codeOf(() => train(['abc']))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc'], {}))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300.5 }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, tieBreak: 'random' }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, chunking: 'words' }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, threads: 0 }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, maxChunks: 1 }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, chunking: 'lines', maxDocumentChars: 10 }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, specialTokens: ['<a>', '<a>'] }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => train(['abc'], { vocabSize: 300, specialTokens: [''] }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(42, { vocabSize: 300 }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => train(['abc', 7], { vocabSize: 300 }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
  });

  it('an output that cannot be written leaves no file', () => {
    const r = train(['hello hello'], { vocabSize: 260 });
    const target = path.join(dir, 'missing-dir', 'out.tiktoken');
    expect(codeOf(() => r.writeTiktoken(target))).toBe('TurbotokenError:ERR_SAVE_FAILED');
    expect(existsSync(path.dirname(target))).toBe(false);
    // An existing directory in the way: the temporary is removed again.
    const asDir = path.join(dir, 'is-a-dir');
    mkdirSync(asDir);
    expect(codeOf(() => r.writeTokenizerJson(asDir))).toBe('TurbotokenError:ERR_SAVE_FAILED');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('turbotoken train errors', () => {
  it('an input file that vanishes mid-run: exit 1, no output', async () => {
    // The first input is a FIFO: the command has listed both inputs and waits on the FIFO while
    // the second is removed; then the FIFO's text arrives and the command goes on to the second.
    const fifo = path.join(dir, 'first.fifo');
    const second = path.join(dir, 'second.txt');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(second, 'second file\n'.repeat(100));
    const out = path.join(dir, 'vanished.tiktoken');
    const child = spawn(process.execPath, [BIN, 'train', fifo, second, '--vocab-size', '300', '--out', out, '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    const fd = openSync(fifo, 'w'); // returns once the command opened the FIFO to read it
    unlinkSync(second);
    writeSync(fd, 'hello world\n'.repeat(100));
    closeSync(fd);
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/second\.txt/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('an empty corpus and a too-small vocabulary: no output', () => {
    const empty = path.join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const out = path.join(dir, 'empty.tiktoken');
    const r1 = cli(['train', empty, '--vocab-size', '300', '--out', out]);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/empty/);
    const r2 = cli(['train', empty, '--vocab-size', '100', '--out', out]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/vocabSize/);
    expect(existsSync(out)).toBe(false);
  });
});
