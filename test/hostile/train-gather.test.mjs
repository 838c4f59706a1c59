// train and trainAsync over a plain array hand the addon the array itself (Trainer.gather copies
// many documents per call, src/train.ts): what they read must be what for-of over the array reads.
// Each case is trained twice: from the array, and from a generator that yields* it (the array's
// own iteration, read one document at a time in JS); the merges, counts and the side effects of the
// array's getters (which run, in what order, how often) must be the same. Covered: getters on
// elements, holes read through Array.prototype, a length that shrinks or grows while it is read, a
// getter that throws, patched iteration (Array.prototype's, the array iterator's, an own
// Symbol.iterator), a Proxy, a subclass, elements gather leaves to JS (non-documents, bytes that
// start inside a character, empty and ill-formed ones, lone surrogates), and more documents per
// batch than the ends array first holds.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';

const { native } = createRequire(import.meta.url)('../../dist/cjs/native.js');

const euro = Buffer.from('€');
const words = ['alpha beta', 'gamma delta', 'beta alpha gamma', 'delta delta', 'epsilon alpha'];
/** n documents, every third a Buffer, the rest strings. */
function documents(n) {
  const docs = [];
  for (let k = 0; k < n; k++) {
    const text = `${words[k % 5]} ${k % 11} ${words[(k * 3) % 5]}\n`;
    docs.push(k % 3 === 0 ? Buffer.from(text) : text);
  }
  return docs;
}

const summary = (r) => ({ merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks });
const OPTIONS = { vocabSize: 290, chunking: 'documents' };

/**
 * Trains make()'s array directly and through a generator, sync and async; returns each run's
 * summary (or error) with the log the array's getters wrote during it.
 */
async function runs(make) {
  const out = [];
  for (const how of ['generator', 'array', 'generator async', 'array async']) {
    const log = [];
    const input = make(log);
    const given = how.startsWith('generator') ? (function* () { yield* input; })() : input;
    let result;
    try {
      result = summary(how.endsWith('async') ? await trainAsync(given, OPTIONS) : train(given, OPTIONS));
    } catch (error) {
      result = { error: error.message, code: error.code };
    }
    out.push({ how, result, log });
  }
  return out;
}

async function expectSameAsIteration(make) {
  const [reference, ...others] = await runs(make);
  for (const run of others) expect({ ...run, how: reference.how }).toEqual(reference);
  return reference;
}

