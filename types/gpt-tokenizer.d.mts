// The "import" condition's types of turbotoken/gpt-tokenizer (and its model/ and encoding/
// subpaths): gpt-tokenizer.d.ts's declarations, with the default export as an ES module's (from a
// CommonJS declaration file, an import's default would be the whole module).
import type { GptTokenizerApi } from './gpt-tokenizer.js';

export * from './gpt-tokenizer.js';
declare const api: GptTokenizerApi;
export default api;
