// ESM entry of turbotoken/tiktoken: re-exports the CommonJS build, so that both module systems share
// one set of loaded encodings and one native addon instance.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./dist/cjs/compat/tiktoken.js');

export const {
  Tiktoken,
  encoding_for_model,
  get_encoding,
  get_encoding_name_for_model,
} = cjs;
export default cjs;
