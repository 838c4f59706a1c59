// A PNG of an HTML report of `turbotoken analyze` (README's docs/images/report.png), taken in
// Debian's Chromium through playwright-core:
//   node bin/turbotoken.js analyze -e o200k_base,cl100k_base,r50k_base --parallel udhr \
//     --format html -o /tmp/report.html docs src
//   node scripts/report-screenshot.mjs /tmp/report.html docs/images/report.png
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [input, output, width = '1100', height = '1000'] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/report-screenshot.mjs REPORT.html OUT.png [width] [height]');
  process.exit(2);
}
const { chromium } = createRequire(import.meta.url)('playwright-core');
const profile = mkdtempSync(path.join(tmpdir(), 'turbotoken-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: Number(width), height: Number(height) },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.resolve(input)).href);
  await page.screenshot({ path: output, fullPage: false });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
