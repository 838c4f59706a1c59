// The command with --tokenizer FILE (a Hugging Face tokenizer.json) wherever it takes --encoding:
// the ids of Encoding.fromTokenizerJson, Hugging Face's added-token rule by default, and the
// corpus's worker threads loading the same file.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { cli } from '../support/cli-in-process.mjs';
import { documents, readCorpus, tempDir } from '../support/cli.mjs';
import { expectCliIds, THINK_ID, THINK_TEXT, thinkTokenizerJson } from '../support/cli-tokenizer-file.mjs';

const dir = tempDir('turbotoken-cli-tokenizer-');
const json = thinkTokenizerJson();
const file = path.join(dir, 'tokenizer.json');
writeFileSync(file, JSON.stringify(json));
const enc = Encoding.fromTokenizerJson(file);
const text = THINK_TEXT;

describe('turbotoken --tokenizer FILE', () => {
  it('encode and count give the library\'s ids, added tokens as ids by default', async () => {
    const ids = [...enc.encode(text)];
    expect(ids).toContain(THINK_ID);
    expectCliIds(['--tokenizer', file], text, ids);
    // And not the default o200k_base's.
    expect((await cli(['encode'], { input: 'Hello' })).stdout.trim()).not.toBe((await cli(['encode', '--tokenizer', file], { input: 'Hello' })).stdout.trim());
  });

  it('--special ordinary and error as for --encoding', async () => {
    const ordinary = await cli(['encode', '--tokenizer', file, '--special', 'ordinary'], { input: text });
    expect(ordinary.stdout.trim().split(' ').map(Number)).toEqual([...enc.encode(text, { splitSpecialTokens: true })]);
    const error = await cli(['encode', '--tokenizer', file, '--special', 'error'], { input: text });
    expect(error.status).not.toBe(0);
    expect(error.stderr).toContain('<think>');
  });

  it('decode reads the ids back', async () => {
    const ids = (await cli(['encode', '--tokenizer', file], { input: text })).stdout;
    expect((await cli(['decode', '--tokenizer', file], { input: ids })).stdout).toBe(text);
  });

  it('corpus writes the same ids on 1 and 2 threads', async () => {
    const docs = path.join(dir, 'docs.jsonl');
    writeFileSync(docs, Array.from({ length: 40 }, (_, k) => JSON.stringify({ text: `${text} document ${k} <think>${'x'.repeat(k)}` })).join('\n') + '\n');
    for (const threads of ['1', '2']) {
      const out = path.join(dir, `out${threads}.bin`);
      const run = await cli(['corpus', docs, '--tokenizer', file, '--special', 'all', '--threads', threads, '--out', out, '--quiet']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const got = documents(readCorpus(out.slice(0, -4)));
      expect(got.length).toBe(40);
      got.forEach((ids, k) => expect(ids).toEqual([...enc.encode(`${text} document ${k} <think>${'x'.repeat(k)}`)]));
    }
  });

  it('refuses --tokenizer with --encoding or --model, and names the key of a file it cannot load', async () => {
    for (const other of [['--encoding', 'cl100k_base'], ['--model', 'gpt-4o']]) {
      const run = await cli(['count', '--tokenizer', file, ...other], { input: 'x' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('--tokenizer');
    }
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...json, model: { ...json.model, byte_fallback: true } }));
    const run = await cli(['count', '--tokenizer', bad], { input: 'x' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('model.byte_fallback');
    const missing = await cli(['count', '--tokenizer', path.join(dir, 'none.json')], { input: 'x' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('none.json');
  });
});
