// Hand-made saved encodings (docs/saved-encoding.md): the format's checksum, written here from its
// definition (CRC-32 as zlib computes it) rather than taken from the library under test, so that a
// test can re-seal a file it edited on purpose; and a model's encoding saved for the tests to load.
import * as path from 'node:path';
import { Encoding } from '../../index.mjs';
import { modelFile } from '../../scripts/model-files.mjs';

/** CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of `bytes`. */
export function crc32(bytes) {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

/** `file` (a Buffer) with its last four bytes set to the checksum of the rest, in place. */
export function seal(file) {
  file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
  return file;
}

/** What `Encoding.load(bytes)` does: 'loaded', or the code of the error it throws. */
export function loadCode(bytes) {
  try {
    Encoding.load(bytes);
    return 'loaded';
  } catch (error) {
    return error.code;
  }
}

/** The encoding of `model`'s tokenizer.json (test/support/models-hf.mjs), saved as `${model}.ttenc` in `dir`: { enc, file }. */
export function saveModel(dir, model) {
  const enc = Encoding.fromTokenizerJson(modelFile(model));
  const file = path.join(dir, `${model}.ttenc`);
  enc.save(file);
  return { enc, file };
}

/** What `fn()` does: `ok` when it returns, else the code of the error it throws. */
export function errorCode(fn, ok = 'returned') {
  try {
    fn();
    return ok;
  } catch (error) {
    return error.code;
  }
}