describe('the array is read as for-of reads it', () => {
  useTrainBatchBytes(2048);

  it('plain documents, over many batches', async () => {
    const r = await expectSameAsIteration(() => documents(3000));
    expect(r.result.merges.length).toBeGreaterThan(3 * 20);
  });

  it('getters on elements run once each, in order', async () => {
    const r = await expectSameAsIteration((log) => {
      const docs = documents(2000);
      // Some of them give what gather leaves to JS: bytes that start inside a character, a string
      // longer than a batch.
      docs[501] = euro.subarray(1);
      docs[900] = 'z'.repeat(5000);
      for (const k of [0, 7, 500, 501, 900, 1999]) {
        const doc = docs[k];
        Object.defineProperty(docs, k, { get: () => (log.push(k), doc) });
      }
      return docs;
    });
    expect(r.log).toEqual([0, 7, 500, 501, 900, 1999]);
  });

  it('holes read through Array.prototype', async () => {
    const saved = Object.getOwnPropertyDescriptor(Array.prototype, 5);
    try {
      const r = await expectSameAsIteration((log) => {
        const docs = documents(1000);
        delete docs[5];
        // With a setter, so that arrays written meanwhile (the runner's, the library's) get their own index 5.
        Object.defineProperty(Array.prototype, 5, {
          configurable: true,
          get: () => (log.push('hole'), 'from the prototype alpha'),
          set(value) {
            Object.defineProperty(this, 5, { value, writable: true, enumerable: true, configurable: true });
          },
        });
        return docs;
      });
      expect(r.log).toEqual(['hole']);
    } finally {
      if (saved) Object.defineProperty(Array.prototype, 5, saved);
      else delete Array.prototype[5];
    }
  });

  it('a length that shrinks while it is read ends the input there', async () => {
    const r = await expectSameAsIteration((log) => {
      const docs = documents(2000);
      const doc = docs[700];
      Object.defineProperty(docs, 700, { get: () => (log.push(docs.length), (docs.length = 705), doc) });
      return docs;
    });
    expect(r.log).toEqual([2000]);
  });

  it('a length that grows while it is read is read to its new end', async () => {
    const r = await expectSameAsIteration((log) => {
      const docs = documents(1000);
      const doc = docs[999];
      Object.defineProperty(docs, 999, { get: () => (log.push(docs.length), docs.push(...documents(500).reverse()), doc) });
      return docs;
    });
    expect(r.log).toEqual([1000]);
  });

  it('a getter that throws: its error, once', async () => {
    const boom = new Error('element 600 is unreadable');
    const r = await expectSameAsIteration((log) => {
      const docs = documents(1000);
      Object.defineProperty(docs, 600, { get: () => (log.push(600), (() => { throw boom; })()) });
      return docs;
    });
    expect(r.result.error).toBe(boom.message);
    expect(r.log).toEqual([600]);
  });

  it('elements gather leaves to JS: non-documents, bytes starting inside a character, empty, ill-formed, lone surrogates', async () => {
    const odd = [
      '', new Uint8Array(0), euro.subarray(1), Buffer.concat([Buffer.from('cut '), euro.subarray(0, 2)]), 'lone \ud800 surrogate',
      'x'.repeat(5000), Buffer.from('y '.repeat(3000)), new Uint8Array(new ArrayBuffer(8)).subarray(2, 6),
    ];
    await expectSameAsIteration(() => {
      const docs = documents(1500);
      odd.forEach((d, k) => docs.splice(100 + 150 * k, 0, d));
      return docs;
    });
    for (const bad of [42, null, new Uint8ClampedArray(4), new Uint16Array(2), { length: 3 }]) {
      const r = await expectSameAsIteration(() => {
        const docs = documents(500);
        docs[321] = bad;
        return docs;
      });
      expect(r.result.code).toBe('ERR_INVALID_ARG_TYPE');
    }
  });
});

describe('patched iteration is honoured', () => {
  const saved = {
    values: Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator),
    next: Object.getOwnPropertyDescriptor(Object.getPrototypeOf([][Symbol.iterator]()), 'next'),
  };
  afterEach(() => {
    Object.defineProperty(Array.prototype, Symbol.iterator, saved.values);
    Object.defineProperty(Object.getPrototypeOf([][Symbol.iterator]()), 'next', saved.next);
  });
  // Half the documents only: a patched iteration that reads the whole array trains differently.
  const half = (docs) => docs.slice(0, docs.length >> 1);
  const expected = summary(train(half(documents(2000)), OPTIONS));

  // Each patch changes the iteration of the test's array only, and is undone before expect runs.
  it('Array.prototype[Symbol.iterator]', () => {
    const values = saved.values.value;
    const target = documents(2000);
    Array.prototype[Symbol.iterator] = function () { return Reflect.apply(values, this === target ? half(target) : this, []); };
    const r = summary(train(target, OPTIONS));
    Object.defineProperty(Array.prototype, Symbol.iterator, saved.values);
    expect(r).toEqual(expected);
  });

  it('the array iterator\'s next', () => {
    const next = saved.next.value;
    const target = documents(2000).map((d) => Buffer.from(d));
    const mine = new Set(target);
    let calls = 0;
    // Every second of the target's documents read is skipped: documents 0, 2, 3, 5, 6, ... are read.
    Object.getPrototypeOf([][Symbol.iterator]()).next = function () {
      const r = Reflect.apply(next, this, []);
      return !r.done && mine.has(r.value) && ++calls % 2 === 0 ? Reflect.apply(next, this, []) : r;
    };
    const r = summary(train(target, OPTIONS));
    Object.defineProperty(Object.getPrototypeOf([][Symbol.iterator]()), 'next', saved.next);
    expect(calls).toBeGreaterThan(1000);
    expect(r).toEqual(summary(train(target.filter((_, k) => k % 3 !== 1), OPTIONS)));
  });

  it('an own Symbol.iterator, a subclass\'s, a Proxy\'s traps', async () => {
    const own = documents(2000);
    own[Symbol.iterator] = function* () { yield* half(documents(2000)); };
    expect(summary(train(own, OPTIONS))).toEqual(expected);
    class Halves extends Array {
      *[Symbol.iterator]() { yield* half(documents(2000)); }
    }
    const sub = Halves.from(documents(2000));
    expect(summary(await trainAsync(sub, OPTIONS))).toEqual(expected);
    const gets = [];
    const proxied = new Proxy(half(documents(2000)), { get: (t, key, r) => (gets.push(key), Reflect.get(t, key, r)) });
    expect(summary(train(proxied, OPTIONS))).toEqual(expected);
    expect(gets.filter((k) => k === 'length').length).toBe(1001);
  });
});

