// turbotoken/browser in a real browser: Debian's chromium, driven by playwright-core, loads
// dist/browser/turbotoken.js from a localhost server of the package root, fetches the module and
// each encoding's data on first use, and must encode, count and decode exactly as tiktoken does
// in Node, and fail the same way.
//
// It runs in the native project only (vitest.config.mjs): a browser always runs the WebAssembly
// backend, whatever TURBOTOKEN_BACKEND says, so a second run would check nothing new.
// Without /usr/bin/chromium it fails under CI (CI is set) and is skipped, saying why, elsewhere.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomText, rng } from '../support/random-text.mjs';
import { reference } from '../support/reference.mjs';
import { comparisonTexts, PATTERNS, rankEntries, referenceFor, tiktokenText } from '../support/custom-vocab.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const INSTALL_HINT = 'apt-get install -y chromium (Debian), or see CONTRIBUTING.md, "Testing"';

const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install it (${INSTALL_HINT})`);
if (!present) console.warn(`test/package/browser.test.mjs skipped: ${CHROMIUM} is missing. To run it: ${INSTALL_HINT}`);

const ENCODINGS = ['cl100k_base', 'o200k_base', 'r50k_base', 'o200k_harmony'];
const next = rng(2024);
const TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'function add(a, b) {\n  return a + b; // sum\n}\n\nconst x = add(1, 2);\n',
  '東京は日本の首都です。中文分词测试。한국어 텍스트도 있습니다.',
  'مرحبا بالعالم، هذه جملة عربية.',
  'Emoji: 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇺🇸 1️⃣ ❤️',
  'Specials: <|endoftext|> and <|fim_prefix|> and <|endofprompt|> and <|start|>',
  '   leading spaces\n\n\ttabs\r\nand \u00a0 odd whitespace  ',
  "I'm sure they'll say it's fine, DON'T you think?",
  '',
  ...Array.from({ length: 30 }, (_, k) => randomText(next, 5 + k * 3)),
];

const MIME = { '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.html': 'text/html' };
// The page imports the bundle as a page would; functions run in it (page.evaluate) find the
// module as window.turbotoken. (They cannot import() it themselves: vitest rewrites import().)
const PAGE = `<!doctype html><meta charset="utf-8"><title>turbotoken</title>
<script type="module">import * as turbotoken from '/dist/browser/turbotoken.js'; window.turbotoken = turbotoken;</script>`;

// Serves the package root; /mirror/ serves it again (for baseUrl), /page.html is a blank page.
// Every request path is recorded, so tests can see what the page fetched.
function serve() {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (path === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const file = normalize(join(root, path.replace(/^\/mirror\//, '/')));
    if (!file.startsWith(root) || !existsSync(file) || path.endsWith('/')) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, requests, origin: `http://127.0.0.1:${server.address().port}` })));
}

// Runs in the page: loads each encoding from the bundle and reports ids, counts, decodes and
// the error a disallowed special token raises.
async function encodeInPage({ encodings, texts }) {
  const t = window.turbotoken;
  const out = { backend: t.backend, results: {} };
  for (const name of encodings) {
    const enc = await t.loadEncoding(name);
    out.results[name] = texts.map((text) => {
      const ids = enc.encode(text, { allowedSpecial: 'all' });
      let error = null;
      try {
        enc.encode(text);
      } catch (e) {
        error = `${e.name} ${e.code}`;
      }
      return { ids: Array.from(ids), count: enc.count(text, { allowedSpecial: 'all' }), decoded: enc.decode(ids), ordinary: Array.from(enc.encodeOrdinary(text)), error };
    });
  }
  return out;
}

function expected(name, text) {
  const ref = reference(name);
  const ids = Array.from(ref.encode(text, 'all'));
  const hasSpecial = Object.keys(JSON.parse(readFileSync(join(root, 'data', 'encodings.json'), 'utf8')).encodings[name].specialTokens).some((s) => text.includes(s));
  return {
    ids,
    count: ids.length,
    decoded: text.replace(/[\ud800-\udfff]/gu, '\ufffd'),
    ordinary: Array.from(ref.encode_ordinary(text)),
    error: hasSpecial ? 'TurbotokenError ERR_DISALLOWED_SPECIAL_TOKEN' : null,
  };
}

