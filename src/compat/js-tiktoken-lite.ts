// turbotoken/js-tiktoken/lite: js-tiktoken's lite entry, the Tiktoken class (given ranks, e.g.
// from turbotoken/js-tiktoken/ranks/<name>) and the model map, without the bundled vocabularies.
export { Tiktoken, getEncodingNameForModel } from './js-tiktoken';
export type { TiktokenBPE, TiktokenEncoding, TiktokenModel } from './js-tiktoken';
