// One table of safe cuts (test/data/safe-cut-cases.json) held against both implementations of the
// rules: src/safe-cut.ts, which streams, encodeGenerator and the CLI use, and the core's
// safe_cut.cpp, which splits large texts over threads (reached through _safeCuts, on whichever
// backend runs this file). Every segmenter built on the TypeScript rules cuts only where the
// table allows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';

const require = createRequire(import.meta.url);
const { ByteSegmenter, Segmenter, cutRulesOf, isSafeCut, seamSegments } = require('../../dist/cjs/safe-cut.js');
const table = JSON.parse(readFileSync(new URL('../data/safe-cut-cases.json', import.meta.url), 'utf8'));

const FAMILIES = {
  gpt2: ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit'],
  newline: ['cl100k_base', 'o200k_base', 'o200k_harmony'],
};

// The text without its markers and the UTF-16 positions the markers stood at.
function unmark(marked) {
  const cuts = [];
  let text = '';
  for (const c of marked) {
    if (c === table.marker) cuts.push(text.length);
    else text += c;
  }
  return { text, cuts };
}

const byteOffset = (text, p) => Buffer.byteLength(text.slice(0, p));
const bounds = (segments) => segments.slice(0, -1).map((_, k) => segments.slice(0, k + 1).reduce((n, s) => n + s.length, 0));

it('the table marks the same texts for both families and has cuts of every rule', () => {
  for (const c of table.cases) expect(unmark(c.gpt2).text).toBe(unmark(c.newline).text);
  const rules = table.cases.map((c) => c.rules).join(' ');
  for (const rule of ['W', 'R', 'L', 'G']) expect(rules).toContain(rule);
  expect(table.cases.reduce((n, c) => n + unmark(c.gpt2).cuts.length + unmark(c.newline).cuts.length, 0)).toBeGreaterThan(60);
});

describe.each(Object.entries(FAMILIES).flatMap(([family, names]) => names.map((name) => [name, family])))('%s (%s family)', (name, family) => {
  const enc = getEncoding(name);
  const rules = cutRulesOf(enc);
  const cases = table.cases.map((c) => ({ rules: c.rules, ...unmark(c[family]) }));

  it('isSafeCut (src/safe-cut.ts) cuts exactly where the table says', () => {
    expect(rules).not.toBeNull();
    for (const { rules: label, text, cuts } of cases) {
      const found = [];
      for (let p = 0; p <= text.length; p++) if (isSafeCut(text, p, rules)) found.push(p);
      expect(found, `${label}: ${JSON.stringify(text)}`).toEqual(cuts);
    }
  });

  it('the core (safe_cut.cpp) cuts exactly where the table says, for strings and bytes', () => {
    for (const { rules: label, text, cuts } of cases) {
      const expected = cuts.map((p) => byteOffset(text, p));
      expect([...enc._safeCuts(text)], `${label}: ${JSON.stringify(text)}`).toEqual(expected);
      expect([...enc._safeCuts(Buffer.from(text))], `${label}: bytes of ${JSON.stringify(text)}`).toEqual(expected);
    }
  });

  it('the segmenters cut only where the table allows, the stream\'s at every such point', () => {
    const used = { eager: 0, seams: 0, bytes: 0 };
    for (const { rules: label, text, cuts } of cases) {
      const where = `${label}: ${JSON.stringify(text)}`;
      // Streams with a target of 1 cut at every safe point.
      const stream = new Segmenter(rules, 1);
      const streamed = [...stream.push(text), stream.end()];
      expect(streamed.join(''), where).toBe(text);
      expect(bounds(streamed), where).toEqual(cuts);
      // Eager streams fed one character at a time, encodeGenerator's seams and the corpus
      // command's byte cuts use some of the points.
      const eager = new Segmenter(rules);
      const pushed = [];
      for (const c of text) pushed.push(...eager.push(c));
      pushed.push(eager.end());
      expect(pushed.join(''), where).toBe(text);
      for (const p of bounds(pushed)) expect(cuts, where).toContain(p);
      used.eager += pushed.length - 1;
      const seams = [...seamSegments(text, rules, 1)].slice(1);
      for (const [start] of seams) expect(cuts, where).toContain(start);
      used.seams += seams.length;
      const bytes = new ByteSegmenter(1, true);
      const parts = [...bytes.push(Buffer.from(text)), bytes.end()];
      expect(Buffer.concat(parts).toString(), where).toBe(text);
      for (const at of bounds(parts)) expect(cuts.map((p) => byteOffset(text, p)), where).toContain(at);
      used.bytes += parts.length - 1;
    }
    expect(used.eager).toBeGreaterThan(10);
    expect(used.seams).toBeGreaterThan(2);
    expect(used.bytes).toBeGreaterThan(10);
  });
});
