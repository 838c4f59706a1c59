// `turbotoken analyze --special`: plain text by default (the library's analyze default), special
// ids with all, encode's error (exit 1, with the option's advice) with error.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, getEncoding } from '../../index.mjs';
import { cli, tempDir } from '../support/cli.mjs';

const dir = tempDir('turbotoken-analyze-special-');
const text = 'first document<|endoftext|>second document<|endoftext|>';
const file = path.join(dir, 'docs.txt');
writeFileSync(file, text);
const viaJson = (value) => JSON.parse(JSON.stringify(value));

describe('turbotoken analyze --special', () => {
  const enc = getEncoding('cl100k_base');
  const run = (...extra) => cli(['analyze', '-e', 'cl100k_base', '--format', 'json', ...extra, file]);

  it('reads special-token text as plain text by default, as special ids with all', () => {
    const plain = run();
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout).analysis).toEqual(viaJson(analyze(enc, new Map([['docs', [text]]]))));
    const all = run('--special', 'all');
    expect(all.status).toBe(0);
    const { rows } = JSON.parse(all.stdout).analysis;
    expect(rows[0].tokens).toBe(enc.encode(text, { allowedSpecial: 'all' }).length);
    expect(rows[0].tokens).toBeLessThan(JSON.parse(plain.stdout).analysis.rows[0].tokens);
  });

  it('fails as encode does with error, naming the option', () => {
    const { status, stderr } = run('--special', 'error');
    expect(status).toBe(1);
    expect(stderr).toContain('<|endoftext|>');
    expect(stderr).toContain('--special=all');
  });
});
