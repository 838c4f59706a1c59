/**
 * turbotoken: exact BPE tokenization for OpenAI's encodings, byte-identical to tiktoken.
 */
import { checkString } from './args';
import { Encoding } from './encoding';
import { encodingNameForModel } from './models';
import { native } from './native';
import { listEncodings, loadEncoding } from './registry';

export { Encoding, splitBatch } from './encoding';
export type { BatchOptions, BatchResult, CountOptions, EncodeChatOptions, EncodeOptions, EncodeTextOptions, EncodingWithOffsets, HealOptions, OrdinaryOptions, SpecialTokenSet } from './encoding';
export type { HealResult, InferenceMethod } from './inference';
export type { EncodingOptions } from './custom-encoding';
export type { PatternKind } from './pattern';
export type { RanksInput } from './vocab-file';
export type { TokenizerJsonInput } from './tokenizer-json';
export type { ChatMessage } from './chat-framing';
export type { ChatTemplateOptions, TokenizerConfigInput } from './chat-template';
import type { ChatTemplateOptions, TokenizerConfigInput } from './chat-template';
export { TurbotokenError, type ErrorCode } from './errors';
export type { TextInput } from './args';
export { listEncodings } from './registry';
export { createDecoder, encodeStream } from './stream';
export { train, trainAsync } from './train';
export type { TrainDocument, TrainOptions, TrainProgress, TrainResult } from './train';
export type { Decoder, EncodingLike } from './stream';
export { analyze, renyiEfficiency, renyiEntropy } from './analyze';
export type { Analysis, AnalysisRow, AnalyzeOptions, AnalyzeTexts } from './analyze';
export { premium, readParallelTexts, udhrTexts } from './premium';
export type { LanguagePremium, ParallelTexts, PremiumOptions, PremiumResult, UdhrOptions } from './premium';
export { audit } from './audit';
export type { Audit, AuditOptions, UnreachableToken } from './audit';

/** Which implementation and pre-tokenizer kernel run the core, e.g. 'native-avx512', 'native-neon', 'wasm-simd128'. */
export const backend: string = `${native.backend}-${native.kernel()}`;

/** The pre-tokenizer kernels this build and CPU have, e.g. ['scalar', 'sse2', 'avx2', 'avx512'] (x86-64) or ['scalar', 'neon'] (arm64). */
export const kernels: readonly string[] = Object.freeze([...native.kernels]);

/** The encoding with this name (see listEncodings()); loaded on first use, then shared. */
export function getEncoding(name: string): Encoding {
  return loadEncoding(checkString(name, 'name'));
}

/** The name of the encoding a model uses, following tiktoken's model map. */
export function getEncodingNameForModel(model: string): string {
  return encodingNameForModel(checkString(model, 'model'));
}

/** The encoding a model uses, e.g. encodingForModel('gpt-4o') is o200k_base. */
export function encodingForModel(model: string): Encoding {
  return loadEncoding(getEncodingNameForModel(model));
}

/**
 * The prompt text a tokenizer_config.json's chat template makes of `messages`, as transformers'
 * apply_chat_template(messages, tokenize=False) renders it, without loading the tokenizer.
 */
export function renderChatTemplate(config: TokenizerConfigInput, messages: Iterable<Record<string, unknown>>, options?: ChatTemplateOptions): string {
  return (require('./chat-template') as typeof import('./chat-template')).renderChatTemplateOf(config, messages, options);
}
