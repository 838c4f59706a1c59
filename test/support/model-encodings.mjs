// Encodings of the model files of the manifest (scripts/model-files.mjs), each loaded once per
// process. Gemma 3's tokenizer.json takes about 3.5 s of CPU to load; the timing files that read
// it run one after another in one process per backend (vitest.config.mjs: isolate false), where
// this module is evaluated once, so the second file reuses the first one's. Only for files that
// call an encoding's read-only methods (encode, count, decode).
import { Encoding } from '../../index.mjs';
import { modelFile } from '../../scripts/model-files.mjs';

const loaded = new Map();

/** Encoding.fromTokenizerJson of `model`'s file, the same object on every call in a process. */
export function modelEncoding(model) {
  if (!loaded.has(model)) loaded.set(model, Encoding.fromTokenizerJson(modelFile(model)));
  return loaded.get(model);
}
