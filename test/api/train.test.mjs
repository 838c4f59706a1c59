// train() and trainAsync(): merges equal to a trainer that recounts every pair after each merge
// (test/support/reference-trainer.mjs) on randomized small corpora full of ties and letter runs,
// in both tie-break orders; the result encodes and round-trips; its .tiktoken loads as the same
// vocabulary; vocabulary counting, special tokens, chunking, caps and threads.
import { describe, expect, it } from 'vitest';
import { Encoding, train, trainAsync } from '../../index.mjs';
import { asTriples, countChunks, GPT2_PATTERN, referenceMerges } from '../support/reference-trainer.mjs';
import { randomDocuments } from '../support/train-corpora.mjs';

// Few letters, runs of one letter, and repeated words: most pair counts tie.
function tieCorpus(seed, docs = 40) {
  return randomDocuments(seed, docs, 12, (random, pick) => {
    const kind = random();
    if (kind < 0.3) return pick(['a', 'b', ' a', ' b', 'ab']).repeat(1 + Math.floor(random() * 9));
    if (kind < 0.6) return ' ' + Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick('abcé')).join('');
    if (kind < 0.8) return pick([' 12', ' 7', '!!', '\n', '  ', ' ab']);
    return ' ' + pick(['aaaa', 'abab', 'baba', 'aabb', 'é€']);
  });
}

describe('merges equal the recounting reference trainer', () => {
  for (const tieBreak of ['bytes', 'huggingface']) {
    it(`tieBreak '${tieBreak}': 40 random corpora, 0 differences`, () => {
      let differences = 0;
      let merges = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const docs = tieCorpus(seed);
        const vocabSize = (tieBreak === 'bytes' ? 256 : 8) + 20 + (seed % 40);
        const ours = train(docs, { vocabSize, pattern: 'gpt2', tieBreak });
        const expected = referenceMerges(countChunks(docs, GPT2_PATTERN), { vocabSize, tieBreak });
        merges += expected.length;
        if (JSON.stringify(asTriples(ours.merges)) !== JSON.stringify(expected)) differences++;
      }
      expect(merges).toBeGreaterThan(40 * 15);
      expect(differences).toBe(0);
    });
  }

  it('a custom pattern (the compiled matcher) and minFrequency', () => {
    const pattern = '[ab]+|[^ab]+';
    for (let seed = 100; seed < 106; seed++) {
      const docs = tieCorpus(seed);
      const ours = train(docs, { vocabSize: 300, pattern, minFrequency: 3 });
      const expected = referenceMerges(countChunks(docs, pattern), { vocabSize: 300, minFrequency: 3 });
      expect(asTriples(ours.merges)).toEqual(expected);
      expect(ours.mergeCounts.every((c) => c >= 3)).toBe(true);
    }
  });

  it('a pattern that leaves text between its matches: that text is counted as chunks too', () => {
    // Neither pattern matches spaces, digits or punctuation; the second not even "b".
    for (const pattern of ['\\p{L}+', 'a+|[é€]']) {
      for (const tieBreak of ['bytes', 'huggingface']) {
        for (let seed = 200; seed < 206; seed++) {
          const docs = tieCorpus(seed);
          const vocabSize = (tieBreak === 'bytes' ? 256 : 8) + 30;
          const ours = train(docs, { vocabSize, pattern, tieBreak });
          expect(asTriples(ours.merges)).toEqual(referenceMerges(countChunks(docs, pattern), { vocabSize, tieBreak }));
          for (const text of docs) expect(ours.encoding.decode(ours.encoding.encode(text))).toBe(text);
        }
      }
    }
  });
});

