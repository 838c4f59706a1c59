// train(..., { algorithm: 'scaffold' }): Scaffold-BPE (docs/training.md). The merges and the final
// scaffold tokens equal those of a slow reference written here, which recounts every pair and
// every token's frequency after each step; the trained encoding round-trips and never returns a
// scaffold id; the vocabulary size leaves scaffold tokens out; a bad `algorithm` is a typed error.
import { describe, expect, it } from 'vitest';
import { Encoding, train, trainAsync } from '../../index.mjs';
import { applyMerge, asTriples, bestPair, countChunks, GPT2_PATTERN, pairCounts, trainerState } from '../support/reference-trainer.mjs';
import { randomDocuments, stemCorpus } from '../support/train-corpora.mjs';

/**
 * Scaffold-BPE by recounting, in train()'s output ids: { merges: [left, right, result][],
 * scaffold: sorted ids }. The rule, step by step:
 * - the queue holds every pair (its count) and every scaffold token (its frequency: how many
 *   times it stands in the merged corpus); its head is the highest, a token before a pair at
 *   equal counts, then the smallest ids;
 * - a scaffold token at the head goes back into the vocabulary; a pair at the head is merged
 *   (and the token it makes, if it was a scaffold token, is back in the vocabulary);
 * - after a merge (a, b), each of a and b that is not a single byte becomes a scaffold token if
 *   its frequency is now below the frequency at the head of the queue;
 * - stop when the vocabulary without scaffold tokens is full, or the head is below minFrequency.
 */
function referenceScaffold(chunkCounts, { vocabSize, tieBreak = 'bytes', minFrequency = 0, specials = 0 }) {
  const state = trainerState(chunkCounts, { tieBreak, specials });
  const { words, order } = state;
  const least = Math.max(1, minFrequency);
  const scaffold = new Set();
  let restores = 0;
  const merges = [];

  const frequencies = () => {
    const f = new Map();
    for (const w of words) for (const id of w.ids) f.set(id, (f.get(id) ?? 0) + w.count);
    return f;
  };
  const bestToken = (f) => {
    let best;
    for (const id of scaffold) {
      const n = f.get(id) ?? 0;
      if (n > 0 && (!best || n > best.n || (n === best.n && order(id) < order(best.id)))) best = { id, n };
    }
    return best;
  };

  while (state.base + state.made - scaffold.size < vocabSize) {
    const pair = bestPair(pairCounts(words), order);
    const token = bestToken(frequencies());
    if (token && token.n >= least && (!pair || token.n >= pair.count)) {
      scaffold.delete(token.id);
      restores++;
      continue;
    }
    if (!pair || pair.count < least) break;
    const id = applyMerge(state, pair.l, pair.r);
    merges.push([pair.l, pair.r, id]);
    scaffold.delete(id);
    const f = frequencies();
    const head = Math.max(bestPair(pairCounts(words), order)?.count ?? 0, bestToken(f)?.n ?? 0);
    for (const child of [pair.l, pair.r]) if (child >= 256 && (f.get(child) ?? 0) < head) scaffold.add(child);
  }
  return { merges, scaffold: [...scaffold].sort((x, y) => x - y), restores };
}

// Few letters, runs of one letter, repeated words: most counts tie, among pairs and tokens alike.
function tieCorpus(seed, docs = 30) {
  return randomDocuments(seed, docs, 10, (random, pick) => {
    const kind = random();
    if (kind < 0.3) return pick(['a', 'b', ' a', ' ab']).repeat(1 + Math.floor(random() * 7));
    if (kind < 0.7) return ' ' + Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick('abc')).join('');
    return ' ' + pick(['aaaa', 'abab', 'abc', 'aabb', 'cab']);
  });
}

