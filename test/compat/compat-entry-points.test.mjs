// turbotoken's other tiktoken and js-tiktoken entry points (tiktoken/lite, /init, /load,
// /lite/init, /lite/load, encode_with_unstable; js-tiktoken/lite, /ranks/<name>) against the
// shared suites that test/compat/compat-originals runs against the packages, then checks
// against the originals token for token, then what only turbotoken's load does (no network).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as originalTiktoken from 'tiktoken';
import * as main from 'turbotoken/tiktoken';
import * as lite from 'turbotoken/tiktoken/lite';
import * as init from 'turbotoken/tiktoken/init';
import * as load from 'turbotoken/tiktoken/load';
import * as liteInit from 'turbotoken/tiktoken/lite/init';
import * as liteLoad from 'turbotoken/tiktoken/lite/load';
import * as jsMain from 'turbotoken/js-tiktoken';
import * as jsLite from 'turbotoken/js-tiktoken/lite';
import { NPM_ENCODINGS } from '../support/compat-common.mjs';
import { jsTiktokenEntriesSuite, tiktokenEntriesSuite } from '../support/compat-entry-points.mjs';
import { CALLS, UNSTABLE, tiktokenReference, unstableTexts } from '../support/compat-tiktoken-cases.mjs';

const require = createRequire(import.meta.url);
const registry = require('tiktoken/registry.json');
const ranksOf = (name) => require(`turbotoken/js-tiktoken/ranks/${name}`);

tiktokenEntriesSuite('turbotoken/tiktoken', { main, lite, init, load, liteInit, liteLoad }, () => {
  throw new Error('turbotoken calls no init callback');
});
jsTiktokenEntriesSuite('turbotoken/js-tiktoken', { main: jsMain, lite: jsLite, ranks: ranksOf });

// tiktoken's answers come from a committed book (test/support/compat-tiktoken-cases.mjs); an answer
// that is not the book's is held to tiktoken itself.
describe('encode_with_unstable equals tiktoken on random and real tails', () => {
  it.each(UNSTABLE)('%s', (name, tails, random) => {
    const ours = main.get_encoding(name);
    const theirs = tiktokenReference('unstable', name);
    for (const text of unstableTexts(name, tails, random)) {
      const [ids, completions] = ours.encode_with_unstable(text, 'all');
      expect(Array.isArray(ids) && completions.every((c) => Array.isArray(c))).toBe(true);
      expect(theirs.mismatch('unstable', text, CALLS.unstable(ours, text))).toBeNull();
    }
  });
});

describe('turbotoken/js-tiktoken/ranks beyond the original', () => {
  it.each(NPM_ENCODINGS)('%s: bpe_ranks is js-tiktoken\'s text exactly', (name) => {
    expect(ranksOf(name).bpe_ranks).toBe(require(`js-tiktoken/ranks/${name}`).bpe_ranks);
  });
  it('a field replaced by the caller is read as given', () => {
    const ranks = { ...ranksOf('cl100k_base') };
    ranks.special_tokens = { '<|y|>': 100300 };
    const enc = new jsLite.Tiktoken(ranks);
    expect(enc.encode('<|y|>', 'all')).toEqual([100300]);
    expect(() => enc.encode('<|endoftext|>', 'all')).not.toThrow();
    expect(enc.encode('<|endoftext|>', 'all')).not.toContain(100257);
  });
});