describe('the trained encoding', () => {
  const docs = tieCorpus(7, 400).concat(['The quick brown fox jumps over the lazy dog. ÄÖÜ 😀 1234567']);

  it('round-trips text, its own and other', () => {
    const { encoding } = train(docs, { vocabSize: 400 });
    for (const text of [...docs, 'unseen words: xyz 𠜎 \u0000\t\r\n', '']) expect(encoding.decode(encoding.encode(text))).toBe(text);
    expect(encoding.encode(docs.join('')).length).toBeLessThan(new TextEncoder().encode(docs.join('')).length / 2);
  });

  it("vocabSize counts 256 + merged tokens + special tokens with 'bytes'", () => {
    const r = train(docs, { vocabSize: 320, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(r.tokens.length + 2).toBe(320);
    expect(r.encoding.nVocab).toBe(320);
    expect(r.encoding.specialTokens).toEqual({ '<|endoftext|>': 318, '<|pad|>': 319 });
    expect(r.encoding.encode('a<|endoftext|>', { allowedSpecial: 'all' }).at(-1)).toBe(318);
  });

  it("vocabSize counts the bytes seen + merged tokens + special tokens with 'huggingface'", () => {
    const r = train(docs, { vocabSize: 120, tieBreak: 'huggingface', specialTokens: ['<s>'] });
    expect(r.alphabet + (r.tokens.length - 256) + 1).toBe(120);
  });

  it('.tiktoken text loads as the same vocabulary', () => {
    const r = train(docs, { vocabSize: 350, specialTokens: ['<|endoftext|>'] });
    const loaded = new Encoding({ name: 'loaded', pattern: r.pattern, ranks: r.toTiktoken(), specialTokens: r.encoding.specialTokens });
    const text = docs.join('\n');
    expect(Array.from(loaded.encode(text))).toEqual(Array.from(r.encoding.encode(text)));
    expect(r.toTiktoken().split('\n').length - 1).toBe(r.tokens.length);
  });

  it('strings and UTF-8 bytes train alike; ill-formed bytes read as U+FFFD', () => {
    const a = train(docs, { vocabSize: 300 });
    const b = train(docs.map((d) => new TextEncoder().encode(d)), { vocabSize: 300 });
    expect(b.merges).toEqual(a.merges);
    const bad = train([Uint8Array.of(0x61, 0xff, 0x61, 0xff)], { vocabSize: 258 });
    const fixed = train(['a\uFFFDa\uFFFD'], { vocabSize: 258 });
    expect(bad.merges).toEqual(fixed.merges);
  });
});

describe('options', () => {
  const docs = tieCorpus(11, 300);

  it("chunking 'lines' counts each line on its own; 'documents' with maxDocumentChars truncates", () => {
    const text = 'aaa bbb\naaa bbb\nccc';
    const lines = train([text], { vocabSize: 270, chunking: 'lines', pattern: '[^\\n]+|\\n' });
    const asLines = train(['aaa bbb\n', 'aaa bbb\n', 'ccc'], { vocabSize: 270, pattern: '[^\\n]+|\\n' });
    expect(lines.merges).toEqual(asLines.merges);
    const capped = train(['aé€b'.repeat(50)], { vocabSize: 300, maxDocumentChars: 7 });
    const cut = train(['aé€baé€'], { vocabSize: 300 });
    expect(capped.merges).toEqual(cut.merges);
  });

  it('threads give the same merges', () => {
    const big = [];
    for (let k = 0; k < 20; k++) big.push(...docs);
    const one = train(big, { vocabSize: 400, threads: 1 });
    const two = train(big, { vocabSize: 400, threads: 2 });
    expect(two.merges).toEqual(one.merges);
    expect(Array.from(two.mergeCounts)).toEqual(Array.from(one.mergeCounts));
  });

  it('maxChunks bounds the distinct chunks kept, dropping the rarest', () => {
    const words = [];
    for (let k = 0; k < 3000; k++) words.push(` w${k.toString(36)}x`);
    const common = ' the'.repeat(50);
    const r = train([common, ...words], { vocabSize: 270, maxChunks: 100, pattern: ' ?\\w+|\\W+' });
    expect(r.chunks).toBeLessThanOrEqual(100);
    expect(r.encoding.encode(' the').length).toBe(1);
  });

  it('trainAsync over an async iterable equals train', async () => {
    async function* gen() {
      for (const d of docs) yield d;
    }
    const a = await trainAsync(gen(), { vocabSize: 330, tieBreak: 'huggingface' });
    const b = train(docs, { vocabSize: 330, tieBreak: 'huggingface' });
    expect(a.merges).toEqual(b.merges);
  });

  it('onProgress reports bytes, documents and chunks', () => {
    const seen = [];
    train(docs, { vocabSize: 260, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1).documents).toBe(docs.length);
    expect(seen.at(-1).bytes).toBe(docs.reduce((n, d) => n + Buffer.byteLength(d), 0));
  });
});