describe('Scaffold-BPE equals the recounting reference', () => {
  for (const tieBreak of ['bytes', 'huggingface']) {
    it(`tieBreak '${tieBreak}': 50 random corpora, identical merges and scaffold tokens`, () => {
      let differences = 0;
      let scaffolds = 0;
      let restored = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const docs = seed <= 30 ? stemCorpus(seed) : tieCorpus(seed);
        const vocabSize = (tieBreak === 'bytes' ? 256 : 10) + 15 + (seed % 30);
        const ours = train(docs, { vocabSize, pattern: 'gpt2', tieBreak, algorithm: 'scaffold' });
        const expected = referenceScaffold(countChunks(docs, GPT2_PATTERN), { vocabSize, tieBreak });
        scaffolds += expected.scaffold.length;
        restored += expected.restores;
        if (JSON.stringify(asTriples(ours.merges)) !== JSON.stringify(expected.merges)) differences++;
        else if (JSON.stringify([...ours.scaffold]) !== JSON.stringify(expected.scaffold)) differences++;
      }
      expect(scaffolds).toBeGreaterThan(30); // the corpora do make scaffold tokens
      expect(restored).toBeGreaterThan(0); // and scaffold tokens that return to the vocabulary
      expect(differences).toBe(0);
    });
  }

  it('minFrequency and special tokens', () => {
    for (let seed = 40; seed < 46; seed++) {
      const docs = stemCorpus(seed, 60);
      const ours = train(docs, { vocabSize: 330, pattern: 'gpt2', minFrequency: 3, specialTokens: ['<|end|>'], algorithm: 'scaffold' });
      const expected = referenceScaffold(countChunks(docs, GPT2_PATTERN), { vocabSize: 330, minFrequency: 3, specials: 1 });
      expect(asTriples(ours.merges)).toEqual(expected.merges);
      expect([...ours.scaffold]).toEqual(expected.scaffold);
    }
  });
});

