// Special tokens follow tiktoken's semantics: disallowed by default (an error naming the token),
// encoded as ids when allowed, encoded as text when neither allowed nor disallowed.
import { describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding } from '../../index.mjs';
import { reference } from '../support/reference.mjs';
import { thrownBy } from '../support/thrown.mjs';

const cl = getEncoding('cl100k_base');

describe('special tokens', () => {
  it("has tiktoken's ids", () => {
    expect(cl.specialTokens).toEqual({
      '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276,
    });
    const o200k = getEncoding('o200k_base');
    expect(o200k.specialTokens).toEqual({ '<|endoftext|>': 199999, '<|endofprompt|>': 200018 });
    const edit = getEncoding('p50k_edit');
    expect(edit.specialTokens).toEqual({ '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 });
    const harmony = getEncoding('o200k_harmony');
    expect(harmony.specialTokens['<|start|>']).toBe(200006);
    expect(harmony.specialTokens['<|call|>']).toBe(200012);
    expect(harmony.specialTokens['<|reserved_201087|>']).toBe(201087);
    expect(harmony.maxTokenValue).toBe(201087);
    expect(harmony.nVocab).toBe(201088);
  });

  it('rejects special-token text by default, naming the token', () => {
    const text = 'hello <|endofprompt|> and <|endoftext|>';
    const error = thrownBy(() => cl.encode(text));
    expect(error).toBeInstanceOf(TurbotokenError);
    expect(error).toMatchObject({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN', message: expect.stringContaining('<|endofprompt|>') });
    expect(() => reference('cl100k_base').encode(text)).toThrow();
    expect(() => cl.count(text)).toThrow(TurbotokenError);
  });

  it('encodes allowed special tokens as their ids', () => {
    const text = 'a<|endoftext|>b<|fim_prefix|>';
    expect([...cl.encode(text, { allowedSpecial: 'all' })]).toEqual([...reference('cl100k_base').encode(text, 'all')]);
    expect([...cl.encode(text, { allowedSpecial: new Set(['<|endoftext|>', '<|fim_prefix|>']) })]).toContain(100257);
    expect(cl.count(text, { allowedSpecial: 'all' })).toBe(cl.encode(text, { allowedSpecial: 'all' }).length);
  });

  it('still rejects a special token that is not in an allowed set', () => {
    expect(() => cl.encode('a<|endoftext|>b<|fim_prefix|>', { allowedSpecial: ['<|endoftext|>'] })).toThrow(/fim_prefix/);
  });

  it('encodes special-token text as text when nothing is disallowed', () => {
    const text = 'x <|endoftext|> y';
    const ours = cl.encode(text, { disallowedSpecial: [] });
    expect([...ours]).toEqual([...reference('cl100k_base').encode(text, [], [])]);
    expect([...ours]).not.toContain(100257);
    expect([...cl.encodeOrdinary(text)]).toEqual([...ours]);
  });

  it('honours an explicit disallowed set', () => {
    const text = '<|endoftext|> <|fim_middle|>';
    expect(() => cl.encode(text, { disallowedSpecial: ['<|fim_middle|>'] })).toThrow(/fim_middle/);
    const ours = cl.encode(text, { disallowedSpecial: ['<|fim_suffix|>'] });
    expect([...ours]).toEqual([...reference('cl100k_base').encode(text, [], ['<|fim_suffix|>'])]);
    // A token both allowed and disallowed is an error, as in tiktoken.
    expect(() => cl.encode(text, { allowedSpecial: ['<|endoftext|>'], disallowedSpecial: ['<|endoftext|>'] })).toThrow(TurbotokenError);
  });

  it('mixes allowed tokens and text in the same string', () => {
    const text = '<|endoftext|><|fim_middle|> trailing <|endoftext|>';
    const ours = cl.encode(text, { allowedSpecial: ['<|endoftext|>'], disallowedSpecial: [] });
    expect([...ours]).toEqual([...reference('cl100k_base').encode(text, ['<|endoftext|>'], [])]);
  });

  it('rejects names that are not special tokens of the encoding', () => {
    expect(() => cl.encode('x', { allowedSpecial: ['<|start|>'] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SPECIAL_TOKEN' }));
  });

  it('encodes harmony tokens', () => {
    const h = getEncoding('o200k_harmony');
    const text = '<|start|>user<|message|>Hi<|end|><|reserved_200500|>';
    expect([...h.encode(text, { allowedSpecial: 'all' })]).toEqual([...reference('o200k_harmony').encode(text, 'all')]);
    expect(h.decode([200006, 200008])).toBe('<|start|><|message|>');
  });

  it('encodes both names that harmony gives id 200018', () => {
    const h = getEncoding('o200k_harmony');
    expect([...h.encode('<|endofprompt|><|reserved_200018|>', { allowedSpecial: 'all' })]).toEqual([200018, 200018]);
    expect(h.decode([200018])).toBe('<|endofprompt|>');
  });
});
