// `turbotoken train --out v.tiktoken` writes v.tiktoken.json beside it (name, pattern, special
// tokens, tieBreak), and `encode --tokenizer v.tiktoken` loads the two together: the ids equal
// those of the in-memory Encoding train() makes of the same text, special tokens included, with a
// pattern that is no shipped one. A malformed sidecar is a usage error naming it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { cli, tempDir } from '../support/cli.mjs';

describe('a trained .tiktoken and its sidecar', () => {
  const dir = tempDir('train-sidecar-');
  const prose = 'Shells sell by the sea shore; she sells sea shells.\n'.repeat(40) + 'Ünïcödé 😀 12345 shells\n';
  writeFileSync(path.join(dir, 'a.txt'), prose);
  const out = path.join(dir, 'v.tiktoken');
  const pattern = "[a-zA-Z]+| ?[^\\sa-zA-Z]+|\\s+";
  const run = cli(['train', path.join(dir, 'a.txt'), '--vocab-size', '300', '--special', '<|endoftext|>,<|pad|>', '--pattern', pattern, '--out', out]);
  const expected = train([prose], { vocabSize: 300, specialTokens: ['<|endoftext|>', '<|pad|>'], pattern });

  it('train writes the sidecar beside the ranks', () => {
    expect(run.status).toBe(0);
    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(sidecar).toMatchObject({ format: 'turbotoken.tiktoken-sidecar', version: 1, pattern, tieBreak: 'bytes' });
    expect(sidecar.specialTokens).toEqual(expected.encoding.specialTokens);
    expect(readFileSync(`${out}.json`, 'utf8')).toBe(expected.toTiktokenSidecar());
  });

  it('encode --tokenizer loads it with its pattern and special tokens', () => {
    const text = 'she sells <|endoftext|> shells, 😀 unseen words<|pad|>';
    const ids = cli(['encode', '--tokenizer', out, '--special', 'all'], { input: text });
    expect(ids.status).toBe(0);
    const got = ids.stdout.trim().split(/\s+/).map(Number);
    expect(got).toEqual(Array.from(expected.encoding.encode(text, { allowedSpecial: 'all' })));
    expect(got).toContain(expected.encoding.specialTokens['<|pad|>']);
  });

  it('a pattern that leaves text between its matches: the sidecar says to keep it, and the loaded encoding does', () => {
    const gaps = path.join(dir, 'gaps.tiktoken');
    const letters = '\\p{L}+';
    const trained = train([prose], { vocabSize: 300, pattern: letters });
    trained.writeTiktoken(gaps);
    expect(JSON.parse(readFileSync(`${gaps}.json`, 'utf8')).unmatched).toBe('keep');
    const text = 'she sells 12345 shells, 😀 unseen\n';
    const r = cli(['encode', '--tokenizer', gaps], { input: text });
    expect(r.status).toBe(0);
    const got = r.stdout.trim().split(/\s+/).map(Number);
    expect(got).toEqual(Array.from(trained.encoding.encode(text)));
    expect(trained.encoding.decode(got)).toBe(text);
  });

  it('a malformed sidecar is a usage error that names it', () => {
    const bad = path.join(dir, 'bad.tiktoken');
    writeFileSync(bad, readFileSync(out));
    writeFileSync(`${bad}.json`, JSON.stringify({ format: 'turbotoken.tiktoken-sidecar', version: 1, name: 'x', pattern: '' }));
    const r = cli(['encode', '--tokenizer', bad], { input: 'abc' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.tiktoken.json');
  });
});
