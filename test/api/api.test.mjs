// The public API: exports in ESM and CommonJS, encoding properties, model names, sharing.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as esm from '../../index.mjs';
import { ENCODINGS, reference } from '../support/reference.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../dist/cjs/index.js');

describe('exports', () => {
  it('are the same functions from ESM and CommonJS', () => {
    for (const name of ['getEncoding', 'encodingForModel', 'getEncodingNameForModel', 'listEncodings', 'Encoding', 'TurbotokenError']) {
      expect(typeof esm[name]).toBe('function');
      expect(esm[name]).toBe(cjs[name]);
    }
    expect(esm.backend).toMatch(process.env.TURBOTOKEN_BACKEND === 'wasm' ? /^wasm-/ : /^native-/);
  });

  it('lists every shipped encoding', () => {
    expect(esm.listEncodings().sort()).toEqual([...ENCODINGS].sort());
  });

  it('shares one Encoding per name across module systems', () => {
    expect(esm.getEncoding('cl100k_base')).toBe(cjs.getEncoding('cl100k_base'));
    expect(esm.encodingForModel('gpt-4')).toBe(esm.getEncoding('cl100k_base'));
  });
});

describe.each(ENCODINGS)('%s properties', (name) => {
  const enc = esm.getEncoding(name);
  const ref = reference(name);
  it('match the reference', () => {
    expect(enc.name).toBe(name);
    // tiktoken's n_vocab: its max_token_value (largest rank or special id) + 1.
    const N_VOCAB = { gpt2: 50257, r50k_base: 50257, p50k_base: 50281, p50k_edit: 50284, cl100k_base: 100277, o200k_base: 200019, o200k_harmony: 201088 };
    expect(enc.nVocab).toBe(N_VOCAB[name]);
    expect(enc.nVocab).toBe(enc.maxTokenValue + 1);
    expect(enc.eotToken).toBe(enc.specialTokens['<|endoftext|>']);
    expect(Object.isFrozen(enc)).toBe(true);
  });
  it('round-trips tokenBytes and encodeSingleToken for every 997th token', () => {
    for (let id = 0; id < enc.nVocab; id += 997) {
      let bytes;
      try { bytes = enc.tokenBytes(id); } catch { continue; }
      expect(Buffer.from(bytes).equals(Buffer.from(ref.decode_single_token_bytes(id)))).toBe(true);
      expect(enc.encodeSingleToken(bytes)).toBe(id);
    }
    expect(enc.encodeSingleToken('<|endoftext|>')).toBe(enc.eotToken);
  });
});

describe('model names', () => {
  const cases = {
    'gpt-4o': 'o200k_base', 'gpt-4o-2024-08-06': 'o200k_base', 'gpt-4o-mini': 'o200k_base', 'chatgpt-4o-latest': 'o200k_base',
    'gpt-4.1': 'o200k_base', 'gpt-4.1-mini': 'o200k_base', 'gpt-4.5-preview': 'o200k_base', 'gpt-5': 'o200k_base', 'gpt-5-mini': 'o200k_base',
    o1: 'o200k_base', 'o1-mini': 'o200k_base', o3: 'o200k_base', 'o3-mini': 'o200k_base', 'o4-mini': 'o200k_base', 'o4-mini-2025-04-16': 'o200k_base',
    'gpt-4': 'cl100k_base', 'gpt-4-0613': 'cl100k_base', 'gpt-4-turbo': 'cl100k_base', 'gpt-3.5-turbo': 'cl100k_base', 'gpt-3.5-turbo-16k': 'cl100k_base',
    'gpt-35-turbo': 'cl100k_base', 'gpt-3.5': 'cl100k_base', 'text-embedding-3-small': 'cl100k_base', 'davinci-002': 'cl100k_base',
    'ft:gpt-4o-mini-2024-07-18:org::id': 'o200k_base', 'ft:gpt-4-0613:org::id': 'cl100k_base', 'ft:gpt-3.5-turbo:org::id': 'cl100k_base', 'ft:davinci-002:x': 'cl100k_base',
    'gpt-oss-20b': 'o200k_harmony', 'gpt-oss-120b': 'o200k_harmony',
    'text-davinci-003': 'p50k_base', 'code-davinci-002': 'p50k_base', 'text-davinci-edit-001': 'p50k_edit', davinci: 'r50k_base', 'text-ada-001': 'r50k_base',
    gpt2: 'gpt2', 'gpt-2': 'gpt2',
  };
  it.each(Object.entries(cases))('%s uses %s', (model, encoding) => {
    expect(esm.getEncodingNameForModel(model)).toBe(encoding);
    expect(esm.encodingForModel(model).name).toBe(encoding);
  });
  it('rejects unknown models, listing valid names', () => {
    for (const model of ['gpt-9000', 'hasOwnProperty', '__proto__', 'constructor', '']) {
      expect(() => esm.encodingForModel(model)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_MODEL', message: expect.stringContaining('gpt-4o') }));
    }
  });
});