describe('the Scaffold-BPE vocabulary and its encoding', () => {
  const docs = stemCorpus(7, 400).concat(['The quick brown fox jumps over the lazy dog. ÄÖÜ 😀 1234567']);
  const result = train(docs, { vocabSize: 330, algorithm: 'scaffold', specialTokens: ['<|endoftext|>'] });
  const { encoding, scaffold } = result;
  const isScaffold = new Set(scaffold);
  const texts = [...docs.slice(0, 60), 'unseen words: xyz 𠜎 \u0000\t\r\n lowestly smallestaa', ''];

  it('vocabSize counts the bytes, the merged tokens that are not scaffold tokens and the special tokens', () => {
    expect(scaffold.length).toBeGreaterThan(0);
    expect(result.tokens.length - scaffold.length + 1).toBe(330);
    for (const id of scaffold) expect(id).toBeGreaterThanOrEqual(256); // bytes are never scaffold tokens
    expect(encoding.specialTokens).toEqual({ '<|endoftext|>': result.tokens.length });
  });

  it('round-trips, and no encode path returns a scaffold id', async () => {
    const plain = new Encoding({ name: 'expanded', pattern: result.pattern, ranks: new Map(result.tokens.map((t, id) => [t, id])) });
    let demerged = 0;
    for (const text of texts) {
      const ids = encoding.encode(text);
      expect(encoding.decode(ids)).toBe(text);
      expect(ids.some((id) => isScaffold.has(id))).toBe(false);
      expect(encoding.encodeOrdinary(text)).toEqual(ids);
      expect(encoding.count(text)).toBe(ids.length);
      expect(await encoding.encodeAsync(text)).toEqual(ids);
      expect(await encoding.countAsync(text)).toBe(ids.length);
      expect(encoding.countTokens(text)).toBe(ids.length);
      expect(encoding.isWithinTokenLimit(text, ids.length)).toBe(ids.length);
      if (ids.length > 0) expect(encoding.isWithinTokenLimit(text, ids.length - 1)).toBe(false);
      expect(encoding.encode(text, { maxTokens: 3 })).toEqual(ids.slice(0, 3));
      expect([...encoding.encodeGenerator(text)].flatMap((c) => [...c])).toEqual([...ids]);
      // Merged with every token first: the same bytes as the expanded vocabulary's encoding.
      const expanded = plain.encode(text);
      if (expanded.some((id) => isScaffold.has(id))) demerged++;
      expect(ids.length).toBeGreaterThanOrEqual(expanded.length);
    }
    expect(demerged).toBeGreaterThan(0); // the post-pass had scaffold tokens to split
    const batch = encoding.encodeBatch(texts);
    texts.forEach((text, k) => expect(batch.tokens.subarray(batch.offsets[k], batch.offsets[k + 1])).toEqual(encoding.encode(text)));
    expect([...encoding.countBatch(texts)]).toEqual(texts.map((t) => encoding.encode(t).length));
    expect([...encoding.encode('a<|endoftext|>', { allowedSpecial: 'all' })].at(-1)).toBe(result.tokens.length);
  });

  it('maxTokens is read once: a getter that changes its answer cannot change the cut', () => {
    const text = texts.find((t) => encoding.encode(t).length > 6);
    let reads = 0;
    const options = {
      get maxTokens() {
        reads++;
        return reads === 1 ? 5 : 1;
      },
    };
    expect(encoding.encode(text, options)).toEqual(encoding.encode(text).slice(0, 5));
    expect(reads).toBe(1);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => encoding.encode(text, revoked.proxy)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('a scaffold token demerges into the tokens its merge joined', () => {
    const id = scaffold[0];
    const text = Buffer.from(result.tokens[id]).toString('latin1');
    const ids = encoding.encode(result.tokens[id]);
    expect(ids.length).toBeGreaterThan(1);
    expect(Buffer.from(encoding.decodeBytes(ids)).toString('latin1')).toBe(text);
    expect(() => encoding.encodeSingleToken(result.tokens[id])).toThrow(expect.objectContaining({ code: 'ERR_NOT_A_TOKEN' }));
    expect(encoding.tokensWithPrefix(result.tokens[id]).some((t) => isScaffold.has(t))).toBe(false);
  });

  it('every Encoding method that returns ids demerges or is refused with a code', () => {
    // Methods that take ids or return text only (_safeCuts: byte positions); every other method must be overridden.
    const idFree = new Set(['constructor', '_safeCuts', 'decode', 'decodeBytes', 'decodeAsync', 'tokenBytes', 'decodeGenerator', 'decodeAsyncGenerator', 'applyChatTemplate']);
    // Overridden through methods that are: encodeGenerator, encodeChat and countChatTokens call encode and count.
    const viaOverrides = new Set(['encodeGenerator', 'encodeChat', 'countChatTokens', 'countTokens', 'encodeStream']);
    const own = new Set(Object.getOwnPropertyNames(Object.getPrototypeOf(encoding)));
    const missing = Object.getOwnPropertyNames(Encoding.prototype).filter((name) => {
      const d = Object.getOwnPropertyDescriptor(Encoding.prototype, name);
      return typeof d.value === 'function' && !idFree.has(name) && !viaOverrides.has(name) && !own.has(name);
    });
    expect(missing).toEqual([]);
    for (const call of [() => encoding.encodeWithOffsets('low'), () => encoding.heal('low'), () => encoding.isCanonical([1]), () => encoding.save('/nonexistent/x')]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOKENIZER' }));
    }
    expect(() => result.toTokenizerJson()).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_TOKENIZER' }));
  });

  it('bad arguments to the methods it overrides are coded errors, as on any Encoding', async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const calls = [
      () => encoding.encode(42),
      () => encoding.encode('abc', { maxTokens: -1 }),
      () => encoding.encode('abc', revoked.proxy),
      () => encoding.encodeOrdinary(null),
      () => encoding.count({}),
      () => encoding.encodeBatch('not an array'),
      () => encoding.encodeBatch([1, 2]),
      () => encoding.countBatch([null]),
      () => encoding.isWithinTokenLimit('abc', -1),
      () => encoding.isWithinTokenLimit(7, 10),
      () => encoding.encodeSingleToken(undefined),
      () => encoding.encodeSingleToken('not one token at all'),
      () => encoding.tokensWithPrefix(5),
    ];
    for (const call of calls) {
      let error;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, String(call)).toBeInstanceOf(Error);
      expect(typeof error.code, String(call)).toBe('string');
    }
    await expect(encoding.encodeAsync(42)).rejects.toHaveProperty('code');
    await expect(encoding.countAsync('abc', revoked.proxy)).rejects.toHaveProperty('code');
  });

  it("algorithm 'bpe' (the default) has no scaffold tokens and the plain merges", () => {
    const bpe = train(docs, { vocabSize: 330, specialTokens: ['<|endoftext|>'] });
    const explicit = train(docs, { vocabSize: 330, specialTokens: ['<|endoftext|>'], algorithm: 'bpe' });
    expect(bpe.scaffold.length).toBe(0);
    expect(explicit.merges).toEqual(bpe.merges);
    expect(bpe.encoding).not.toHaveProperty('scaffoldTokens');
    // Scaffold-BPE merges more pairs for the same vocabulary size: the scaffold tokens are extra.
    expect(result.tokens.length).toBeGreaterThan(bpe.tokens.length);
  });

  it('trainAsync gives the same result', async () => {
    const again = await trainAsync(docs, { vocabSize: 330, algorithm: 'scaffold', specialTokens: ['<|endoftext|>'] });
    expect(again.merges).toEqual(result.merges);
    expect(again.scaffold).toEqual(result.scaffold);
  });
});

describe('bad algorithm', () => {
  for (const algorithm of ['Scaffold', 'wordpiece', '', 1, null, {}]) {
    it(`${JSON.stringify(algorithm)}: a TypeError with a code, before any input is read`, () => {
      let read = false;
      const input = {
        *[Symbol.iterator]() {
          read = true;
          yield 'abc';
        },
      };
      expect(() => train(input, { vocabSize: 300, algorithm })).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
      expect(read).toBe(false);
    });
  }
});
