// turbotoken/js-tiktoken/ranks/<name>: a built-in encoding's ranks in js-tiktoken's shape, for
// new Tiktoken(ranks) from turbotoken/js-tiktoken/lite (or turbotoken/js-tiktoken). The "import"
// condition's twin, js-tiktoken-ranks.d.mts, declares the same default export as an ES module's.
import type { TiktokenBPE } from '../dist/cjs/compat/js-tiktoken-lite.js';

/** explicit_n_vocab: gpt2, r50k_base and p50k_base only, as in js-tiktoken. */
declare const encoder: TiktokenBPE & { explicit_n_vocab?: number };
export default encoder;
