// A list of texts or ids is read once: its length once and each element once, into a copy that
// the backend then reads. A getter that throws on a second read, or pushes elements, or a Proxy
// that answers differently each time, cannot change what is encoded or crash the process.
import { describe, expect, it } from 'vitest';
import { getEncoding, createDecoder } from '../../index.mjs';
import * as tiktoken from '../../tiktoken.mjs';
import * as jsTiktoken from '../../js-tiktoken.mjs';

const enc = getEncoding('cl100k_base');

// A list whose element 0 throws when read a second time.
function throwsOnSecondRead(items) {
  const list = [...items];
  let reads = 0;
  Object.defineProperty(list, 0, {
    get() {
      if (++reads > 1) throw new Error('element 0 read twice');
      return items[0];
    },
    enumerable: true,
  });
  return list;
}

// A list whose element 0 pushes another element each time it is read.
function growsWhenRead(items, extra) {
  const list = [...items];
  Object.defineProperty(list, 0, {
    get() {
      list.push(extra);
      return items[0];
    },
    enumerable: true,
  });
  return list;
}

// A Proxy counting reads of length and of each index.
function counted(items) {
  const reads = { length: 0 };
  const proxy = new Proxy([...items], {
    get(target, key, receiver) {
      if (key === 'length' || /^\d+$/.test(String(key))) reads[key] = (reads[key] ?? 0) + 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { proxy, reads };
}

const flat = (result) => ({ tokens: [...result.tokens], offsets: [...result.offsets] });

describe('lists are read once', () => {
  const texts = ['hello world', 'abc def', '<|endoftext|>'];
  const options = { allowedSpecial: 'all', threads: 2 };
  const expected = flat(enc.encodeBatch(texts, options));

  it('encodeBatch and countBatch: an element that throws on its second read', () => {
    expect(flat(enc.encodeBatch(throwsOnSecondRead(texts), options))).toEqual(expected);
    expect([...enc.countBatch(throwsOnSecondRead(texts), options)]).toEqual(texts.map((t) => enc.count(t, options)));
  });

  it('encodeBatch and countBatch: an element that pushes more elements', () => {
    expect(flat(enc.encodeBatch(growsWhenRead(texts, 'pushed'), options))).toEqual(expected);
    expect([...enc.countBatch(growsWhenRead(texts, 'pushed'), options)]).toHaveLength(texts.length);
  });

  it('encodeBatch, countBatch, decode and the compat decoders read the length and each element once', () => {
    const ids = [...enc.encode('hello world and more')];
    const calls = [
      [texts, (list) => enc.encodeBatch(list, options)],
      [texts, (list) => enc.countBatch(list, options)],
      [ids, (list) => enc.decode(list)],
      [ids, (list) => enc.decodeBytes(list)],
      [ids, (list) => enc.decodeAsync(list)],
      [ids, (list) => createDecoder(enc).write(list)],
      [ids, (list) => tiktoken.get_encoding('cl100k_base').decode(list)],
      [ids, (list) => jsTiktoken.getEncoding('cl100k_base').decode(list)],
    ];
    for (const [items, run] of calls) {
      const { proxy, reads } = counted(items);
      run(proxy);
      expect(reads.length).toBe(1);
      for (let i = 0; i < items.length; i++) expect([i, reads[i]]).toEqual([i, 1]);
    }
  });

  it('decode: an id that throws on its second read, or pushes more ids', () => {
    const ids = [...enc.encode('hello world')];
    expect(enc.decode(throwsOnSecondRead(ids))).toBe('hello world');
    expect(enc.decode(growsWhenRead(ids, 0))).toBe('hello world');
  });
});
