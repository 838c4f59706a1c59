// A plain .jsonl file is read one buffer ahead: the read of the next buffer is in flight while a
// block is handed on (and encoded), so that the reading thread does not sit idle while the
// thread pool copies bytes. Read ahead, every line must still reach exactly one block, in order,
// for lines longer than a buffer and for shards that stop reading part-way through a file.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { statInputs, readJsonlDocuments, shardRange } = require('../../dist/cjs/cli/corpus-input.js');
const { reuseBlockMemory, BLOCK_BYTES } = require('../../dist/cjs/cli/corpus-jsonl.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'turbotoken-read-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsonlFile(name, lines) {
  const file = path.join(dir, name);
  writeFileSync(file, lines.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  return file;
}

// The blocks a reader hands on for the byte range [lo, hi) of the file, copied.
async function blocksOf(file, lo, hi, onBlock = () => {}) {
  const [input] = await statInputs([file]);
  const blocks = [];
  const sink = {
    progress() {},
    replaced() {},
    text() {},
    endDocument() {},
    async jsonlBlock(block) {
      onBlock(block);
      blocks.push(Buffer.from(block.bytes));
      await new Promise(setImmediate);
      reuseBlockMemory(block.bytes);
    },
  };
  await readJsonlDocuments(input, 0, lo, hi, {}, sink);
  return blocks;
}

describe('reading a .jsonl file ahead', () => {
  it('has the next read in flight whenever a block is handed on, but the last', async () => {
    const file = jsonlFile('ahead.jsonl', Array.from({ length: 4000 }, (_, i) => `${i} ${'word '.repeat(200 + (i % 13))}`));
    const events = [];
    const open = fsPromises.open;
    // The reader's FileHandle, its reads logged as they start and as they finish.
    fsPromises.open = async (...args) => {
      const handle = await open(...args);
      const read = handle.read.bind(handle);
      handle.read = (...readArgs) => {
        events.push('start');
        return read(...readArgs).then((result) => (events.push('end'), result));
      };
      return handle;
    };
    let blocks;
    try {
      blocks = await blocksOf(file, 0, Infinity, () => events.push('block'));
    } finally {
      fsPromises.open = open;
    }
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const inFlight = [];
    let started = 0;
    let ended = 0;
    for (const event of events) {
      if (event === 'start') started++;
      else if (event === 'end') ended++;
      else inFlight.push(started - ended);
    }
    // The last block is handed on after the read that found the end of the file.
    expect(inFlight.slice(0, -1)).toEqual(inFlight.slice(0, -1).map(() => 1));
  });

  it('hands on every line once, in order: lines longer than a buffer, and shards that stop part-way', async () => {
    const lines = [];
    for (let i = 0; i < 1500; i++) lines.push(`${i} ${'ab '.repeat(100 + ((i * 37) % 400))}`);
    // Longer than one buffer, and longer than two: each read's unfinished line goes to the next.
    lines.splice(300, 0, 'long '.repeat((BLOCK_BYTES * 1.3) / 5));
    lines.splice(900, 0, 'longer '.repeat((BLOCK_BYTES * 2.6) / 7));
    const file = jsonlFile('shards.jsonl', lines);
    const whole = Buffer.concat(await blocksOf(file, 0, Infinity));
    const bytes = (await fsPromises.readFile(file));
    expect(whole.equals(bytes)).toBe(true);
    for (const count of [2, 3, 7]) {
      const parts = [];
      for (let k = 0; k < count; k++) parts.push(...(await blocksOf(file, ...shardRange(bytes.length, k, count))));
      expect(Buffer.concat(parts).equals(bytes), `${count} shards`).toBe(true);
      for (const part of parts) expect(part.at(-1), 'blocks end with a whole line').toBe(0x0a);
    }
  });
});
