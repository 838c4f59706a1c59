// turbotoken/tiktoken/init: tiktoken's entry for hosts where its WebAssembly is instantiated by
// the caller. turbotoken needs no such step, so init resolves at once and never calls the callback.
import { typeError } from '../errors';

export * from './tiktoken';

/**
 * Resolves at once; `callback` (tiktoken's WebAssembly instantiation hook) is never called, hence
 * its parameter type `never`, which any callback written for tiktoken's init accepts.
 */
export async function init(callback?: (imports: never) => Promise<unknown>): Promise<void> {
  if (callback !== undefined && typeof callback !== 'function') throw typeError('init(callback): callback must be a function', 'ERR_INVALID_ARG_TYPE');
}
