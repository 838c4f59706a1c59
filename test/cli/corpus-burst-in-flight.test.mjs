// Parquet's packed values come a row group at a time, between synchronous decodes of the next
// one: the corpus pipeline hands them to its encoder with the backlog of bursts (BURST_BACKLOG,
// so that a worker has work queued through the next decode) and keeps up to maxBurstInFlight of
// them unwritten before it waits for the oldest; other jobs keep the smaller maxInFlight.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { Pipeline } = require('../../dist/cjs/cli/corpus.js');
const { BURST_BACKLOG } = require('../../dist/cjs/cli/pool.js');

// An encoder whose results come only when the test says: what it was given, and the promises' resolvers.
function heldEncoder() {
  const calls = [];
  const settle = (job) => ({ ids: new Uint32Array(0), lengths: new Uint32Array(job.ends?.length ?? job.length ?? 0), lines: 0, textBytes: 0, firstInvalid: -1 });
  const held = (kind, job, backlog) =>
    new Promise((resolve) => calls.push({ kind, backlog, resolve: () => resolve(settle(job)) }));
  return {
    calls,
    encoder: {
      submit: (texts) => held('text', texts),
      submitBlock: (job) => held('block', job),
      submitDocuments: (job, backlog) => held('documents', job, backlog),
      steal: () => false,
      close: async () => {},
    },
  };
}

const writer = { writeDocuments() {}, writeIds() {}, endDocument() {}, documentTokens: 0 };
const progress = { add() {} };
const files = [{ path: 'docs.parquet' }];

function pipeline(encoder, maxInFlight, maxBurstInFlight) {
  return new Pipeline(encoder, () => {}, writer, progress, files, undefined, maxInFlight, maxBurstInFlight, true, { field: 'text', invalid: 'fail' });
}

async function handedOn(calls, submit, count) {
  let returned = 0;
  const all = [];
  for (let i = 0; i < count; i++) all.push(submit(i).then(() => returned++));
  for (let i = 0; i < 10; i++) await new Promise(setImmediate);
  const before = returned;
  while (calls.some((call) => !call.done)) {
    for (const call of calls) if (!call.done) (call.done = true), call.resolve();
    await new Promise(setImmediate);
  }
  await Promise.all(all);
  return before;
}

it('packed documents: up to maxBurstInFlight handed on before the oldest is awaited, each with BURST_BACKLOG', async () => {
  const { encoder, calls } = heldEncoder();
  const line = pipeline(encoder, 8, 20);
  const bytes = new Uint8Array(16);
  const ends = Uint32Array.of(8, 16);
  // 25 blocks: 20 are in flight with no result in, the 21st waits for the oldest.
  const returned = await handedOn(calls, () => line.documents(0, bytes, ends), 25);
  expect(returned).toBe(20);
  expect(calls.filter((call) => call.kind === 'documents').map((call) => call.backlog)).toEqual(Array(25).fill(BURST_BACKLOG));
  await line.finish();
});

it('other jobs (blocks of JSON lines) keep maxInFlight', async () => {
  const { encoder, calls } = heldEncoder();
  const line = pipeline(encoder, 8, 20);
  const returned = await handedOn(calls, (i) => line.jsonlBlock({ file: 0, path: 'docs.jsonl', offset: i * 16, line: undefined, bytes: new Uint8Array(16) }), 25);
  expect(returned).toBe(8);
  await line.finish();
});