describe.skipIf(!present)('turbotoken/browser in Chromium', () => {
  let context;
  let site;
  let profile;

  beforeAll(async () => {
    const { chromium } = require('playwright-core');
    site = await serve();
    profile = mkdtempSync(join(tmpdir(), 'turbotoken-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await context?.close();
    site?.server.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  // A new page, so a new instance of the module; the requests made before it are forgotten.
  async function open(page) {
    await page.goto(`${site.origin}/page.html`);
    await page.waitForFunction(() => window.turbotoken !== undefined);
    site.requests.length = 0;
  }

  async function freshPage() {
    const page = await context.newPage();
    await open(page);
    return page;
  }

  it('encodes, counts and decodes as tiktoken does, on the WebAssembly backend', async () => {
    const page = await freshPage();
    const got = await page.evaluate(encodeInPage, { encodings: ENCODINGS, texts: TEXTS });
    await page.close();
    // The browser entry names its backend itself (it cannot load the module synchronously to ask).
    const wasm = require('../../dist/cjs/wasm.js').loadWasm();
    expect(got.backend).toBe(`${wasm.backend}-${wasm.kernels.at(-1)}`);
    for (const name of ENCODINGS) {
      got.results[name].forEach((result, k) => expect(result, `${name}: ${JSON.stringify(TEXTS[k])}`).toEqual(expected(name, TEXTS[k])));
    }
  });

  it('fetches only what it uses: the module, the manifest and one vocabulary per file', async () => {
    const page = await freshPage();
    await page.evaluate(encodeInPage, { encodings: ['cl100k_base'], texts: ['hello'] });
    const afterOne = [...site.requests];
    await page.evaluate(encodeInPage, { encodings: ['o200k_base', 'o200k_harmony'], texts: ['hello'] });
    await page.close();
    expect(afterOne.sort()).toEqual(['/data/cl100k_base.tkv', '/data/encodings.json', '/wasm/turbotoken.wasm']);
    // o200k_harmony shares o200k_base.tkv: fetched once.
    expect(site.requests.filter((p) => p.endsWith('.tkv')).sort()).toEqual(['/data/cl100k_base.tkv', '/data/o200k_base.tkv']);
  });

  it('takes a base URL, or the bytes themselves, instead of the files next to it', async () => {
    const page = await freshPage();
    const viaBase = await page.evaluate(async () => {
      const t = window.turbotoken;
      await t.init({ baseUrl: '/mirror' });
      return Array.from((await t.loadEncoding('r50k_base')).encode('hello world'));
    });
    expect(site.requests.sort()).toEqual(['/mirror/data/encodings.json', '/mirror/data/r50k_base.tkv', '/mirror/wasm/turbotoken.wasm']);
    await open(page);
    const viaBytes = await page.evaluate(async () => {
      const bytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer());
      const t = window.turbotoken;
      const manifest = JSON.parse(new TextDecoder().decode(await bytes('/mirror/data/encodings.json')));
      await t.init({ wasm: await bytes('/mirror/wasm/turbotoken.wasm'), manifest, baseUrl: '/nowhere/' });
      const enc = await t.loadEncoding('r50k_base', { vocabulary: await bytes('/mirror/data/r50k_base.tkv') });
      return Array.from(enc.encode('hello world'));
    });
    await page.close();
    expect(site.requests.filter((p) => p.startsWith('/nowhere/'))).toEqual([]);
    expect(viaBase).toEqual(Array.from(reference('r50k_base').encode('hello world')));
    expect(viaBytes).toEqual(viaBase);
  });

  // new Encoding({...}) in the page: the same WebAssembly binding as the shipped encodings, with a
  // native scanner for a shipped pattern and the page's own RegExp for any other.
  it('builds encodings of your own vocabulary, with tiktoken\'s ids on both pattern paths', async () => {
    const ranks = tiktokenText(rankEntries('r50k_base'));
    const specials = { '<|endoftext|>': 50256 };
    const texts = comparisonTexts().slice(0, 60);
    const page = await freshPage();
    const got = await page.evaluate(async ({ ranks, specials, patterns, texts }) => {
      const t = window.turbotoken;
      await t.loadEncoding('gpt2');  // initialises the module
      const out = {};
      for (const [key, pattern] of Object.entries(patterns)) {
        const enc = new t.Encoding({ name: `mine_${key}`, pattern, ranks, specialTokens: specials });
        out[key] = { kind: enc.patternKind, results: texts.map((text) => Array.from(enc.encode(text, { allowedSpecial: 'all' }))) };
      }
      return out;
    }, { ranks, specials, patterns: { gpt2: PATTERNS.gpt2, qwen2: PATTERNS.qwen2 }, texts });
    await page.close();
    expect(got.gpt2.kind).toBe('gpt2');
    expect(got.qwen2.kind).toBe('regexp');
    for (const key of ['gpt2', 'qwen2']) {
      const ref = referenceFor(ranks, specials, PATTERNS[key]);
      got[key].results.forEach((ids, k) => expect(ids, `${key}: ${JSON.stringify(texts[k])}`).toEqual(Array.from(ref.encode(texts[k], 'all'))));
    }
  });

  it('fails with typed errors: unknown names, missing files, bad arguments', async () => {
    const page = await freshPage();
    const errors = await page.evaluate(async () => {
      const t = window.turbotoken;
      const caught = async (fn) => {
        try {
          await fn();
          return 'no error';
        } catch (e) {
          return `${e.name} ${e.code}`;
        }
      };
      return {
        unknown: await caught(() => t.loadEncoding('o300k_base')),
        badName: await caught(() => t.loadEncoding(42)),
        badVocabulary: await caught(() => t.loadEncoding('gpt2', { vocabulary: 'not bytes' })),
        corruptVocabulary: await caught(() => t.loadEncoding('p50k_base', { vocabulary: new Uint8Array([1, 2, 3]) })),
        model: t.getEncodingNameForModel('gpt-4o'),
        lateInit: await caught(() => t.init({ baseUrl: '/' })),
      };
    });
    const missing = await (async () => {
      await open(page);
      return page.evaluate(async () => {
        const t = window.turbotoken;
        await t.init({ baseUrl: '/absent/' }).catch(() => {});
        try {
          await t.loadEncoding('gpt2');
          return 'no error';
        } catch (e) {
          return `${e.name} ${e.code} ${e.message}`;
        }
      });
    })();
    await page.close();
    expect(errors).toEqual({
      unknown: 'TurbotokenError ERR_UNKNOWN_ENCODING',
      badName: 'TypeError ERR_INVALID_ARG_TYPE',
      badVocabulary: 'TypeError ERR_INVALID_ARG_TYPE',
      corruptVocabulary: 'TurbotokenError ERR_INVALID_VOCABULARY',
      model: 'o200k_base',
      lateInit: 'TurbotokenError ERR_ALREADY_INITIALIZED',
    });
    expect(missing).toMatch(/^TurbotokenError ERR_FETCH_FAILED .*\/absent\/wasm\/turbotoken\.wasm \(HTTP 404\)/);
  });
});
