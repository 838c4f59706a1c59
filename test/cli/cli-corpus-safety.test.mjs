// The corpus command never loses or silently corrupts data: an input that is also an output is
// refused, the output set is checked by its header (a fault at any rename leaves the old set or
// one that `decode` refuses), inputs that change while read fail the run, FIFOs and devices are
// refused, SIGTERM ends the process even with a read blocked, temporaries of killed runs are
// removed by the next run; and `decode` names a bad id's place in the whole input.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli as inProcess } from '../support/cli-in-process.mjs';
import { cli, documents, listing, readCorpus, tempDir } from '../support/cli.mjs';

const require = createRequire(import.meta.url);
const BIN = fileURLToPath(new URL('../../bin/turbotoken.js', import.meta.url));
const dir = tempDir('turbotoken-corpus-safety-');
const runIn = (args, options = {}) => cli(args, { cwd: dir, ...options });

function subdir(name) {
  const sub = path.join(dir, name);
  mkdirSync(sub, { recursive: true });
  return sub;
}

// Prose of `bytes` bytes with a line break every few sentences.
function prose(bytes) {
  const sentences = ['The quick brown fox jumps over the lazy dog, again and again.', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit 1234.'];
  const parts = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const part = sentences[i % 2] + (i % 7 ? ' ' : '\n');
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

// A process that has exited: its pid names no live process (until the system reuses it).
function deadPid() {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

// Starts `turbotoken corpus ...args` in `cwd` and resolves once its temporaries exist (the
// header's is made last).
async function startCorpus(args, cwd, out) {
  const child = spawn(process.execPath, [BIN, 'corpus', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise((resolve) => child.on('exit', (status, signal) => resolve({ status, signal, stderr })));
  const temp = `${path.basename(out)}.json.tmp-${child.pid}`;
  for (let ended = false; !existsSync(path.join(cwd, temp)); ) {
    await Promise.race([exited.then(() => (ended = true)), new Promise((resolve) => setTimeout(resolve, 2))]);
    if (ended) throw new Error(`corpus ended before it was interrupted: ${stderr}`);
  }
  return { child, exited };
}

describe('an input that is also an output', () => {
  it('is refused with a usage error when named on the command line, and left as it was', () => {
    const sub = subdir('same-name');
    writeFileSync(path.join(sub, 'a.txt'), 'hello');
    writeFileSync(path.join(sub, 'notes.json'), '{"keep":"me"}');
    symlinkSync(sub, path.join(dir, 'same-name-link'));
    for (const args of [['same-name/notes.json', 'same-name/a.txt', '--out', 'same-name/notes'], ['same-name-link/notes.json', '--out', 'same-name/notes.bin']]) {
      const run = runIn(['corpus', ...args]);
      expect([run.status, run.stderr]).toEqual([2, expect.stringContaining('notes.json is an input and also an output')]);
    }
    expect(readFileSync(path.join(sub, 'notes.json'), 'utf8')).toBe('{"keep":"me"}');
    expect(listing(sub)).toEqual(['a.txt', 'notes.json']);
  });
});

describe('the output set, with a fault injected at each rename', () => {
  // Loaded by the tests that use them, so that the others run on builds without them.
  const output = () => require('../../dist/cjs/cli/corpus-output.js');
  const manifest = () => require('../../dist/cjs/cli/corpus-manifest.js');

  // One document of `ids`, committed with the rename numbered `failAt` (1-based) failing.
  function writeSet(base, ids, failAt) {
    let renames = 0;
    const fs = {
      rename(from, to) {
        if (++renames === failAt) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO' });
        require('node:fs').renameSync(from, to);
      },
    };
    const writer = new (output().CorpusWriter)(base, 'uint32', fs);
    writer.writeIds(Uint32Array.from(ids));
    writer.endDocument();
    try {
      writer.commit({ format: 'turbotoken-corpus', version: 1, dtype: 'uint32', data: `${path.basename(base)}.bin`, index: `${path.basename(base)}.idx`, documents: 1, tokens: ids.length });
    } finally {
      writer.abort(); // as the command does on an error: only temporaries go
    }
  }

  async function verified(base) {
    const bin = `${base}.bin`;
    const { corpusHeaderOf, verifyCorpus } = manifest();
    const handle = await open(bin, 'r');
    try {
      await verifyCorpus(bin, handle, await corpusHeaderOf(bin));
      return 'consistent';
    } catch (error) {
      return error.message;
    } finally {
      await handle.close();
    }
  }

  const filesOf = (base) => ['bin', 'idx', 'json'].map((ext) => readFileSync(`${base}.${ext}`));

  it('leaves the complete old set, or one that readers and decode refuse, and no temporaries', async () => {
    const sub = subdir('faults');
    const old = [15339, 1917, 0];
    // The same sizes as the old set: only the checksums tell them apart.
    const next = [24912, 2375, 1];
    for (const failAt of [1, 2, 3]) {
      const base = path.join(sub, `set-${failAt}`);
      writeSet(base, old);
      const before = filesOf(base);
      expect(await verified(base)).toBe('consistent');
      expect(() => writeSet(base, next, failAt)).toThrow(failAt === 1 ? /no output was changed/ : /readers that check it .* refuse/);
      expect(listing(sub).filter((name) => name.includes('.tmp-'))).toEqual([]);
      if (failAt === 1) {
        expect(filesOf(base)).toEqual(before);
        expect(await verified(base)).toBe('consistent');
      } else {
        expect(await verified(base)).toMatch(new RegExp(`set-${failAt}\\.bin: its SHA-256 is not the one set-${failAt}\\.json records: the corpus files are not one complete set`));
      }
      writeSet(base, next);
      expect(await verified(base)).toBe('consistent');
      expect(documents(readCorpus(base))).toEqual([next]);
    }
    writeSet(path.join(sub, 'cli'), [15339, 1917]);
    expect(() => writeSet(path.join(sub, 'cli'), [24912, 2375], 2)).toThrow(/EIO/);
    const refused = await inProcess(['decode', '-e', 'cl100k_base', '--dtype', 'uint32', path.join(sub, 'cli.bin')]);
    expect([refused.status, refused.stdout, refused.stderr]).toEqual([1, '', expect.stringContaining('cli.bin: its SHA-256 is not the one cli.json records')]);
  });

  it('a corpus run records sizes and checksums that decode checks (a changed byte, a shortened index)', async () => {
    const sub = subdir('checked');
    writeFileSync(path.join(sub, 'a.txt'), 'hello world');
    expect((await inProcess(['corpus', path.join(sub, 'a.txt'), '--out', path.join(sub, 'out'), '-q'])).status).toBe(0);
    const header = readCorpus(path.join(sub, 'out')).header;
    expect(header.integrity.data).toEqual({ bytes: header.tokens * 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const decode = () => inProcess(['decode', '--dtype', 'uint32', path.join(sub, 'out.bin')]);
    expect((await decode()).stdout).toBe('hello world');
    const bin = readFileSync(path.join(sub, 'out.bin'));
    writeFileSync(path.join(sub, 'out.bin'), Buffer.from(bin).fill(0, 0, 1));
    expect((await decode()).stderr).toContain('out.bin: its SHA-256 is not the one out.json records');
    writeFileSync(path.join(sub, 'out.bin'), bin);
    writeFileSync(path.join(sub, 'out.idx'), readFileSync(path.join(sub, 'out.idx')).subarray(8));
    expect((await decode()).stderr).toContain('out.idx: 8 bytes, but out.json says 16');
  });
});

describe('inputs that change while they are read', () => {
  // Runs corpus on `file` while `mutate` changes it every millisecond, from when the progress
  // bar first shows (the file is open and its first megabyte read) to the end.
  async function whileChanging(file, mutate) {
    const child = spawn(process.execPath, [BIN, 'corpus', file, '--out', `${file}-out`, '--progress', '-q'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer;
    child.stderr.on('data', (data) => {
      stderr += data;
      timer ??= setInterval(mutate, 1);
    });
    const status = await new Promise((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    expect(timer).toBeDefined();
    return { status, stderr };
  }

  it('a .txt shortened and restored while read fails the run, naming it', async () => {
    const file = path.join(dir, 'shrinking.txt');
    const text = Buffer.from(prose(4 << 20));
    writeFileSync(file, text);
    const fd = openSync(file, 'r+');
    let cut = false;
    const run = await whileChanging('shrinking.txt', () => {
      if ((cut = !cut)) ftruncateSync(fd, text.length - 1);
      else writeSync(fd, text, text.length - 1, 1, text.length - 1);
    });
    closeSync(fd);
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('shrinking.txt: changed during the run')]);
    expect(listing(dir).filter((name) => name.startsWith('shrinking.txt-out'))).toEqual([]);
  });

  it('a .jsonl appended to while read fails the run, naming it', async () => {
    const file = path.join(dir, 'growing.jsonl');
    writeFileSync(file, prose(4 << 20).split('\n').map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const run = await whileChanging('growing.jsonl', () => appendFileSync(file, '{"text":"one more line"}\n'));
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('growing.jsonl: changed during the run')]);
  });
});

describe('FIFOs, devices and signals', () => {
  it('refuses a FIFO and a character device at once', () => {
    const fifo = path.join(dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    for (const [input, kind] of [[fifo, 'a FIFO'], ['/dev/null', 'a character device']]) {
      const run = spawnSync(process.execPath, [BIN, 'corpus', input, '--out', path.join(dir, 'fifo-out')], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
      expect([run.status, run.stderr]).toEqual([1, expect.stringContaining(`${input}: not a regular file (${kind}); corpus reads regular files only`)]);
    }
  });

  it('SIGTERM ends a process whose read is blocked in the thread pool, after its clean-up', () => {
    const fifo = path.join(dir, 'blocked.fifo');
    const marker = path.join(dir, 'cleanup-ran');
    execFileSync('mkfifo', [fifo]);
    const script = `
      const { onTerminationSignal } = require(${JSON.stringify(require.resolve('../../dist/cjs/cli/signals.js'))});
      onTerminationSignal(() => require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'));
      require('node:fs/promises').open(${JSON.stringify(fifo)}, 'r'); // no writer: blocks a pool thread
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 100);`;
    const run = spawnSync(process.execPath, ['-e', script], { timeout: 20_000, killSignal: 'SIGKILL' });
    expect(run.signal).toBe('SIGTERM');
    expect(existsSync(marker)).toBe(true);
  });

  it('SIGTERM during a run removes its temporaries and ends the process by SIGTERM', async () => {
    const sub = subdir('killed');
    writeFileSync(path.join(sub, 'big.txt'), prose(16 << 20));
    const terminated = await startCorpus(['big.txt', '--out', 'out'], sub, 'out');
    terminated.child.kill('SIGTERM');
    expect(await terminated.exited).toMatchObject({ status: null, signal: 'SIGTERM' });
    expect(listing(sub)).toEqual(['big.txt']);
  });

  it('the temporaries a SIGKILL leaves are removed by the next run, and never read as its input', async () => {
    const sub = subdir('killed-hard');
    writeFileSync(path.join(sub, 'big.txt'), prose(16 << 20));
    const killed = await startCorpus(['big.txt', '--out', 'out'], sub, 'out');
    killed.child.kill('SIGKILL');
    await killed.exited;
    const leftovers = ['bin', 'idx', 'json'].map((ext) => `out.${ext}.tmp-${killed.child.pid}`);
    expect(listing(sub)).toEqual(['big.txt', ...leftovers]);
    rmSync(path.join(sub, 'big.txt'));
    // Beside them: a live process's temporary, and a dead one's of another output, both kept.
    const live = `out.bin.tmp-${process.pid}`;
    const other = `other.bin.tmp-${deadPid()}`;
    writeFileSync(path.join(sub, live), 'a run in progress');
    writeFileSync(path.join(sub, other), 'not this output');
    writeFileSync(path.join(sub, 'small.txt'), 'hello');
    // The output directory is also the input: temporaries are never read as documents. A child:
    // in this process, the run's own temporary would be named as the planted live one.
    const rerun = cli(['corpus', '.', '--out', 'out', '-q'], { cwd: sub });
    expect(rerun.status).toBe(0);
    expect(listing(sub)).toEqual([live, other, 'out.bin', 'out.idx', 'out.json', 'small.txt'].sort());
    expect(readCorpus(path.join(sub, 'out')).header.files.map((f) => f.path)).toEqual([other, 'small.txt']);
  });
});

describe('decode', () => {
  it('names a bad id by its place in the whole input, beyond the first chunk read', async () => {
    const ids = `${'1 '.repeat(300_000)}200010 1\n`;
    const run = await inProcess(['decode', '-e', 'o200k_base'], { input: ids });
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('<stdin>: id 200010 (the 300001st id) is not a token of this encoding')]);
    const binary = Buffer.from(Uint32Array.from([...Array(300_000).fill(1), 199998]).buffer);
    expect((await inProcess(['decode', '-e', 'o200k_base', '--dtype', 'uint32'], { input: binary })).stderr).toContain('id 199998 (the 300001st id) is not a token');
    expect(getEncoding('o200k_base').nVocab).toBeGreaterThan(200010); // ids below nVocab: the library's own check finds them
  });
});
