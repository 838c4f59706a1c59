// The HTML report of `turbotoken analyze --format html` opened as a person would open it: Debian's
// Chromium (driven by playwright-core) loads the file from disk, with every network request
// refused; the page must raise no error, log no console error, draw its charts, and screenshot to
// a non-empty image.
//
// Native project only (vitest.config.mjs): the report is JavaScript over the public API, and the
// browser sees only the file. Without /usr/bin/chromium it fails under CI and is skipped elsewhere.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.mjs';

const require = createRequire(import.meta.url);
const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
if (!present) console.warn(`test/package/report-browser.test.mjs skipped: ${CHROMIUM} is missing`);

describe.skipIf(!present)('the analyze report in Chromium', () => {
  let context;
  let profile;
  let dir;

  beforeAll(async () => {
    const { chromium } = require('playwright-core');
    profile = mkdtempSync(path.join(tmpdir(), 'turbotoken-report-chromium-'));
    dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-report-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await context?.close();
    for (const d of [profile, dir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('opens with no errors, draws every chart and screenshots', async () => {
    writeFileSync(path.join(dir, 'prose.txt'), 'The quick brown fox jumps over the lazy dog. '.repeat(50));
    mkdirSync(path.join(dir, 'code'));
    writeFileSync(path.join(dir, 'code', 'a.js'), 'export function add(a, b) {\n  return a + b;\n}\n'.repeat(20));
    const report = path.join(dir, 'report.html');
    const run = cli(['analyze', '-e', 'o200k_base,cl100k_base', '--parallel', 'udhr', '--format', 'html', '-o', report, path.join(dir, 'prose.txt'), path.join(dir, 'code')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const page = await context.newPage();
    const problems = [];
    const requests = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(report).href);
    const drawn = await page.evaluate(() => ({
      svgs: document.querySelectorAll('svg').length,
      premiumBars: [...document.querySelectorAll('svg[aria-label="Token premium by language"]')].map((svg) => svg.querySelectorAll('rect').length),
      bytesBars: document.querySelector('svg[aria-label="Bytes per token by encoding and text kind"]').querySelectorAll('rect').length,
      width: document.querySelector('svg').getBoundingClientRect().width,
    }));
    const shot = await page.screenshot({ fullPage: false });
    await page.close();

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
    expect(drawn.svgs).toBe(3);
    expect(drawn.premiumBars).toEqual([498, 498]); // every udhr language but the reference
    expect(drawn.bytesBars).toBe(2 * 2 + 2); // 2 kinds × 2 encodings, and the legend's 2 swatches
    expect(drawn.width).toBeGreaterThan(100);
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shot.length).toBeGreaterThan(10_000);
    expect(readFileSync(report, 'utf8')).toContain('Token premium: o200k_base');
  });
});
