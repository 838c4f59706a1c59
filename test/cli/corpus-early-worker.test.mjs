// With more than one thread, the first encoding worker starts before the reading thread loads its
// encoding, so that the two start-ups overlap. A preloaded hook (test/support/worker-trace.cjs)
// records the order of the two on the main thread. The early start must change nothing else: an
// argument error found after it still reads as before and leaves nothing; a worker that dies as
// it starts leaves the run to the reading thread, with the one-thread output.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, listing, readCorpus, tempDir } from '../support/cli.mjs';

const HOOK = fileURLToPath(new URL('../support/worker-trace.cjs', import.meta.url));
const dir = tempDir('turbotoken-corpus-early-worker-');
// About 3 MB: a few blocks, so a pool with a ready worker would post to it.
const lines = [];
for (let i = 0; i < 6000; i++) lines.push(JSON.stringify({ text: `Document ${i}: ${'the quick brown fox jumps over the lazy dog; '.repeat(10)}` }));
writeFileSync(path.join(dir, 'in.jsonl'), lines.join('\n') + '\n');

function traced(name, args, env = {}) {
  const trace = path.join(dir, `${name}.trace`);
  const result = cli(['corpus', '-e', 'cl100k_base', '--no-progress', '-q', ...args], {
    cwd: dir,
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} -r ${HOOK}`, TRACE_OUT: trace, ...env },
  });
  return { ...result, events: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('corpus: the first worker starts before the encoding loads', () => {
  const single = traced('single', ['in.jsonl', '--out', 'single.bin', '--threads', '1']);

  it('one thread starts no worker', () => {
    expect(single.status).toBe(0);
    expect(single.events).toEqual(['load cl100k_base.tkv']);
  });

  it('two threads: the worker is created before the vocabulary is read, and the output is the one-thread output', () => {
    const run = traced('two', ['in.jsonl', '--out', 'two.bin', '--threads', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.events).toEqual(['worker', 'load cl100k_base.tkv']);
    expect(readCorpus(path.join(dir, 'two')).bin.equals(readCorpus(path.join(dir, 'single')).bin)).toBe(true);
  });

  it('an argument error after the start reads as with one thread and writes nothing', () => {
    const before = listing(dir).filter((f) => !f.endsWith('.trace'));
    const one = traced('bad1', ['in.jsonl', '--out', 'bad/', '--threads', '1']);
    const two = traced('bad2', ['in.jsonl', '--out', 'bad/', '--threads', '2']);
    expect(two.events[0]).toBe('worker');
    expect(two.status).toBe(2);
    expect(two.stderr).toBe(one.stderr);
    expect(listing(dir).filter((f) => !f.endsWith('.trace'))).toEqual(before);
  });

  it('a worker that dies as it starts leaves the one-thread result', () => {
    const run = traced('dies', ['in.jsonl', '--out', 'dies.bin', '--threads', '2'], { TRACE_FAIL_WORKERS: '1' });
    expect(run.events[0]).toBe('worker');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(readCorpus(path.join(dir, 'dies')).bin.equals(readCorpus(path.join(dir, 'single')).bin)).toBe(true);
  });
});
