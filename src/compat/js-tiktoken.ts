// turbotoken/js-tiktoken: the API of the `js-tiktoken` npm package (1.0.21) over turbotoken's
// core. Special-token arguments are read as that package reads them (any iterable, 'all'), and
// its errors keep their classes and messages. Token ids follow tiktoken exactly, which
// js-tiktoken's regular expressions do not always do (see docs/api.md).
import { checkOptions, checkString, checkTokenId } from '../args';
import { Encoding } from '../encoding';
import { encodingNameForModel } from '../models';
import { loadEncoding } from '../registry';
import { Vocabulary, withMessage } from './vocabulary';

export type TiktokenEncoding = 'gpt2' | 'r50k_base' | 'p50k_base' | 'p50k_edit' | 'cl100k_base' | 'o200k_base' | 'o200k_harmony';
/** Any model name tiktoken's model map knows, exactly or by prefix. */
export type TiktokenModel = string;
/** The shape of js-tiktoken's rank files (see Tiktoken). */
export interface TiktokenBPE {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

// js-tiktoken decodes with a default TextDecoder, which drops a leading byte-order mark.
const textDecoder = new TextDecoder('utf-8');

let pending: Vocabulary | undefined;
const vocabularies = new WeakMap<Tiktoken, Vocabulary>();

function vocabularyOf(tiktoken: Tiktoken): Vocabulary {
  const vocabulary = vocabularies.get(tiktoken);
  if (!vocabulary) throw new TypeError('Not a Tiktoken made by getEncoding or encodingForModel');
  return vocabulary;
}

export class Tiktoken {
  /**
   * A vocabulary of your own: { bpe_ranks, special_tokens, pat_str } as js-tiktoken's rank files
   * hold them, read as new Encoding({ ranks, specialTokens, pattern }) reads them.
   */
  constructor(ranks: TiktokenBPE, extendedSpecialTokens?: Record<string, number>) {
    let vocabulary = pending;
    pending = undefined;
    if (!vocabulary) {
      const bpe = checkOptions(ranks, 'ranks') as Partial<TiktokenBPE>;
      const encoding = new Encoding({
        name: 'custom',
        pattern: bpe.pat_str as string,
        ranks: Buffer.from(checkString(bpe.bpe_ranks, 'ranks.bpe_ranks'), 'utf8'),
        specialTokens: bpe.special_tokens,
      });
      vocabulary = new Vocabulary(encoding, extension(extendedSpecialTokens));
    }
    vocabularies.set(this, vocabulary);
  }

  encode(text: string, allowedSpecial: Array<string> | 'all' = [], disallowedSpecial: Array<string> | 'all' = 'all'): number[] {
    const input = checkString(text, 'text');
    const vocabulary = vocabularyOf(this);
    const names = [...vocabulary.specials.keys()];
    const allowed = new Set<unknown>(allowedSpecial === 'all' ? names : allowedSpecial);
    const disallowed = new Set<unknown>(disallowedSpecial === 'all' ? names.filter((name) => !allowed.has(name)) : disallowedSpecial);
    return Array.from(vocabulary.encode(input, allowed, disallowed));
  }

  /** The text of the tokens; ids that are no token are skipped, as js-tiktoken skips them. */
  decode(tokens: number[]): string {
    const vocabulary = vocabularyOf(this);
    const ids = collectIds(vocabulary, tokens);
    let bytes: Uint8Array;
    try {
      bytes = vocabulary.decodeBytes(ids);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_INVALID_TOKEN_ID') throw error;
      bytes = vocabulary.decodeBytes(ids.filter((id) => vocabulary.decodes(id)));
    }
    return textDecoder.decode(bytes);
  }
}

// Numbers are looked up as ranks first; anything else only as a key of the special-token table
// (js-tiktoken indexes a plain object with it, so '100257' finds <|endoftext|>).
function collectIds(vocabulary: Vocabulary, tokens: ArrayLike<unknown>): Uint32Array {
  const length = tokens.length;
  const ids = new Uint32Array(Number.isInteger(length) && length > 0 ? length : 0);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const token = tokens[i];
    if (typeof token === 'number' && token >>> 0 === token) {
      ids[count++] = token;
    } else if (typeof token === 'string' && /^(0|[1-9][0-9]*)$/.test(token)) {
      const id = Number(token);
      if (id <= 0xffffffff && !vocabulary.isOrdinary(id) && vocabulary.decodes(id)) ids[count++] = id;
    }
  }
  return ids.subarray(0, count);
}

function extension(value: Record<string, number> | undefined): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  const entries = Object.entries({ ...value });
  entries.forEach(([name, id]) => checkTokenId(id, `extendedSpecialTokens[${JSON.stringify(name)}]`));
  return Object.fromEntries(entries);
}

function make(name: string, extendedSpecialTokens: Record<string, number> | undefined): Tiktoken {
  pending = new Vocabulary(loadEncoding(name), extension(extendedSpecialTokens));
  return new Tiktoken(undefined as unknown as TiktokenBPE);
}

export function getEncoding(encoding: TiktokenEncoding, extendSpecialTokens?: Record<string, number>): Tiktoken {
  if (typeof encoding !== 'string') throw new Error('Unknown encoding');
  return withMessage('ERR_UNKNOWN_ENCODING', 'Unknown encoding', () => make(encoding, extendSpecialTokens));
}

export function getEncodingNameForModel(model: TiktokenModel): TiktokenEncoding {
  if (typeof model !== 'string') throw new Error('Unknown model');
  return withMessage('ERR_UNKNOWN_MODEL', 'Unknown model', () => encodingNameForModel(model)) as TiktokenEncoding;
}

export function encodingForModel(model: TiktokenModel, extendSpecialTokens?: Record<string, number>): Tiktoken {
  return make(getEncodingNameForModel(model), extendSpecialTokens);
}
