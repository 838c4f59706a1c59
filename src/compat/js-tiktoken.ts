// turbotoken/js-tiktoken: the API of the `js-tiktoken` npm package (1.0.21) over turbotoken's
// core. Special-token arguments are read as that package reads them (any iterable, 'all'), and
// its errors keep their classes and messages. Token ids follow tiktoken exactly, which
// js-tiktoken's regular expressions do not always do (see docs/api.md).
import { checkString, checkTokenId, lengthOf, quote, readArgument, readObject } from '../args';
import { rangeError, typeError } from '../errors';
import { Encoding } from '../encoding';
import { encodingNameForModel } from '../models';
import { loadEncoding } from '../registry';
import { builtInRanksName } from './js-tiktoken-ranks';
import { notOurs, referenceError, Vocabulary, withMessage } from './vocabulary';

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
  if (!vocabulary) throw notOurs('getEncoding or encodingForModel');
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
    const builtInName = vocabulary ? undefined : builtInRanksName(ranks);
    if (builtInName !== undefined) vocabulary = new Vocabulary(loadEncoding(builtInName), extension(extendedSpecialTokens));
    if (!vocabulary) {
      const bpe = readObject(ranks, 'jsTiktokenRanks', 'ranks');
      const encoding = new Encoding({
        name: 'custom',
        pattern: bpe.pat_str as string,
        ranks: Buffer.from(checkString(bpe.bpe_ranks, 'ranks.bpe_ranks'), 'utf8'),
        specialTokens: bpe.special_tokens as Record<string, number> | undefined,
      });
      vocabulary = new Vocabulary(encoding, extension(extendedSpecialTokens));
    }
    vocabularies.set(this, vocabulary);
  }

  encode(text: string, allowedSpecial: Array<string> | 'all' = [], disallowedSpecial: Array<string> | 'all' = 'all'): number[] {
    const input = checkString(text, 'text');
    const vocabulary = vocabularyOf(this);
    const names = [...vocabulary.specials.keys()];
    const allowed = allowedSpecial === 'all' ? new Set<unknown>(names) : setOf(allowedSpecial, 'allowedSpecial');
    const disallowed = disallowedSpecial === 'all' ? new Set<unknown>(names.filter((name) => !allowed.has(name))) : setOf(disallowedSpecial, 'disallowedSpecial');
    // js-tiktoken escapes each disallowed entry as a string for its regular expression.
    for (const name of disallowed) if (typeof name !== 'string') throw typeError(`disallowedSpecial: ${quote(name)} is not a string`);
    return Array.from(vocabulary.encode(input, allowed, disallowed));
  }

  /** The text of the tokens; ids that are no token are skipped, as js-tiktoken skips them. */
  decode(tokens: number[]): string {
    const vocabulary = vocabularyOf(this);
    if (tokens === null || tokens === undefined) throw typeError(`Cannot read properties of ${tokens} (reading 'length')`);
    const ids = readArgument(() => collectIds(vocabulary, tokens));
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
  const length = lengthOf(tokens) as number;
  if (typeof length === 'number' && length > 0xffffffff) throw rangeError(`Invalid array length: ${length}`);
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

// new Set(value), as js-tiktoken makes it; a TypeError with a code for what it cannot iterate.
function setOf(value: unknown, name: string): Set<unknown> {
  if (value === null || value === undefined) return new Set();
  if (typeof value === 'string') return new Set(value);
  return readArgument(() => {
    if (typeof value !== 'object' || typeof (value as Record<symbol, unknown>)[Symbol.iterator] !== 'function') throw typeError(`${name}: ${quote(value)} is not iterable`);
    return new Set(value as Iterable<unknown>);
  });
}

function extension(value: Record<string, number> | undefined): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  // Spread, a string's characters are names whose ids are characters: the first is refused
  // below, so refuse it before spreading a long string.
  const given: unknown = value;
  if (typeof given === 'string' && given.length > 0) checkTokenId(given[0], 'extendedSpecialTokens["0"]');
  const entries = readArgument(() => Object.entries({ ...value }));
  entries.forEach(([name, id]) => checkTokenId(id, `extendedSpecialTokens[${quote(name)}]`));
  return Object.fromEntries(entries);
}

function make(name: string, extendedSpecialTokens: Record<string, number> | undefined): Tiktoken {
  pending = new Vocabulary(loadEncoding(name), extension(extendedSpecialTokens));
  return new Tiktoken(undefined as unknown as TiktokenBPE);
}

export function getEncoding(encoding: TiktokenEncoding, extendSpecialTokens?: Record<string, number>): Tiktoken {
  if (typeof encoding !== 'string') throw referenceError(Error, 'Unknown encoding', 'ERR_UNKNOWN_ENCODING');
  return withMessage('ERR_UNKNOWN_ENCODING', 'Unknown encoding', () => make(encoding, extendSpecialTokens));
}

export function getEncodingNameForModel(model: TiktokenModel): TiktokenEncoding {
  if (typeof model !== 'string') throw referenceError(Error, 'Unknown model', 'ERR_UNKNOWN_MODEL');
  return withMessage('ERR_UNKNOWN_MODEL', 'Unknown model', () => encodingNameForModel(model)) as TiktokenEncoding;
}

export function encodingForModel(model: TiktokenModel, extendSpecialTokens?: Record<string, number>): Tiktoken {
  return make(getEncodingNameForModel(model), extendSpecialTokens);
}
