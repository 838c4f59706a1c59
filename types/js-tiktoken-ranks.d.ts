// turbotoken/js-tiktoken/ranks/<name>: a built-in encoding's ranks in js-tiktoken's shape, for
// new Tiktoken(ranks) from turbotoken/js-tiktoken/lite (or turbotoken/js-tiktoken).
declare const encoder: {
  /** gpt2, r50k_base and p50k_base only, as in js-tiktoken. */
  explicit_n_vocab?: number;
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
};
export default encoder;
