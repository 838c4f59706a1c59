// `^` and `$` in a tokenizer.json Split pattern: Hugging Face runs the pattern on Oniguruma, which
// reads them as line anchors (true next to every newline), while the compiled program's Begin and
// End are the text's ends. Such a file is refused, naming the key, rather than cut differently at
// newlines; `^` inside a class and an escaped `$` are characters and still load.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Encoding, TurbotokenError } from '../../index.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const split = (regex) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false });
const json = (pre) => ({
  version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
  pre_tokenizer: pre,
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
});
const sequence = (regex) => ({ type: 'Sequence', pretokenizers: [split(regex), { type: 'ByteLevel', add_prefix_space: false, use_regex: false }] });
const layered = (regex) => ({ type: 'Sequence', pretokenizers: [split('\\s+'), split(regex), { type: 'ByteLevel', add_prefix_space: false, use_regex: false }] });

function refusal(tokenizer) {
  try {
    Encoding.fromTokenizerJson(tokenizer);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Split patterns with ^ or $', () => {
  it('Hugging Face reads them as line anchors', () => {
    const hf = Tokenizer.fromString(JSON.stringify(json({ type: 'Sequence', pretokenizers: [split('^a|b$')] }))).getPreTokenizer();
    expect(hf.preTokenizeString('b\na').map(([piece]) => piece)).toEqual(['b', '\n', 'a']);
  });

  it.each(['^a', 'b$', '(?:^|x)y', 'a|b$|c'])('refuses %s, naming the key', (regex) => {
    for (const [pre, key] of [
      [sequence(regex), 'pre_tokenizer.pretokenizers[0].pattern'],
      [layered(regex), 'pre_tokenizer.pretokenizers[1].pattern'],
    ]) {
      const error = refusal(json(pre));
      expect(error).toBeInstanceOf(TurbotokenError);
      expect(error.code).toBe('ERR_UNSUPPORTED_TOKENIZER');
      expect(error.message).toContain(key);
      expect(error.message).toContain('line anchors');
    }
  });

  it.each(['[^\\s]+|\\s+', '\\$\\d+|[^$]+', '[^\\r\\n]+|[\\r\\n]+'])('loads %s (no anchor)', (regex) => {
    expect(refusal(json(sequence(regex)))).toBeUndefined();
    expect(refusal(json(layered(regex)))).toBeUndefined();
  });
});
