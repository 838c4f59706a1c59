// analyze()'s bytes, characters and words (docs/analysis.md) against plain JavaScript definitions:
// Buffer.byteLength of the text as TextDecoder reads it, its code points, and its maximal runs of
// non-White_Space characters. On the native backend the core counts them
// (native/core/text/text_measures.h); on WebAssembly, JavaScript does.
import { describe, expect, it } from 'vitest';
import { analyze, getEncoding } from '../../index.mjs';
import { randomText, rng } from '../support/random-text.mjs';

// Unicode's White_Space property, listed out.
const WHITE_SPACE = '\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WORDS = new RegExp(`[^${WHITE_SPACE}]+`, 'gu');
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function reference(texts) {
  let bytes = 0;
  let characters = 0;
  let words = 0;
  for (const input of texts) {
    const text = typeof input === 'string' ? input.toWellFormed() : decoder.decode(input);
    bytes += Buffer.byteLength(text);
    characters += [...text].length;
    words += (text.match(WORDS) ?? []).length;
  }
  return { bytes, characters, words };
}

describe('analyze text measures', () => {
  const enc = getEncoding('cl100k_base');
  const measure = (texts) => {
    const [row] = analyze(enc, texts, { threads: 1 }).rows;
    return { bytes: row.bytes, characters: row.characters, words: row.words };
  };

  it('count every White_Space character and its neighbours as the definition says', () => {
    const near = '\u0084\u0086\u009f\u00a1\u167f\u1681\u1fff\u200b\u2027\u202a\u202e\u2030\u205e\u2060\u2fff\u3001\u180e\ufeff';
    const texts = [WHITE_SPACE, near, [...WHITE_SPACE].join('x'), [...near].join(' '), 'a\u3000b\u2028c\u0085d', ''];
    expect(measure(texts)).toEqual(reference(texts));
  });

  it('count lone surrogates, astral characters and ill-formed bytes as U+FFFD or themselves', () => {
    const texts = ['\ud800', 'a\udc00b', '\ud83d\ude00 \ud83d', '😀😀 x', Uint8Array.of(0xff, 0x20, 0xe2, 0x82), Uint8Array.of(0xf0, 0x9f, 0x98, 0x80, 0xc0, 0x80, 0x41), new TextEncoder().encode('héllo wörld')];
    expect(measure(texts)).toEqual(reference(texts));
  });

  it('agree with the definition on random text as strings and as bytes', () => {
    const next = rng(2718);
    const texts = [];
    for (let k = 0; k < 400; k++) {
      const text = randomText(next, 1 + Math.floor(next() * 60));
      texts.push(k % 3 === 0 ? new TextEncoder().encode(text) : text);
      if (k % 50 === 0) texts.push(Uint8Array.from({ length: 40 }, () => Math.floor(next() * 256)));
    }
    expect(measure(texts)).toEqual(reference(texts));
  });
});
