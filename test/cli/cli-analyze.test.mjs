// `turbotoken analyze` and `turbotoken audit` (main() in this process): their JSON is the library's
// analyze()/premium()/audit() of the same texts, the table and HTML carry the same numbers, and
// command-line mistakes are usage errors (exit 2), unreadable inputs exit 1.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, audit, getEncoding, premium, readParallelTexts } from '../../index.mjs';
import { tempDir } from '../support/cli.mjs';
import { cli } from '../support/cli-in-process.mjs';

const dir = tempDir('turbotoken-analyze-');
const prose = 'The quick brown fox jumps over the lazy dog.\nIt was the best of times, it was the worst of times.\n';
const code = 'function add(a, b) {\n  return a + b; // <|endoftext|>\n}\n';
mkdirSync(path.join(dir, 'code'));
writeFileSync(path.join(dir, 'prose.txt'), prose);
writeFileSync(path.join(dir, 'code', 'a.js'), code);
writeFileSync(path.join(dir, 'code', 'b.js'), code.toUpperCase());
writeFileSync(path.join(dir, 'docs.jsonl'), `${JSON.stringify({ text: 'first doc' })}\n${JSON.stringify({ text: 'second  doc here' })}\n`);
const parallel = path.join(dir, 'parallel');
mkdirSync(parallel);
writeFileSync(path.join(parallel, 'eng.txt'), 'All human beings are born free and equal in dignity and rights.');
writeFileSync(path.join(parallel, 'deu.txt'), 'Alle Menschen sind frei und gleich an Würde und Rechten geboren.');
writeFileSync(path.join(parallel, 'hin.txt'), 'सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।');

// JSON turns NaN into null; compare through it.
const viaJson = (value) => JSON.parse(JSON.stringify(value));

describe('turbotoken analyze', () => {
  it('reports what analyze() and premium() give for the same texts, several encodings side by side', async () => {
    const args = ['analyze', '-e', 'r50k_base,cl100k_base', '--format', 'json', '--alpha', '3', '--parallel', parallel, '--reference', 'eng',
      path.join(dir, 'prose.txt'), path.join(dir, 'code'), path.join(dir, 'docs.jsonl')];
    const { status, stdout, stderr } = await cli(args);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    const encodings = [getEncoding('r50k_base'), getEncoding('cl100k_base')];
    const kinds = new Map([['prose', [prose]], ['code', [code, code.toUpperCase()]], ['docs', ['first doc', 'second  doc here']]]);
    expect(report.analysis).toEqual(viaJson(analyze(encodings, kinds, { alpha: 3 })));
    const texts = readParallelTexts(parallel);
    expect(report.premium).toEqual(viaJson(encodings.map((e) => premium(e, texts, { reference: 'eng' }))));
  });

  it('prints a table by default and reads stdin without inputs', async () => {
    const { status, stdout } = await cli(['analyze', '-e', 'cl100k_base'], { input: prose });
    expect(status).toBe(0);
    const [row] = analyze(getEncoding('cl100k_base'), [prose]).rows;
    expect(stdout).toMatch(/^encoding\s+kind\s+tokens\s+bytes\/token/);
    expect(stdout).toContain(`cl100k_base  stdin`);
    expect(stdout).toContain(row.bytesPerToken.toFixed(3));
    expect(stdout).toContain(row.renyiEfficiency.toFixed(4));
  });

  it('writes one self-contained HTML file with the charts', async () => {
    const out = path.join(dir, 'report.html');
    const { status, stdout } = await cli(['analyze', '-e', 'o200k_base,cl100k_base', '--format', 'html', '-o', out, '--parallel', parallel, path.join(dir, 'prose.txt'), path.join(dir, 'code')]);
    expect(status).toBe(0);
    expect(stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g).length).toBe(3); // bytes/token, and the premium of each encoding
    expect(html).toContain('aria-label="Token premium by language"');
    expect(html).toContain('hin: ');
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
  });

  it('refuses command-line mistakes (exit 2) and bad inputs (exit 1)', async () => {
    expect((await cli(['analyze', '--alpha', 'x'], { input: 'a' })).status).toBe(2);
    expect((await cli(['analyze', '--format', 'pdf'], { input: 'a' })).status).toBe(2);
    expect((await cli(['analyze', '-e', 'nope_base'], { input: 'a' })).status).toBe(2);
    const alpha = await cli(['analyze', '--alpha', '-1'], { input: 'a' });
    expect(alpha.status).toBe(2);
    expect(alpha.stderr).toMatch(/alpha/);
    const missing = await cli(['analyze', '--parallel', path.join(dir, 'missing')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read the directory/);
    const reference = await cli(['analyze', '--parallel', parallel, '--reference', 'xxx']);
    expect(reference.status).toBe(1);
    expect(reference.stderr).toMatch(/reference language "xxx"/);
    expect((await cli(['analyze', path.join(dir, 'nothing.txt')])).status).toBe(1);
    expect((await cli(['audit', 'extra'])).status).toBe(2);
  });
});

describe('turbotoken audit', () => {
  it("reports what audit() gives, as JSON and as a table", async () => {
    const json = await cli(['audit', '-e', 'cl100k_base', '--format', 'json']);
    expect(json.status).toBe(0);
    const expected = audit(getEncoding('cl100k_base'));
    expect(JSON.parse(json.stdout)).toEqual(viaJson(expected));
    const table = await cli(['audit', '-e', 'cl100k_base', '--limit', '3']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain(`unreachable: ${expected.unreachable.length}`);
    expect(table.stdout).toContain(`partial UTF-8: ${expected.partialUtf8.length}`);
    expect(table.stdout).toContain('id holes: 16 (100256, 100261-100275)');
    const html = await cli(['audit', '-e', 'r50k_base', '--format', 'html']);
    expect(html.status).toBe(0);
    expect(html.stdout).toContain('<h2>r50k_base</h2>');
  });
});
