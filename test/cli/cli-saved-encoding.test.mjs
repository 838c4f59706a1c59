// The command with --tokenizer FILE where FILE is an encoding saved with Encoding#save: the ids of
// the encoding it was saved from, in encode, count, decode and the corpus's worker threads; a
// damaged file is refused with the reason.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { cli, documents, readCorpus, tempDir } from '../support/cli.mjs';
import { expectCliIds, THINK_ID, THINK_TEXT, thinkTokenizerJson } from '../support/cli-tokenizer-file.mjs';

const dir = tempDir('turbotoken-cli-saved-');
const enc = Encoding.fromTokenizerJson(thinkTokenizerJson());
const file = path.join(dir, 'saved.ttenc');
enc.save(file);
const text = THINK_TEXT;

describe('turbotoken --tokenizer SAVED_FILE', () => {
  it('encode, count and decode give the saved encoding\'s ids', () => {
    const ids = [...enc.encode(text)];
    expect(ids).toContain(THINK_ID);
    const out = expectCliIds(['--tokenizer', file], text, ids);
    expect(cli(['decode', '--tokenizer', file], { input: out.stdout }).stdout).toBe(text);
  });

  it('a saved shipped encoding is that encoding', () => {
    const shipped = path.join(dir, 'cl100k.ttenc');
    getEncoding('cl100k_base').save(shipped);
    const out = cli(['encode', '--tokenizer', shipped, '--special', 'ordinary'], { input: 'hello world' });
    expect(out.stdout.trim().split(' ').map(Number)).toEqual([...getEncoding('cl100k_base').encode('hello world')]);
  });

  it('corpus workers load the same file', () => {
    const docs = path.join(dir, 'docs.jsonl');
    writeFileSync(docs, Array.from({ length: 20 }, (_, k) => JSON.stringify({ text: `${text} ${k} <think>${'x'.repeat(k)}` })).join('\n') + '\n');
    const out = path.join(dir, 'out.bin');
    const run = cli(['corpus', docs, '--tokenizer', file, '--special', 'all', '--threads', '2', '--out', out, '--quiet']);
    expect(run.stderr).toBe('');
    const got = documents(readCorpus(out.slice(0, -4)));
    expect(got.length).toBe(20);
    got.forEach((ids, k) => expect(ids).toEqual([...enc.encode(`${text} ${k} <think>${'x'.repeat(k)}`)]));
  });

  it('refuses a damaged saved file with the reason', () => {
    const bad = Buffer.from(readFileSync(file));
    bad[bad.length - 10] ^= 1;
    const damaged = path.join(dir, 'damaged.ttenc');
    writeFileSync(damaged, bad);
    const run = cli(['count', '--tokenizer', damaged], { input: 'x' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('checksum');
  });
});
