// Every error a backend throws, written once: src/wasm.ts (and src/pattern-matcher.ts on
// WebAssembly) build them from this table, and scripts/gen-binding-errors.mjs writes
// native/binding/error_texts.h from it for the addon (test/package/binding-errors.test.mjs fails when the
// header is stale). The facade checks public arguments before it calls a backend (src/args.ts),
// so the argument errors here reach only a direct caller of a backend; both backends still make
// them, since the addon must refuse bad input on its own. A text's {name} is a parameter: in C++
// an argument of the generated entry's call (in the text's order), here a key of `params`.

type Kind = 'TypeError' | 'RangeError' | 'TurbotokenError';

export const BINDING_ERRORS = {
  // Set-up calls of the binding.
  errorClassType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'expected a constructor'],
  functionType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'expected a function'],
  functionOrUndefinedType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'expected a function or undefined'],
  mergeStrategy: ['RangeError', 'ERR_OUT_OF_RANGE', "The merge strategy must be 'auto', 'direct', 'heap', 'long', 'run' or 'windows'"],
  unknownKernel: ['RangeError', 'ERR_UNKNOWN_KERNEL', "Unknown or unsupported kernel '{name}'; this {machine} has: {kernels}"],
  // new NativeEncoding(vocab, family, texts, ids)
  constructorUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'NativeEncoding(vocab: Uint8Array, family: number, texts: string[], ids: number[])'],
  specialTokenTypes: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'NativeEncoding: special tokens must be strings with number ids'],
  unknownFamily: ['RangeError', 'ERR_OUT_OF_RANGE', 'unknown pre-tokenizer family'],
  invalidVocabulary: ['TurbotokenError', 'ERR_INVALID_VOCABULARY', 'Cannot load the vocabulary: {status}'],
  // Arguments of a handle's methods.
  textType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'The "{name}" argument must be a string or a Uint8Array'],
  maskType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'special-token masks must be Uint8Arrays with one byte per special token'],
  idsType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'ids must be a Uint32Array'],
  bytesType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'bytes must be a Uint8Array'],
  encodePiecesUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'encodePieces(bytes: Uint8Array, ends: Uint32Array)'],
  outputBufferType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'the output buffer must be a Uint32Array'],
  textsType: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'texts must be an array'],
  findMatchesUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'findMatches(program: Uint32Array, bytes: Uint8Array)'],
  splitterUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'new PatternSplitter(steps: Uint32Array); split(bytes: Uint8Array)'],
  encodeSplitUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'encodeSplit(splitter: PatternSplitter, text: string | Uint8Array)'],
  snappyUsage: ['TypeError', 'ERR_INVALID_ARG_TYPE', 'snappyDecompress(input: Uint8Array, output: Uint8Array, offset: number, length: number)'],
  snappyRange: ['RangeError', 'ERR_OUT_OF_RANGE', 'snappyDecompress: offset and length must be integers that fit in the output'],
  // What the core reports.
  disallowedSpecial: [
    'TurbotokenError',
    'ERR_DISALLOWED_SPECIAL_TOKEN',
    'The text contains a special token that is not allowed: {token} (pass it in allowedSpecial to encode it as a special token, or remove it from disallowedSpecial to encode it as text)',
  ],
  byteNotInVocabulary: [
    'TurbotokenError',
    'ERR_BYTE_NOT_IN_VOCABULARY',
    'The text needs a byte that is not a token of this vocabulary, and no merge covers it (the vocabulary lacks some single bytes; tiktoken fails here too)',
  ],
  invalidTokenId: ['RangeError', 'ERR_INVALID_TOKEN_ID', 'Token id {id} at index {index} is not a token of this encoding'],
  otherStatus: ['RangeError', 'ERR_OUT_OF_RANGE', '{status}'],
  malformedPattern: ['TurbotokenError', 'ERR_INVALID_PATTERN', 'The compiled pattern program is malformed'],
  corruptSnappy: ['TurbotokenError', 'ERR_CORRUPT_SNAPPY', 'Corrupt snappy data: {fault}'],
  // Limits and failures of the addon alone (WebAssembly's memory has its own message, src/wasm-runtime.ts).
  offsetsTooLong: ['RangeError', 'ERR_OUT_OF_RANGE', 'encodeWithOffsets takes texts below 4 GiB'],
  matcherTextTooLong: ['RangeError', 'ERR_OUT_OF_RANGE', 'The text is too long for the pattern matcher (at most 4 GiB)'],
  stringTooLong: ['RangeError', 'ERR_STRING_TOO_LONG', 'The decoded text is too long for a JS string'],
  bufferTextResult: ['TypeError', 'ERR_INVALID_RETURN_VALUE', "setBufferText's function did not return a string"],
  outOfMemory: ['TurbotokenError', 'ERR_OUT_OF_MEMORY', 'Out of memory'],
} as const satisfies Record<string, readonly [Kind, string, string]>;

export type BindingErrorName = keyof typeof BINDING_ERRORS;

/** The text of a table entry with its {parameters} filled in. */
export function bindingMessage(name: BindingErrorName, params: Readonly<Record<string, string | number>> = {}): string {
  return BINDING_ERRORS[name][2].replace(/\{(\w+)\}/g, (_, key: string) => String(params[key]));
}

/**
 * The error of a table entry: a TypeError or RangeError, or for the core's failures an instance of
 * `errorClass` (the class registered with setErrorClass; a plain Error before that), with its code.
 */
export function bindingError(
  name: BindingErrorName,
  params?: Readonly<Record<string, string | number>>,
  errorClass?: new (message: string, code: string) => Error,
): Error & { code: string } {
  const [kind, code] = BINDING_ERRORS[name];
  const message = bindingMessage(name, params);
  let error: Error;
  if (kind === 'TypeError') error = new TypeError(message);
  else if (kind === 'RangeError') error = new RangeError(message);
  else error = errorClass ? new errorClass(message, code) : new Error(message);
  return Object.assign(error, { code });
}
