// JSON lines are parsed where they are encoded (worker threads with --threads 2, inline with 1),
// in blocks of about 1 MB that the reading thread cuts. A failure found there must still name
// the file and its line (or, for a shard that starts inside a file, the line's byte offset), the
// earliest failure in the input must be the one reported, and nothing may be written. The bad
// lines sit a few blocks into the file, where only counting every block's lines gets them right.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli-in-process.mjs';
import { listing, readCorpus, tempDir } from '../support/cli.mjs';

const dir = tempDir('turbotoken-corpus-worker-errors-');
const run = (args) => cli(['corpus', '-e', 'cl100k_base', '--no-progress', '-q', ...args], { cwd: dir });

const LINES = 3000;
// About 1.1 KB a line: the file is about three blocks, so line 2500 is in the third.
const good = (i) => JSON.stringify({ id: i, text: `Document ${i}: ${'the quick brown fox jumps over the lazy dog; '.repeat(24)}` });

// A .jsonl file of LINES lines where `bad` maps 1-based line numbers to their raw bytes.
function jsonl(name, bad) {
  const lines = [];
  for (let i = 1; i <= LINES; i++) lines.push(bad[i] ?? Buffer.from(good(i)));
  const bytes = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
  writeFileSync(path.join(dir, name), bytes);
  return bytes;
}

// The byte offset of 1-based `line` in `bytes`.
function lineOffset(bytes, line) {
  let at = 0;
  for (let i = 1; i < line; i++) at = bytes.indexOf(0x0a, at) + 1;
  return at;
}

const jsonParseMessage = (text) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error.message;
  }
  throw new Error('parsed');
};

const BAD_JSON = '{"text": oops}';
const INVALID = Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);

const notJson = jsonl('notjson.jsonl', { 2500: Buffer.from(BAD_JSON) });
const noField = jsonl('nofield.jsonl', { 2600: Buffer.from('{"body":"b"}') });
const invalid = jsonl('invalid.jsonl', { 2700: INVALID });
const twoBad = jsonl('twobad.jsonl', { 1500: Buffer.from(BAD_JSON), 2900: Buffer.from('{"body":"b"}') });
jsonl('special.jsonl', { 2400: Buffer.from(JSON.stringify({ text: 'a <|endoftext|> b' })) });
writeFileSync(path.join(dir, 'notjson.jsonl.gz'), gzipSync(notJson));

const failing = async (threads, args, message) => {
  const before = listing(dir);
  const result = await run([...args, '--threads', String(threads), '--out', 'out.bin']);
  expect([result.status, result.stderr]).toEqual([1, expect.stringContaining(message)]);
  expect(listing(dir)).toEqual(before);
};

// Inline (--threads 1) runs the same parser and pipeline as the workers: the cases that count
// lines and bytes across blocks run on both, the rest on workers only.
describe.each([1, 2])('--threads %i', (threads) => {
  it('a line that is not JSON: file, line and JSON.parse message', async () => {
    await failing(threads, ['notjson.jsonl'], `notjson.jsonl:2500: not valid JSON (${jsonParseMessage(BAD_JSON)})`);
  });

  it('invalid UTF-8 with --invalid=fail: line and byte offset in the file', async () => {
    await failing(threads, ['invalid.jsonl', '--invalid=fail'], `invalid.jsonl: invalid UTF-8 at line 2700 (byte ${lineOffset(invalid, 2700) + 13})`);
  });

  it('of two bad lines in different blocks, the first is reported', async () => {
    await failing(threads, ['twobad.jsonl'], `twobad.jsonl:1500: not valid JSON`);
  });

  it('a shard that starts inside the file names the line by its byte offset', async () => {
    // The shard's range starts halfway into the file, before line 2500.
    await failing(threads, ['notjson.jsonl', '--shard', '1/2'], `notjson.jsonl: the line at byte ${lineOffset(notJson, 2500)}: not valid JSON`);
  });
});

describe('--threads 2', () => {
  const threads = 2;

  it('the same in a gzip-compressed file', async () => {
    await failing(threads, ['notjson.jsonl.gz'], `notjson.jsonl.gz:2500: not valid JSON (${jsonParseMessage(BAD_JSON)})`);
  });

  it('a line without the field', async () => {
    await failing(threads, ['nofield.jsonl'], 'nofield.jsonl:2600: no string field "text"');
  });

  it('of two files, the failure in the first is reported', async () => {
    await failing(threads, ['nofield.jsonl', 'notjson.jsonl'], 'nofield.jsonl:2600: no string field "text"');
  });

  it('a disallowed special token names the file', async () => {
    await failing(threads, ['special.jsonl', '--special', 'error'], 'special.jsonl: The text contains a special token that is not allowed: <|endoftext|>');
  });

  it('--invalid=replace: the warning names the byte offset of the first ill-formed byte', async () => {
    const result = await cli(['corpus', '-e', 'cl100k_base', '--no-progress', 'invalid.jsonl', '--threads', String(threads), '--out', `replaced-${threads}.bin`], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning: invalid UTF-8 read as U+FFFD in 1 file(s), first invalid.jsonl at byte ${lineOffset(invalid, 2700) + 13}`);
    expect(readCorpus(path.join(dir, `replaced-${threads}`)).header.documents).toBe(LINES);
  });
});