describe('many documents per batch', () => {
  it('more documents per batch than the ends first held (4096), and empty ones', async () => {
    const docs = documents(20000);
    for (let k = 0; k < 20000; k += 3) docs.splice(k, 0, '');
    const r = await expectSameAsIteration(() => docs);
    expect(r.result.merges.length).toBeGreaterThan(3 * 20);
  });
});

describe('the addon gathers many documents per call', () => {
  it('train and trainAsync over an array call Trainer.gather, not once per document', async () => {
    const Trainer = native.Trainer;
    if (native.backend === 'wasm' || typeof Trainer?.gather !== 'function') {
      expect(native.backend).toBe('wasm');
      return;
    }
    const gather = Trainer.gather;
    let calls = 0;
    Trainer.gather = (...args) => (calls++, gather(...args));
    try {
      const docs = documents(20000);
      const expected = summary(train(docs.values(), OPTIONS));
      expect(summary(train(docs, OPTIONS))).toEqual(expected);
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThan(docs.length / 100);
      calls = 0;
      expect(summary(await trainAsync(docs, OPTIONS))).toEqual(expected);
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThan(docs.length / 10);
    } finally {
      Trainer.gather = gather;
    }
  });
});

describe('Trainer.gather called directly with bad arguments', () => {
  it('throws a coded error, never writes outside its buffers', () => {
    const gather = native.Trainer?.gather;
    if (native.backend === 'wasm' || typeof gather !== 'function') {
      expect(native.backend).toBe('wasm');
      return;
    }
    const batch = new Uint8Array(64);
    const ends = new Uint32Array(4);
    const progress = (used, n) => Float64Array.of(used, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const bad = [
      [],
      ['not an array', 0, 10, batch, ends, progress(0, 0)],
      [['a'], -1, 10, batch, ends, progress(0, 0)],
      [['a'], 0, NaN, batch, ends, progress(0, 0)],
      [['a'], 0, 10, new Uint16Array(4), ends, progress(0, 0)],
      [['a'], 0, 10, batch, new Int32Array(4), progress(0, 0)],
      [['a'], 0, 10, batch, ends, new Float64Array(2)],
      [['a'], 0, 10, batch, ends, progress(65, 0)],
      [['a'], 0, 10, batch, ends, progress(0, 5)],
      [['a'], 0, 10, batch, ends, progress(NaN, 0)],
    ];
    for (const args of bad) expect(() => gather(...args), String(args[0])).toThrow(expect.objectContaining({ code: expect.any(String) }));
    // A full batch or full ends: nothing taken, the element handed back.
    const p = progress(64, 0);
    expect(gather(['abc'], 0, 10, batch, ends, p)).toBe('abc');
    expect(Array.from(p.subarray(0, 4))).toEqual([64, 0, 0, 1]);
    const q = progress(0, 4);
    expect(gather(['abc'], 0, 10, batch, ends, q)).toBe(undefined);
    expect(Array.from(q.subarray(0, 4))).toEqual([0, 4, 0, 2]);
    // A string takes 3 bytes a UTF-16 unit and a byte for napi's terminator: 21 units fit 64 bytes, 22 do not.
    const r = progress(0, 0);
    expect(gather(['é'.repeat(21), 'x'.repeat(22)], 0, 10, batch, ends, r)).toBe('x'.repeat(22));
    expect(Array.from(r.subarray(0, 4))).toEqual([42, 1, 1, 1]);
    expect(Buffer.from(batch.subarray(0, 42)).toString()).toBe('é'.repeat(21));
  });
});
