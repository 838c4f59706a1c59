// `turbotoken train`: the vocabulary it writes equals train()'s on the same documents, read from a
// text file and a .jsonl.gz's --field; the .tiktoken loads as an Encoding and the tokenizer.json
// as Hugging Face's tokenizer, both giving the trained ids; special tokens get the ids printed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Encoding, train } from '../../index.mjs';
import { cli, listing, tempDir } from '../support/cli.mjs';
import { hfIdsOf, hfTokenizerFromJson } from '../support/models-hf.mjs';

describe('turbotoken train', () => {
  const dir = tempDir('train-cli-');
  const prose = 'The cat sat on the mat. The dog sat on the log.\n'.repeat(30) + 'Ünïcödé 😀 12345\n';
  const records = ['first record about cats', 'second record about dogs', 'third: cats and dogs'];
  writeFileSync(path.join(dir, 'a.txt'), prose);
  writeFileSync(path.join(dir, 'b.jsonl.gz'), gzipSync(records.map((text) => JSON.stringify({ id: 1, body: text })).join('\n') + '\n'));
  const out = path.join(dir, 'v.tiktoken');
  const json = path.join(dir, 'v.json');
  const run = cli(['train', path.join(dir, 'a.txt'), path.join(dir, 'b.jsonl.gz'), '--field', 'body', '--vocab-size', '300', '--special', '<|endoftext|>', '--tie-break', 'huggingface', '--out', out, '--tokenizer-json', json]);

  it('exits 0 and names the special token ids', () => {
    expect(run.stderr).toMatch(/<\|endoftext\|>=\d+/);
    expect(run.status).toBe(0);
    expect(listing(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes what train() makes of the same documents', async () => {
    const expected = train([prose, ...records], { vocabSize: 300, specialTokens: ['<|endoftext|>'], tieBreak: 'huggingface' });
    expect(readFileSync(out, 'utf8')).toBe(expected.toTiktoken());
    const id = expected.encoding.specialTokens['<|endoftext|>'];
    expect(run.stderr).toContain(`<|endoftext|>=${id}`);
    const loaded = new Encoding({ name: 'v', pattern: expected.pattern, ranks: out, specialTokens: { '<|endoftext|>': id } });
    const texts = [prose, ...records, 'unseen text: 𠜎 cats'];
    const hf = await hfIdsOf(hfTokenizerFromJson(JSON.parse(readFileSync(json, 'utf8'))), texts);
    texts.forEach((t, k) => {
      expect(Array.from(loaded.encode(t))).toEqual(Array.from(expected.encoding.encode(t)));
      expect(hf[k]).toEqual(Array.from(expected.encoding.encode(t)));
    });
  });

  it('refuses a missing --vocab-size or --out with exit 2', () => {
    expect(cli(['train', path.join(dir, 'a.txt'), '--out', out]).status).toBe(2);
    expect(cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '300']).status).toBe(2);
    expect(cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '300', '--out', out, '--tie-break', 'x']).status).toBe(2);
  });

  it('writes no file when the pattern has no Oniguruma spelling for the tokenizer.json', () => {
    const other = path.join(dir, 'w.tiktoken');
    const run = cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '300', '--pattern', 'x(?i)y|z|.|\\n', '--out', other, '--tokenizer-json', path.join(dir, 'w.json')]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('option group');
    expect(listing(dir).filter((f) => f.startsWith('w.'))).toEqual([]);
  });
});
