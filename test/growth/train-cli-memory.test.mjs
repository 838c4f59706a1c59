// `turbotoken train` holds about a batch of its input, not the largest document. With 'documents'
// capped by --max-document-chars: the peak resident memory of the command on a 16 MB one-document
// file exceeds that on a 4 MB one by far less than the 12 MB between them (the child collects its
// garbage every 20 ms, so that what is measured is what is held; holding the document whole, then
// copying it into the trainer, grew by 24 MB). With chunking 'lines': the documents handed to the
// trainer are pieces of about 1 MB cut after a "\n", which together are the file; and, with garbage
// left to V8 (no forced collection), the peak on a 96 MB file exceeds that on a 32 MB one by less
// than 32 MB (a fresh buffer per piece grew it by about 1 MB per MB read: 66 MB).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.mjs';

const require = createRequire(import.meta.url);
const { trainDocuments, PIECE_BYTES } = require('../../dist/cjs/cli/train-documents.js');
const { statInputs } = require('../../dist/cjs/cli/corpus-input.js');
const { getEncoding } = require('../../dist/cjs/index.js');

const MB = 1 << 20;
const dir = tempDir('train-memory-');
const probe = path.join(dir, 'peak.cjs');
// Written by the command's process as it exits: its peak resident set, in bytes.
writeFileSync(probe, "if (global.gc) setInterval(() => global.gc(), 20).unref();\nprocess.on('exit', () => require('fs').writeFileSync(process.env.PEAK_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");

// One document of short lines over a few words: few distinct chunks, so the table stays small.
function document(bytes) {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const line = (k) => `${words[k % 8]} ${words[(k * 3) % 8]} ${words[(k * 5) % 8]} ${k % 97}\n`;
  const out = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const l = line(k);
    out.push(l);
    size += l.length;
  }
  return out.join('');
}

function peak(file, extra, forceGc = true) {
  const peakFile = `${file}.peak`;
  const r = cli(['train', file, '--vocab-size', '260', '--out', `${file}.tiktoken`, '-q', ...extra], {
    env: { NODE_OPTIONS: `${forceGc ? '--expose-gc ' : ''}--require ${probe}`, PEAK_FILE: peakFile },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return Number(readFileSync(peakFile, 'utf8'));
}

describe('train reads large documents in pieces', () => {
  const small = path.join(dir, 'small.txt');
  const large = path.join(dir, 'large.txt');
  writeFileSync(small, document(4 * MB));
  writeFileSync(large, document(16 * MB));

  it('documents capped by --max-document-chars: 12 MB more input, less than 12 MB more memory', () => {
    const extra = ['--chunking', 'documents', '--max-document-chars', '100000'];
    peak(small, extra); // warm the file cache for both
    const grew = peak(large, extra) - peak(small, extra);
    expect(grew).toBeLessThan(12 * MB);
  }, 60_000);

  it("chunking 'lines': the trainer gets pieces of about 1 MB, cut after a newline", async () => {
    const files = await statInputs([large], 'any');
    const settings = { encoding: getEncoding('o200k_base'), invalid: 'replace', field: 'text', target: 1 << 20 };
    const pieces = [];
    for await (const piece of trainDocuments(files, settings, 'lines', 0, () => {})) pieces.push(Buffer.from(piece));
    expect(Buffer.concat(pieces).equals(readFileSync(large))).toBe(true);
    expect(pieces.length).toBeGreaterThan(12);
    for (const piece of pieces.slice(0, -1)) {
      expect(piece.at(-1)).toBe(0x0a);
      expect(piece.length).toBeLessThan(PIECE_BYTES + (1 << 20)); // a piece, plus at most one segment of the reader
    }
  });

  it("chunking 'lines', garbage not forced: 64 MB more input, less than 32 MB more memory", () => {
    const mid = path.join(dir, 'mid.txt');
    const big = path.join(dir, 'big.txt');
    const text = document(32 * MB);
    writeFileSync(mid, text);
    writeFileSync(big, text + text + text);
    const extra = ['--chunking', 'lines'];
    const grew = peak(big, extra, false) - peak(mid, extra, false);
    expect(grew).toBeLessThan(32 * MB);
  }, 120_000);
});
