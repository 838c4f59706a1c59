// The other published entry points of tiktoken (1.0.22: lite, init, load, lite/init, lite/load,
// encode_with_unstable) and js-tiktoken (1.0.21: lite, ranks/<name>) as shared suites, run
// against the packages themselves (test/compat/compat-originals.test.mjs) and against
// turbotoken's subpaths (test/compat/compat-entry-points.test.mjs).
import { describe, expect, it } from 'vitest';
import { NOT_ALLOWED, NPM_ENCODINGS, plainError } from './compat-common.mjs';

// Sets of id sequences, order ignored (tiktoken returns its completions in hash order).
export const asSet = (lists) => lists.map((ids) => ids.join(',')).sort();

const REGISTRY_TEXT = 'IQ== 0\nIg== 1\n';

/**
 * A GPT-2 style data-gym pair (vocab.bpe merges, encoder.json) for a tiny vocabulary: every byte,
 * then the merges "h e", "l l", "he ll" and "Ġ w" (a space before w).
 */
export function dataGymFiles() {
  const printable = (b) => !(b <= 31 || (b >= 127 && b <= 160) || b === 173) && b !== 32;
  const chars = [];
  for (let b = 0; b < 256; b++) if (printable(b)) chars.push(String.fromCharCode(b));
  let moved = 0;
  for (let b = 0; b < 256; b++) if (!printable(b)) chars.push(String.fromCharCode(256 + moved++));
  const merges = [['h', 'e'], ['l', 'l'], ['he', 'll'], ['\u0120', 'w']];
  const encoder = Object.fromEntries(chars.map((c, i) => [c, i]));
  merges.forEach(([a, b], i) => { encoder[a + b] = 256 + i; });
  encoder['<|endoftext|>'] = 256 + merges.length;
  return { vocab: `#version: 0.2\n${merges.map((m) => m.join(' ')).join('\n')}\n`, encoder: JSON.stringify(encoder) };
}

const SMALL_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * `api`: { main, lite, init, load, liteInit, liteLoad } (the modules), and `instantiate` and
 * `instantiateLite`, the callbacks tiktoken's init and lite/init need (turbotoken's call neither).
 */
export function tiktokenEntriesSuite(label, api, instantiate, instantiateLite = instantiate) {
  describe(`${label}: lite`, () => {
    it('exports the Tiktoken class only', () => {
      expect(typeof api.lite.Tiktoken).toBe('function');
      for (const name of ['get_encoding', 'encoding_for_model', 'get_encoding_name_for_model']) expect(api.lite[name]).toBeUndefined();
    });
    it('builds an encoder from ranks, special tokens and a pattern', async () => {
      const ranks = await api.load.load({ load_tiktoken_bpe: 'ranks', pat_str: SMALL_PATTERN, special_tokens: {} }, async () => bytesRanks());
      const enc = new api.lite.Tiktoken(ranks.bpe_ranks, { '<|x|>': 256 }, ranks.pat_str);
      expect(enc.name).toBeUndefined();
      expect([...enc.encode('ab <|x|>', 'all')]).toEqual([97, 98, 32, 256]);
      expect(new TextDecoder().decode(enc.decode(enc.encode('hi!', 'all')))).toBe('hi!');
    });
  });

  describe(`${label}: init`, () => {
    it('resolves, after which the full API works', async () => {
      await api.init.init(instantiate);
      for (const name of ['get_encoding', 'encoding_for_model', 'get_encoding_name_for_model', 'Tiktoken']) expect(typeof api.init[name]).toBe('function');
      expect([...api.init.get_encoding('cl100k_base').encode('hello world')]).toEqual([15339, 1917]);
      expect(api.init.get_encoding_name_for_model('gpt-4o')).toBe('o200k_base');
    });
    it('lite/init resolves and gives the Tiktoken class', async () => {
      await api.liteInit.init(instantiateLite);
      expect(typeof api.liteInit.Tiktoken).toBe('function');
      expect(api.liteInit.get_encoding).toBeUndefined();
    });
  });

  describe(`${label}: load`, () => {
    it('returns the registry fields and what customFetch returns as bpe_ranks', async () => {
      const urls = [];
      const fetchText = async (url) => { urls.push(url); return REGISTRY_TEXT; };
      const entry = { load_tiktoken_bpe: 'mem://ranks', explicit_n_vocab: 3, pat_str: 'x', special_tokens: { '<|e|>': 2 } };
      expect(await api.load.load(entry, fetchText)).toEqual({ explicit_n_vocab: 3, pat_str: 'x', special_tokens: { '<|e|>': 2 }, bpe_ranks: REGISTRY_TEXT });
      expect(urls).toEqual(['mem://ranks']);
      expect((await api.liteLoad.load({ ...entry, explicit_n_vocab: undefined }, fetchText)).explicit_n_vocab).toBeUndefined();
    });
    it('turns a data-gym pair into tiktoken ranks', async () => {
      const files = dataGymFiles();
      const entry = { data_gym_to_mergeable_bpe_ranks: { vocab_bpe_file: 'v', encoder_json_file: 'e' }, pat_str: SMALL_PATTERN, special_tokens: { '<|endoftext|>': 260 } };
      const ranks = await api.load.load(entry, async (url) => (url === 'v' ? files.vocab : files.encoder));
      const lines = ranks.bpe_ranks.split('\n');
      expect(lines).toHaveLength(261);
      expect(lines[0]).toBe('IQ== 0');
      expect(lines.slice(256, 260)).toEqual(['aGU= 256', 'bGw= 257', 'aGVsbA== 258', 'IHc= 259']);
      const enc = new api.lite.Tiktoken(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str);
      expect([...enc.encode('hello world<|endoftext|>', 'all')]).toEqual([258, 78, 259, 78, 81, 75, 67, 260]);
    });
    it('refuses a data-gym pair whose files disagree', async () => {
      const files = dataGymFiles();
      const entry = { data_gym_to_mergeable_bpe_ranks: { vocab_bpe_file: 'v', encoder_json_file: 'e' }, pat_str: SMALL_PATTERN, special_tokens: {} };
      const broken = files.vocab.replace('l l', 'l o');
      await expect(api.load.load(entry, async (url) => (url === 'v' ? broken : files.encoder))).rejects.toThrow('bpe_ranks !== encoder_json_loaded');
    });
  });

  describe(`${label}: encode_with_unstable`, () => {
    const enc = api.main.get_encoding('cl100k_base');
    it('holds back the last piece and lists what it may become', () => {
      const [tokens, completions] = enc.encode_with_unstable('hello fan');
      expect(tokens).toEqual([15339]);
      const set = asSet(completions);
      expect(set).toContain('282,22278');
      expect(set).toContain('8755');
      expect(set.length).toBeGreaterThan(50);
      for (const ids of completions) expect(Array.isArray(ids)).toBe(true);
    });
    it('ends stable after a special token and for empty text', () => {
      expect(enc.encode_with_unstable('hello <|endoftext|>', 'all')).toEqual([[15339, 220, 100257], []]);
      expect(enc.encode_with_unstable('')).toEqual([[], []]);
    });
    it('widens the tail over trailing whitespace tokens', () => {
      const [tokens, completions] = enc.encode_with_unstable('x\n\n');
      expect(tokens).toEqual([87]);
      expect(asSet(completions)).toContain('271');
      // "\n\n" then "\t" are two pieces; more text could join them, so both are unstable.
      const [widened, joined] = enc.encode_with_unstable('a\n\n\t');
      expect(widened).toEqual([64]);
      expect(asSet(joined)).toContain('271,197');
    });
    it('rejects disallowed special tokens as encode does', () => {
      expect(() => enc.encode_with_unstable('a <|endoftext|>')).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
      expect(() => enc.encode_with_unstable('a', 'some')).toThrow(plainError('Invalid value for allowed_special'));
    });
  });
}

