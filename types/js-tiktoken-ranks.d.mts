// The "import" condition's types of turbotoken/js-tiktoken/ranks/<name> (js-tiktoken-ranks.d.ts):
// the same default export, declared here because from a CommonJS declaration file an import's
// default would be the whole module.
import type { TiktokenBPE } from '../dist/cjs/compat/js-tiktoken-lite.js';

declare const encoder: TiktokenBPE & { explicit_n_vocab?: number };
export default encoder;
