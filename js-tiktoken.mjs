// ESM entry of turbotoken/js-tiktoken: re-exports the CommonJS build, so that both module systems share
// one set of loaded encodings and one native addon instance.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./dist/cjs/compat/js-tiktoken.js');

export const {
  Tiktoken,
  encodingForModel,
  getEncoding,
  getEncodingNameForModel,
} = cjs;
export default cjs;
