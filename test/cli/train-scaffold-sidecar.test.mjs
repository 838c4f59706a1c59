// `turbotoken train --algorithm scaffold` writes a version-2 sidecar holding the merge of each
// scaffold token, and `encode --tokenizer v.tiktoken` loads the pair as a Scaffold-BPE encoding:
// its ids equal those of the in-memory encoding train() makes (no scaffold id among them), where the
// ranks alone would return scaffold ids. A plain BPE sidecar records algorithm 'bpe'. A sidecar whose
// scaffold merge does not join its tokens' bytes is refused, naming the file; --algorithm scaffold
// with --tokenizer-json is a usage error that writes nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, train } from '../../index.mjs';
import { cli, tempDir } from '../support/cli.mjs';
import { stemCorpus } from '../support/train-corpora.mjs';

// Stems with suffixes: fragments such as a stem alone become scaffold tokens once the longer words are tokens.
const stemText = (seed, docs) => stemCorpus(seed, docs).join('');

const idsOf = (run) => {
  expect(run.status).toBe(0);
  return run.stdout.trim().split(/\s+/).map(Number);
};

describe('a Scaffold-BPE .tiktoken and its sidecar', () => {
  const dir = tempDir('train-scaffold-sidecar-');
  const corpus = stemText(7, 400);
  writeFileSync(path.join(dir, 'a.txt'), corpus);
  const out = path.join(dir, 'v.tiktoken');
  const run = cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '330', '--algorithm', 'scaffold', '--special', '<|endoftext|>', '--out', out]);
  const expected = train([corpus], { vocabSize: 330, algorithm: 'scaffold', specialTokens: ['<|endoftext|>'] });
  const texts = [corpus.slice(0, 3000), ' lowestly smallestaa newer tallest wider abab 😀 unseen <|endoftext|> ab'];

  it('train --algorithm scaffold writes a version-2 sidecar with the scaffold merges', () => {
    expect(run.status).toBe(0);
    expect(expected.scaffold.length).toBeGreaterThan(0);
    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(sidecar).toMatchObject({ version: 2, algorithm: 'scaffold' });
    expect(sidecar.scaffold.map((m) => m[0])).toEqual(Array.from(expected.scaffold));
    expect(readFileSync(`${out}.json`, 'utf8')).toBe(expected.toTiktokenSidecar());
    expect(readFileSync(out, 'utf8')).toBe(expected.toTiktoken());
  });

  it('encode --tokenizer demerges scaffold tokens as the in-memory encoding does', () => {
    const scaffold = new Set(expected.scaffold);
    // The ranks alone merge into scaffold tokens: what the sidecar's merges must undo.
    const plain = new Encoding({ name: 'ranks-only', pattern: expected.pattern, ranks: out, specialTokens: expected.encoding.specialTokens });
    let undone = 0;
    for (const text of texts) {
      const got = idsOf(cli(['encode', '--tokenizer', out, '--special', 'all'], { input: text }));
      expect(got).toEqual(Array.from(expected.encoding.encode(text, { allowedSpecial: 'all' })));
      expect(got.some((id) => scaffold.has(id))).toBe(false);
      if (Array.from(plain.encode(text, { allowedSpecial: 'all' })).some((id) => scaffold.has(id))) undone++;
    }
    expect(undone).toBeGreaterThan(0);
  });

  it('a BPE sidecar records the algorithm and stays version 1', () => {
    const sidecar = JSON.parse(train([corpus], { vocabSize: 300 }).toTiktokenSidecar());
    expect(sidecar).toMatchObject({ version: 1, algorithm: 'bpe' });
    expect(sidecar.scaffold).toBeUndefined();
  });

  it('a scaffold merge that does not join its tokens is refused, naming the sidecar', () => {
    const bad = path.join(dir, 'bad.tiktoken');
    writeFileSync(bad, readFileSync(out));
    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    const [id, left, right] = sidecar.scaffold[0];
    sidecar.scaffold[0] = [id, right, left === right ? 0 : left];
    writeFileSync(`${bad}.json`, JSON.stringify(sidecar));
    const r = cli(['encode', '--tokenizer', bad], { input: 'lowest' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.tiktoken.json');
    sidecar.version = 1;
    sidecar.scaffold[0] = [id, left, right];
    writeFileSync(`${bad}.json`, JSON.stringify(sidecar));
    expect(cli(['encode', '--tokenizer', bad], { input: 'lowest' }).status).toBe(2);
  });

  it('--algorithm scaffold with --tokenizer-json is a usage error that writes nothing', () => {
    const none = path.join(dir, 'none.tiktoken');
    const r = cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '330', '--algorithm', 'scaffold', '--out', none, '--tokenizer-json', path.join(dir, 'none.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--tokenizer-json');
    expect(existsSync(none) || existsSync(`${none}.json`) || existsSync(path.join(dir, 'none.json'))).toBe(false);
    expect(cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '330', '--algorithm', 'lzw', '--out', none]).status).toBe(2);
  });
});
