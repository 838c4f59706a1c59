// The committed books of reference answers (test/data/answer-digests/) that custom-vocab,
// tokenizer-json, compat-gpt-tokenizer, compat-tiktoken and compat-entry-points read instead of
// running tiktoken, Hugging Face `tokenizers` and gpt-tokenizer are held to those packages on every run: scripts/make-answer-digests.mjs --sample recomputes a few cases of each
// book with the reference itself (CI's --check recomputes them all). And a book only saves time:
// an answer other than the book's runs the reference, whose answer decides.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { THREW, answerBook, answerDigest, bookHeader, caseKey } from '../support/answer-digests.mjs';
import { BOOK, PACKAGE, parts, vocabReference } from '../support/custom-vocab-cases.mjs';
import { PATTERNS } from '../support/custom-vocab.mjs';

const script = fileURLToPath(new URL('../../scripts/make-answer-digests.mjs', import.meta.url));

describe('reference answer books', () => {
  it('hold the reference packages\' answers on a live sample, under the installed versions', () => {
    const out = execFileSync(process.execPath, [script, '--sample', '6'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/custom-vocab\.txt: 7 sampled answers, all the reference's/);
    expect(out).toMatch(/tokenizer-json\.txt: 12 sampled answers, all the reference's/);
    expect(out).toMatch(/gpt-tokenizer-chat\.txt: 6 sampled answers, all the reference's/);
    expect(out).toMatch(/compat-tiktoken\.txt: 12 sampled answers, all the reference's/);
    const book = answerBook(BOOK, PACKAGE);
    expect(book.current).toBe(true);
    expect(bookHeader(BOOK, PACKAGE)).toMatch(/^# tiktoken@\d+\.\d+\.\d+ /);
  });

  it('decide nothing: an answer that is not the book\'s is held to the reference itself', () => {
    const group = { vocab: 'r50k_base', specials: { '<|endoftext|>': 50256 }, pattern: PATTERNS.gpt2 };
    const ref = vocabReference(group.vocab, group.specials, group.pattern);
    const text = 'hello world';
    expect(answerBook(BOOK, PACKAGE).digest(parts(group, 'ordinary', text))).toBeUndefined();
    const ids = getEncoding('r50k_base').encodeOrdinary(text);
    // Not in the book: tiktoken runs and agrees.
    expect(ref.mismatch('ordinary', text, ids)).toBeNull();
    // One id changed: the reference's answer names where the two differ.
    const changed = Uint32Array.from(ids);
    changed[1] += 1;
    expect(ref.mismatch('ordinary', text, changed)).toMatch(/first difference at id 1/);
    expect(ref.mismatch('plain', '1\nz\n', THREW)).toMatch(/^ours threw, reference \d+ ids/);
  });

  it('keys cases by every part and digests ids, text and a thrown call apart', () => {
    expect(caseKey(['a', 'b'])).not.toBe(caseKey(['ab']));
    expect(caseKey(['a', { x: 1 }])).toBe(caseKey(['a', '{"x":1}']));
    expect(answerDigest([1, 2, 3])).toBe(answerDigest(Uint32Array.of(1, 2, 3)));
    expect(answerDigest([1, 2, 3])).not.toBe(answerDigest([1, 2, 4]));
    expect(answerDigest(THREW)).toBe('threw');
    expect(answerDigest([[1], 'x'])).toMatch(/^1:[0-9a-f]{16}\+s1:[0-9a-f]{16}$/);
  });
});
