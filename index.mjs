// ESM entry: re-exports the CommonJS build, so that both module systems share one set of loaded
// encodings and one native addon instance.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./dist/cjs/index.js');

export const {
  Encoding,
  TurbotokenError,
  analyze,
  audit,
  backend,
  createDecoder,
  encodeStream,
  encodingForModel,
  getEncoding,
  getEncodingNameForModel,
  kernels,
  listEncodings,
  premium,
  readParallelTexts,
  renderChatTemplate,
  renyiEfficiency,
  renyiEntropy,
  splitBatch,
  train,
  trainAsync,
  udhrTexts,
} = cjs;
export default cjs;