// The ranks of the 256 single bytes in tiktoken's text form.
function bytesRanks() {
  return Array.from({ length: 256 }, (_, b) => `${Buffer.from([b]).toString('base64')} ${b}\n`).join('');
}

/**
 * `api`: { main, lite, ranks(name) } for js-tiktoken; `built` names the encodings whose ranks are
 * built into an encoder (js-tiktoken takes seconds per vocabulary).
 */
export function jsTiktokenEntriesSuite(label, api, built = NPM_ENCODINGS) {
  describe(`${label}: lite`, () => {
    it('exports Tiktoken and getEncodingNameForModel, no bundled vocabularies', () => {
      expect(typeof api.lite.Tiktoken).toBe('function');
      expect(api.lite.getEncodingNameForModel('gpt-4')).toBe('cl100k_base');
      expect(api.lite.getEncoding).toBeUndefined();
      expect(api.lite.encodingForModel).toBeUndefined();
    });
  });
  describe.each(NPM_ENCODINGS)(`${label}: ranks/%s`, (name) => {
    const ranks = api.ranks(name);
    it('has the shape js-tiktoken ships', () => {
      expect(Object.keys(ranks).filter((key) => key !== 'explicit_n_vocab')).toEqual(['pat_str', 'special_tokens', 'bpe_ranks']);
      expect(ranks.special_tokens).toEqual(SPECIALS[name]);
      expect(ranks.bpe_ranks.startsWith('! 0 IQ== Ig== ')).toBe(true);
      expect(ranks.explicit_n_vocab).toBe(EXPLICIT[name]);
    });
    if (built.includes(name)) it('new lite.Tiktoken(ranks) encodes as getEncoding does', () => {
      const enc = new api.lite.Tiktoken(ranks, { '<|x|>': 300000 });
      const ref = api.main.getEncoding(name);
      const text = 'hello world, naïve café 12345 <|endoftext|>';
      expect(enc.encode(text, 'all')).toEqual(ref.encode(text, 'all'));
      expect(enc.encode('<|x|>', 'all')).toEqual([300000]);
      expect(enc.decode(enc.encode(text, 'all'))).toBe(text);
    });
  });
}

const SPECIALS = {
  gpt2: { '<|endoftext|>': 50256 },
  r50k_base: { '<|endoftext|>': 50256 },
  p50k_base: { '<|endoftext|>': 50256 },
  p50k_edit: { '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 },
  cl100k_base: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
  o200k_base: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
};
const EXPLICIT = { gpt2: 50257, r50k_base: 50257, p50k_base: 50281 };
