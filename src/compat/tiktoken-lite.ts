// turbotoken/tiktoken/lite: tiktoken's lite build exports only the Tiktoken class, for
// vocabularies the caller brings (e.g. from turbotoken/tiktoken/load).
export { Tiktoken } from './tiktoken';
