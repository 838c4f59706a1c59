// js-tiktoken's ranks/<name> modules: { pat_str, special_tokens, bpe_ranks } for a built-in
// encoding. bpe_ranks is written out only when read (it is megabytes); new Tiktoken(ranks)
// from turbotoken/js-tiktoken knows these objects and uses the built-in encoding directly.
import { loadEncoding } from '../registry';
import { jsTiktokenRankText } from './rank-text';

// js-tiktoken ships explicit_n_vocab for these, as tiktoken's registry has it.
const EXPLICIT_N_VOCAB: Record<string, number> = { gpt2: 50257, r50k_base: 50257, p50k_base: 50281 };

// js-tiktoken's TiktokenBPE, declared again here since js-tiktoken.ts imports this module.
export interface RanksModule {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

const builtIn = new WeakMap<object, string>();

/** The built-in encoding a ranks object from ranksModule stands for, if it is one. */
export function builtInRanksName(ranks: unknown): string | undefined {
  return ranks !== null && typeof ranks === 'object' ? builtIn.get(ranks) : undefined;
}

export function ranksModule(name: string): RanksModule & { explicit_n_vocab?: number; default: RanksModule } {
  const encoding = loadEncoding(name);
  const ranks = {} as RanksModule & { explicit_n_vocab?: number; default: RanksModule };
  if (name in EXPLICIT_N_VOCAB) ranks.explicit_n_vocab = EXPLICIT_N_VOCAB[name];
  // Replacing a field makes the object a vocabulary of the caller's, read as given.
  const field = (key: keyof RanksModule, read: () => unknown) => {
    let replaced: { value: unknown } | undefined;
    Object.defineProperty(ranks, key, {
      enumerable: true,
      configurable: true,
      get: () => (replaced ? replaced.value : read()),
      set: (value: unknown) => {
        replaced = { value };
        builtIn.delete(ranks);
      },
    });
  };
  let text: string | undefined;
  const specials = Object.freeze({ ...encoding.specialTokens });
  field('pat_str', () => encoding.patternSource);
  field('special_tokens', () => specials);
  field('bpe_ranks', () => (text ??= jsTiktokenRankText(encoding)));
  // The packages' types declare a default export; CommonJS callers compiled from TypeScript
  // read .default, ES modules get the object itself.
  Object.defineProperty(ranks, 'default', { value: ranks, enumerable: false });
  builtIn.set(ranks, name);
  return ranks;
}