describe('turbotoken/tiktoken/load without customFetch: nothing from the network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turbotoken-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // tiktoken's encoders/<name>.json hold the same ranks in js-tiktoken's "! first-rank token..." form.
  const shippedRanks = (name) => {
    const lines = [];
    for (const line of require(`tiktoken/encoders/${name}.json`).bpe_ranks.split('\n').filter(Boolean)) {
      const [, offset, ...tokens] = line.split(' ');
      tokens.forEach((token, i) => lines.push(`${token} ${Number(offset) + i}\n`));
    }
    return lines.join('');
  };
  it.each(Object.keys(registry))('registry.json %s: the ranks tiktoken ships', async (name) => {
    const loaded = await load.load(registry[name]);
    expect(loaded.pat_str).toBe(registry[name].pat_str);
    expect(loaded.special_tokens).toEqual(registry[name].special_tokens);
    expect(loaded.explicit_n_vocab).toBe(registry[name].explicit_n_vocab);
    expect(loaded.bpe_ranks === shippedRanks(name)).toBe(true);
  });
  it('which tiktoken builds an encoder from', async () => {
    const loaded = await load.load(registry.gpt2);
    const theirs = new originalTiktoken.Tiktoken(loaded.bpe_ranks, loaded.special_tokens, loaded.pat_str);
    const text = 'hello world, naïve café 😀 12345 <|endoftext|>';
    expect([...theirs.encode(text, 'all')]).toEqual([...originalTiktoken.get_encoding('gpt2').encode(text, 'all')]);
    theirs.free();
  });
  it('reads a path, a file: URL and a data: URL', async () => {
    const text = 'IQ== 0\nIg== 1\n';
    const file = join(dir, 'tiny.tiktoken');
    writeFileSync(file, text);
    const entry = (url) => ({ load_tiktoken_bpe: url, pat_str: 'x', special_tokens: {} });
    expect((await load.load(entry(file))).bpe_ranks).toBe(text);
    expect((await load.load(entry(pathToFileURL(file).href))).bpe_ranks).toBe(text);
    expect((await load.load(entry(`data:text/plain;base64,${Buffer.from(text).toString('base64')}`))).bpe_ranks).toBe(text);
    expect((await load.load(entry(`data:,${encodeURIComponent(text)}`))).bpe_ranks).toBe(text);
  });
  it('refuses other URLs, missing files and bad arguments with coded errors', async () => {
    const entry = (url) => ({ load_tiktoken_bpe: url, pat_str: 'x', special_tokens: {} });
    await expect(load.load(entry('https://example.com/x.tiktoken'))).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' });
    await expect(load.load(entry(join(dir, 'missing.tiktoken')))).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' });
    await expect(load.load(null)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(load.load({ pat_str: 'x', special_tokens: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(load.load(entry('x'), 'not a function')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(load.load(entry('x'), async () => 42)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
  it('init refuses a callback that is not a function, as tiktoken does', async () => {
    await expect(init.init(42)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(init.init()).resolves.toBeUndefined();
  });
});

// Node itself (not the test runner's module loader): named ES imports of every subpath, one
// instance for import and require, .default on the ranks for TypeScript's CommonJS output.
describe('the subpaths under plain Node', () => {
  it('import and require give the same objects', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { Tiktoken as A, get_encoding } from 'turbotoken/tiktoken';
      import { Tiktoken as B } from 'turbotoken/tiktoken/lite';
      import { Tiktoken as C, init, get_encoding as g } from 'turbotoken/tiktoken/init';
      import { Tiktoken as D, init as liteInit } from 'turbotoken/tiktoken/lite/init';
      import { load } from 'turbotoken/tiktoken/load';
      import { load as liteLoad } from 'turbotoken/tiktoken/lite/load';
      import { Tiktoken as J, getEncodingNameForModel } from 'turbotoken/js-tiktoken/lite';
      import ranks from 'turbotoken/js-tiktoken/ranks/gpt2';
      const require = createRequire(import.meta.url);
      await init(); await liteInit();
      console.log(JSON.stringify([
        A === B && B === C && C === D && A === require('turbotoken/tiktoken/lite').Tiktoken,
        g === get_encoding, load === liteLoad && load === require('turbotoken/tiktoken/load').load,
        J === require('turbotoken/js-tiktoken').Tiktoken, getEncodingNameForModel('gpt-4'),
        ranks === require('turbotoken/js-tiktoken/ranks/gpt2'), ranks.default === ranks,
        new J(ranks).encode('hello world'),
      ]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([true, true, true, true, 'cl100k_base', true, true, [31373, 995]]);
  });
});
