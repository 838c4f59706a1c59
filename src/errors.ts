/**
 * The error class for turbotoken's own failures. Argument mistakes are TypeError or RangeError;
 * every error the package throws carries a stable `code`.
 */
export class TurbotokenError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'TurbotokenError';
    this.code = code;
  }
}

/**
 * Every code turbotoken sets on an error it throws. TypeError and RangeError carry the argument
 * codes (the first group); TurbotokenError carries the rest.
 */
export type ErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_INVALID_TOKEN_ID'
  | 'ERR_STRING_TOO_LONG'
  | 'ERR_INVALID_RETURN_VALUE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_UNKNOWN_ENCODING'
  | 'ERR_UNKNOWN_MODEL'
  | 'ERR_UNKNOWN_SPECIAL_TOKEN'
  | 'ERR_DISALLOWED_SPECIAL_TOKEN'
  | 'ERR_NOT_A_TOKEN'
  | 'ERR_INVALID_VOCABULARY'
  | 'ERR_BYTE_NOT_IN_VOCABULARY'
  | 'ERR_INVALID_PATTERN'
  | 'ERR_UNSUPPORTED_TOKENIZER'
  | 'ERR_INVALID_SAVED_ENCODING'
  | 'ERR_UNSUPPORTED_SAVED_ENCODING'
  | 'ERR_SAVE_FAILED'
  | 'ERR_EMPTY_CORPUS'
  | 'ERR_TRAIN_FAILED'
  | 'ERR_OUT_OF_MEMORY'
  | 'ERR_WASM_TRAP'
  | 'ERR_NATIVE_LOAD_FAILED'
  | 'ERR_UNKNOWN_KERNEL'
  | 'ERR_FETCH_FAILED'
  | 'ERR_ALREADY_INITIALIZED'
  | 'ERR_NOT_SUPPORTED'
  | 'ERR_MODEL_MISMATCH'
  | 'ERR_INVALID_CHAT_MESSAGE'
  | 'ERR_NO_CHAT_TEMPLATE'
  | 'ERR_CHAT_TEMPLATE_EXCEPTION'
  | 'ERR_CHAT_TEMPLATE'
  | 'ERR_INVALID_TOKENIZER_CONFIG'
  | 'ERR_MISSING_DEPENDENCY'
  | 'ERR_UNKNOWN_LANGUAGE'
  | 'ERR_EMPTY_REFERENCE'
  | 'ERR_PARALLEL_TEXT'
  | 'ERR_WORKER'
  | 'ERR_CORRUPT_SNAPPY';

function withCode<E extends Error>(error: E, code: ErrorCode): E & { code: ErrorCode } {
  return Object.assign(error, { code });
}

export function typeError(message: string, code: ErrorCode = 'ERR_INVALID_ARG_TYPE') {
  return withCode(new TypeError(message), code);
}

export function rangeError(message: string, code: ErrorCode = 'ERR_OUT_OF_RANGE') {
  return withCode(new RangeError(message), code);
}
