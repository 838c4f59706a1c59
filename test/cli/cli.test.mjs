// The turbotoken command: encode/count/decode against the library, corpus files read back
// document by document (uint16 and uint32), EOT, JSONL, shards, threads, and every kind of bad
// input (exit code, message, nothing left behind). Its main() runs in this process; the bin script
// as users run it (a child, stdin a pipe, the exit status) has the cases marked "child".
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cli as child, documents, listing, readCorpus, tempDir } from '../support/cli.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { corpusSamples } from '../support/corpus-samples.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const dir = tempDir();
const docsDir = path.join(dir, 'docs');
// [relative path, expected document texts or bytes] in the CLI's order (sorted paths).
let expected = [];

function byPath(a, b) {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

beforeAll(() => {
  const next = rng(0xc11);
  mkdirSync(path.join(docsDir, 'sub', 'deeper'), { recursive: true });
  const files = [];
  corpusSamples(2).forEach(({ bytes }, i) => files.push([`docs/${i % 3 ? 'sub/' : ''}sample-${String(i).padStart(2, '0')}.txt`, bytes]));
  // Larger than the 1 MB read size, so documents span reads; special-token text is ordinary here.
  files.push(['docs/sub/deeper/big.txt', Buffer.from(Array.from({ length: 2500 }, () => randomText(next, 30)).join('\n'))]);
  files.push(['docs/empty.txt', Buffer.alloc(0)]);
  files.push(['docs/invalid.txt', Buffer.from([0x61, 0x20, 0xff, 0xc3, 0x28, 0x62, 0xe2, 0x82])]);
  const lines = [...PARAGRAPHS, ...Array.from({ length: 40 }, () => randomText(next, 25))];
  const jsonl = lines.map((text, i) => JSON.stringify({ id: i, text }) + (i % 7 === 3 ? '\r\n' : '\n') + (i % 9 === 4 ? '\n  \n' : '')).join('');
  files.push(['docs/sub/lines.jsonl', Buffer.from(jsonl)]);
  for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
  expected = files.sort(byPath).flatMap(([name, bytes]) => (name.endsWith('.jsonl') ? lines.map((text) => [name, text]) : [[name, bytes]]));
});

const runIn = (args, options = {}) => cli(args, { cwd: dir, ...options });

describe('encode, count, decode', () => {
  const enc = getEncoding('o200k_base');
  const text = PARAGRAPHS.join('\n') + ' <|endoftext|> ' + randomText(rng(5), 200);

  it('encode prints the ids of encode(), as text or JSON, from stdin or files', async () => {
    writeFileSync(path.join(dir, 'one.txt'), text);
    const ordinary = await cli(['encode', '--special', 'ordinary'], { input: text });
    expect(ordinary.status).toBe(0);
    expect(ordinary.stdout).toBe(`${[...enc.encodeOrdinary(text)].join(' ')}\n`);
    const json = await runIn(['encode', '--special=all', '--format', 'json', '-e', 'cl100k_base', 'one.txt', '-']);
    const [fromFile, fromStdin] = json.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(fromFile).toEqual([...getEncoding('cl100k_base').encode(text, { allowedSpecial: 'all' })]);
    expect(fromStdin).toEqual([]);
    expect((await cli(['encode', '--model', 'gpt-4'], { input: 'hello world' })).stdout).toBe('15339 1917\n');
  });

  it('count prints encode().length, per file and in total for several', async () => {
    expect((await cli(['count', '--special', 'all'], { input: text })).stdout).toBe(`${enc.count(text, { allowedSpecial: 'all' })}\n`);
    writeFileSync(path.join(dir, 'two.txt'), 'hello world');
    const out = await runIn(['count', '-e', 'r50k_base', 'two.txt', 'two.txt']);
    expect(out.stdout).toBe('2\ttwo.txt\n2\ttwo.txt\n4\ttotal\n');
  });

  it('decode reads what encode prints (text or JSON) and binary ids, back to the text', async () => {
    const ids = (await cli(['encode', '--special', 'all'], { input: text })).stdout;
    expect((await cli(['decode'], { input: ids })).stdout).toBe(text);
    const json = (await cli(['encode', '--special', 'all', '--format', 'json'], { input: text })).stdout;
    expect((await cli(['decode'], { input: json })).stdout).toBe(text);
    const r50k = getEncoding('r50k_base');
    const u16 = Buffer.from(new Uint16Array(r50k.encodeOrdinary(text)).buffer);
    expect((await cli(['decode', '-e', 'r50k_base', '--dtype', 'uint16'], { input: u16 })).stdout).toBe(text);
  });

  it('reports bad input with the file, a message and exit code 1', async () => {
    // child: stdin a pipe, and the process's exit status.
    const special = child(['encode'], { input: 'a <|endoftext|>' });
    expect(special.status).toBe(1);
    expect(special.stderr).toMatch(/<stdin>: .*<\|endoftext\|>.*--special=all/);
    writeFileSync(path.join(dir, 'bad-bytes.txt'), Buffer.from([0x61, 0x62, 0xc3]));
    const invalid = await runIn(['count', '--invalid', 'fail', 'bad-bytes.txt']);
    expect([invalid.status, invalid.stderr]).toEqual([1, expect.stringContaining('bad-bytes.txt: invalid UTF-8 at byte 2')]);
    expect((await runIn(['count', 'bad-bytes.txt'])).stdout).toBe(`${enc.count(Buffer.from([0x61, 0x62, 0xc3]))}\n`);
    expect((await runIn(['encode', 'nope.txt'])).stderr).toContain('nope.txt: no such file or directory');
    expect((await cli(['decode'], { input: '1 2 x' })).stderr).toContain('found "x" at byte 4');
    expect((await cli(['decode', '-e', 'gpt2'], { input: '1 99999' })).stderr).toContain('id 99999 (the 2nd id) is not a token');
    expect((await cli(['decode', '--dtype', 'uint32'], { input: Buffer.from([1, 0, 0]) })).stderr).toContain('3 trailing bytes');
  });

  it('runs side by side in one process, each run with its own stdin, stdout and stderr', async () => {
    const inputs = ['hello world', PARAGRAPHS.join('\n'), 'a <|endoftext|>', PARAGRAPHS[0]];
    const runs = await Promise.all(inputs.map((input) => cli(['count'], { input })));
    const want = (input) => (input.includes('<|') ? [1, '', expect.stringContaining('<stdin>: ')] : [0, `${enc.count(input)}\n`, '']);
    expect(runs.map(({ status, stdout, stderr }) => [status, stdout, stderr])).toEqual(inputs.map(want));
  });

  it('rejects a wrong command line with exit code 2', async () => {
    for (const args of [['frob'], ['encode', '--bogus'], ['encode', '--format', 'xml'], ['encode', '-e', 'nope'], ['count', '-e', 'gpt2', '-m', 'gpt-4']]) {
      const run = await cli(args, { input: '' });
      expect([args, run.status]).toEqual([args, 2]);
      expect(run.stderr).toMatch(/^turbotoken: /);
    }
    // child: the bin script, and a usage error's exit status.
    expect(child(['--help']).stdout).toContain('Usage: turbotoken');
    expect(child(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(child(['frob']).status).toBe(2);
  });
});

function expectCorpus(base, name, { appendEot = false } = {}) {
  const enc = getEncoding(name);
  const corpus = readCorpus(path.join(dir, base));
  const docs = documents(corpus);
  expect(docs.length).toBe(expected.length);
  expected.forEach(([file, doc], i) => {
    const ids = [...enc.encodeOrdinary(doc)];
    if (appendEot) ids.push(enc.eotToken);
    if (docs[i].join() !== ids.join()) expect.fail(`${name}: document ${i} (${file}) differs`);
  });
  expect(corpus.header).toMatchObject({ encoding: name, documents: expected.length, tokens: corpus.ids.length, appendEot, dtype: enc.nVocab <= 65536 ? 'uint16' : 'uint32' });
  return corpus;
}

describe('corpus', () => {
  it('writes uint16 ids for r50k_base: each document reads back as encodeOrdinary of it', async () => {
    const run = await runIn(['corpus', 'docs', '--out', 'r50k.bin', '-e', 'r50k_base']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^turbotoken corpus: \d+ documents, .* tokens \([\d.]+ bytes\/token\) in .* MB\/s/);
    expect(run.stderr).toContain('warning: invalid UTF-8 read as U+FFFD in 1 file(s), first docs/invalid.txt at byte 2');
    const corpus = expectCorpus('r50k', 'r50k_base');
    expect(corpus.header.files.map((f) => f.path)).toEqual([...new Set(expected.map(([file]) => file))]);
  });

  it('writes uint32 ids for o200k_base, with --append-eot, identically on 1 and 2 threads', async () => {
    expect((await runIn(['corpus', 'docs', '--out', 'o200k.bin', '--append-eot', '-q'])).stderr).toBe('');
    expectCorpus('o200k', 'o200k_base', { appendEot: true });
    expect((await runIn(['corpus', 'docs', '-o', 'threads.bin', '--append-eot', '--threads', '2', '-q'])).status).toBe(0);
    for (const ext of ['bin', 'idx']) expect(readFileSync(path.join(dir, `threads.${ext}`)).equals(readFileSync(path.join(dir, `o200k.${ext}`)))).toBe(true);
    const strip = (file) => readFileSync(path.join(dir, file), 'utf8').replace(/"(threads|o200k)\./g, '"');
    expect(strip('threads.json')).toBe(strip('o200k.json'));
  });

  it('shards are contiguous and concatenate to the single run, .jsonl split mid-file included', async () => {
    const whole = readCorpus(path.join(dir, 'o200k'));
    for (const n of [2, 3, 7]) {
      const parts = [];
      for (let i = 0; i < n; i++) {
        const run = await runIn(['corpus', 'docs', '-o', `shard-${i}-of-${n}.bin`, '--append-eot', '--shard', `${i}/${n}`, '--threads', String(1 + (i % 2)), '-q']);
        expect(run.status).toBe(0);
        parts.push(readCorpus(path.join(dir, `shard-${i}-of-${n}`)));
      }
      expect(Buffer.concat(parts.map((p) => p.bin)).equals(whole.bin)).toBe(true);
      let base = 0;
      const offsets = [0];
      for (const part of parts) {
        offsets.push(...part.offsets.slice(1).map((o) => o + base));
        base += part.ids.length;
      }
      expect(offsets).toEqual(whole.offsets);
      expect(parts.reduce((sum, p) => sum + p.header.documents, 0)).toBe(whole.header.documents);
    }
  });

  it('--shard auto reads the scheduler\'s variables from the environment main() is given', async () => {
    const env = { JOB_COMPLETION_INDEX: '1', TURBOTOKEN_SHARD_COUNT: '2' };
    expect((await runIn(['corpus', 'docs', '-o', 'auto-1.bin', '--shard', 'auto', '-q'], { env })).status).toBe(0);
    expect((await runIn(['corpus', 'docs', '-o', 'fixed-1.bin', '--shard', '1/2', '-q'])).status).toBe(0);
    for (const ext of ['bin', 'idx']) expect(readFileSync(path.join(dir, `auto-1.${ext}`)).equals(readFileSync(path.join(dir, `fixed-1.${ext}`)))).toBe(true);
    expect(readCorpus(path.join(dir, 'auto-1')).header.documents).toBeLessThan(expected.length);
  });

  it('reads .jsonl with --field, a byte-order mark and files found by glob', async () => {
    const sub = path.join(dir, 'glob');
    mkdirSync(path.join(sub, 'x'), { recursive: true });
    writeFileSync(path.join(sub, 'x', 'b.jsonl'), '\ufeff{"body":"one <|endoftext|>"}\n{"body":"two","text":5}');
    writeFileSync(path.join(sub, 'a.jsonl'), '{"body":"zero"}\n');
    writeFileSync(path.join(sub, 'x', 'skip.txt'), 'not matched');
    const run = await runIn(['corpus', 'glob/**/*.jsonl', '--field', 'body', '-o', 'glob.bin', '--special', 'all', '-q']);
    expect(run.status).toBe(0);
    const enc = getEncoding('o200k_base');
    const want = ['zero', 'one <|endoftext|>', 'two'].map((t) => [...enc.encode(t, { allowedSpecial: 'all' })]);
    expect(documents(readCorpus(path.join(dir, 'glob')))).toEqual(want);
  });

  it('never reads its own output back when it lies among the inputs', async () => {
    const own = path.join(dir, 'own');
    mkdirSync(own);
    writeFileSync(path.join(own, 'doc.txt'), 'just one document');
    for (let run = 0; run < 2; run++) expect((await runIn(['corpus', 'own', '--out', 'own/tokens.bin', '-q'])).status).toBe(0);
    expect(readCorpus(path.join(own, 'tokens')).header.files.map((f) => f.path)).toEqual(['own/doc.txt']);
  });

  it('draws a progress bar only when asked or on a TTY', async () => {
    const run = await runIn(['corpus', 'docs/sub/deeper', '-o', 'progress.bin', '--progress']);
    expect(run.stderr).toMatch(/\[[= ]+\] +[\d.]+%.*MB\/s +ETA/);
    expect((await runIn(['corpus', 'docs/sub/deeper', '-o', 'progress.bin'])).stderr).not.toContain('ETA');
  });
});

describe('corpus bad input: a message, exit code != 0, no output files', () => {
  let bad;
  beforeAll(async () => {
    bad = path.join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'ok.txt'), 'fine text');
    writeFileSync(path.join(bad, 'invalid.txt'), Buffer.concat([Buffer.from('x'.repeat(3 << 20)), Buffer.from([0xed, 0xa0, 0x80])]));
    writeFileSync(path.join(bad, 'invalid.jsonl'), Buffer.concat([Buffer.from('{"text":"a"}\n{"text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}\n')]));
    writeFileSync(path.join(bad, 'notjson.jsonl'), '{"text":"a"}\n\n{"text": oops}\n');
    writeFileSync(path.join(bad, 'nofield.jsonl'), '{"text":"a"}\n{"body":"b"}\n');
    writeFileSync(path.join(bad, 'numfield.jsonl'), '{"text":"a"}\n{"text":42}\n');
    writeFileSync(path.join(bad, 'special.txt'), 'a <|endoftext|>');
    symlinkSync(path.join(bad, 'missing-target'), path.join(bad, 'dangling.txt'));
    mkdirSync(path.join(bad, 'empty-dir'));
  });

  const cases = [
    ['invalid UTF-8 with --invalid=fail', ['bad/ok.txt', 'bad/invalid.txt', '--invalid=fail'], 1, `bad/invalid.txt: invalid UTF-8 at byte ${3 << 20}`],
    ['invalid UTF-8 in a .jsonl line', ['bad/invalid.jsonl', '--invalid', 'fail'], 1, 'bad/invalid.jsonl: invalid UTF-8 at line 2 (byte 22)'],
    ['a line that is not JSON', ['bad/notjson.jsonl'], 1, 'bad/notjson.jsonl:3: not valid JSON'],
    ['a line without the field', ['bad/nofield.jsonl'], 1, 'bad/nofield.jsonl:2: no string field "text"'],
    ['a field that is not a string', ['bad/numfield.jsonl'], 1, 'bad/numfield.jsonl:2: no string field "text"'],
    ['a missing file', ['bad/ok.txt', 'bad/nope.txt'], 1, 'bad/nope.txt: no such file or directory'],
    ['an unreadable file (dangling link)', ['bad/dangling.txt'], 1, 'bad/dangling.txt: no such file or directory'],
    ['a glob that matches nothing', ['bad/*.csv'], 1, 'bad/*.csv: no files match'],
    ['a directory without files', ['bad/empty-dir'], 1, 'No input files'],
    ['a disallowed special token', ['bad/special.txt', '--special', 'error'], 1, 'bad/special.txt: The text contains a special token that is not allowed: <|endoftext|>'],
    ['the same on worker threads', ['bad/ok.txt', 'bad/special.txt', '--special', 'error', '--threads', '2'], 1, 'bad/special.txt: The text contains'],
    ['no inputs', [], 2, 'needs input files'],
    ['a bad shard', ['bad/ok.txt', '--shard', '2/2'], 2, '--shard must be i/n'],
    ['stdin with --shard (a stream has no size to shard by)', ['-', '--shard', '0/2'], 2, '--shard needs files of known size; stdin is a stream'],
    ['an --out that names a directory', ['bad/ok.txt', '--out', 'bad/'], 2, '--out must name a file'],
    ['an --out that is only the suffix', ['bad/ok.txt', '--out', 'bad/.bin'], 2, '--out must name a file'],
    ['a shard count past 2^53 (it would round)', ['bad/ok.txt', '--shard', '0/99999999999999999999'], 2, '--shard must be i/n'],
    ['bad threads', ['bad/ok.txt', '--threads', 'many'], 2, '--threads must be a whole number'],
    ['an option without its value', ['bad/ok.txt', '--field'], 2, '--field needs a value'],
  ];

  it.each(cases)('%s', async (_label, args, status, message) => {
    const run = await runIn(['corpus', '--out', 'bad/out.bin', ...args]);
    expect(run.status).toBe(status);
    expect(run.stderr).toContain(message);
    // No output, and no hidden .bin, .idx or .json from an --out without a file name.
    expect(listing(bad).filter((name) => name.startsWith('out.') || name.startsWith('.'))).toEqual([]);
  });

  it('an unwritable output: under a file, or a directory', async () => {
    const under = await runIn(['corpus', 'bad/ok.txt', '--out', 'bad/ok.txt/out.bin']);
    expect([under.status, under.stderr]).toEqual([1, expect.stringContaining('cannot write bad/ok.txt/out.bin: a path component is not a directory')]);
    mkdirSync(path.join(bad, 'dir.idx'));
    const isDir = await runIn(['corpus', 'bad/ok.txt', '--out', 'bad/dir.bin']);
    expect([isDir.status, isDir.stderr]).toEqual([1, expect.stringContaining('bad/dir.idx: is a directory')]);
    expect(listing(bad).filter((name) => name.startsWith('dir.'))).toEqual(['dir.idx']);
  });
});
