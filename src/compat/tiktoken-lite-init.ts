// turbotoken/tiktoken/lite/init: the lite build's init (resolves at once) and the Tiktoken class.
export { Tiktoken } from './tiktoken';
export { init } from './tiktoken-init';
