// Model name -> encoding name, following tiktoken's own map (tiktoken/model.py, release 0.14):
// an exact name first, then the first matching prefix in this order.
import { quote } from './args';
import { TurbotokenError } from './errors';

export const MODEL_TO_ENCODING: Readonly<Record<string, string>> = Object.freeze({
  // reasoning
  o1: 'o200k_base',
  o3: 'o200k_base',
  'o4-mini': 'o200k_base',
  // chat
  'gpt-5': 'o200k_base',
  'gpt-4.1': 'o200k_base',
  'gpt-4o': 'o200k_base',
  'gpt-4': 'cl100k_base',
  'gpt-3.5-turbo': 'cl100k_base',
  'gpt-3.5': 'cl100k_base',
  'gpt-35-turbo': 'cl100k_base',
  // base
  'davinci-002': 'cl100k_base',
  'babbage-002': 'cl100k_base',
  // embeddings
  'text-embedding-ada-002': 'cl100k_base',
  'text-embedding-3-small': 'cl100k_base',
  'text-embedding-3-large': 'cl100k_base',
  // deprecated: text, code, edit, old embeddings
  'text-davinci-003': 'p50k_base',
  'text-davinci-002': 'p50k_base',
  'text-davinci-001': 'r50k_base',
  'text-curie-001': 'r50k_base',
  'text-babbage-001': 'r50k_base',
  'text-ada-001': 'r50k_base',
  davinci: 'r50k_base',
  curie: 'r50k_base',
  babbage: 'r50k_base',
  ada: 'r50k_base',
  'code-davinci-002': 'p50k_base',
  'code-davinci-001': 'p50k_base',
  'code-cushman-002': 'p50k_base',
  'code-cushman-001': 'p50k_base',
  'davinci-codex': 'p50k_base',
  'cushman-codex': 'p50k_base',
  'text-davinci-edit-001': 'p50k_edit',
  'code-davinci-edit-001': 'p50k_edit',
  'text-similarity-davinci-001': 'r50k_base',
  'text-similarity-curie-001': 'r50k_base',
  'text-similarity-babbage-001': 'r50k_base',
  'text-similarity-ada-001': 'r50k_base',
  'text-search-davinci-doc-001': 'r50k_base',
  'text-search-curie-doc-001': 'r50k_base',
  'text-search-babbage-doc-001': 'r50k_base',
  'text-search-ada-doc-001': 'r50k_base',
  'code-search-babbage-code-001': 'r50k_base',
  'code-search-ada-code-001': 'r50k_base',
  // open source
  gpt2: 'gpt2',
  'gpt-2': 'gpt2',
});

/** Checked in this order; the first prefix that matches wins. */
export const MODEL_PREFIX_TO_ENCODING: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['o1-', 'o200k_base'],
  ['o3-', 'o200k_base'],
  ['o4-mini-', 'o200k_base'],
  ['gpt-5', 'o200k_base'],
  ['gpt-4.5-', 'o200k_base'],
  ['gpt-4.1-', 'o200k_base'],
  ['chatgpt-4o-', 'o200k_base'],
  ['gpt-4o-', 'o200k_base'],
  ['gpt-4-', 'cl100k_base'],
  ['gpt-3.5-turbo-', 'cl100k_base'],
  ['gpt-35-turbo-', 'cl100k_base'],
  ['gpt-oss-', 'o200k_harmony'],
  ['ft:gpt-4o', 'o200k_base'],
  ['ft:gpt-4', 'cl100k_base'],
  ['ft:gpt-3.5-turbo', 'cl100k_base'],
  ['ft:davinci-002', 'cl100k_base'],
  ['ft:babbage-002', 'cl100k_base'],
] as const);

export function encodingNameForModel(model: string): string {
  if (Object.prototype.hasOwnProperty.call(MODEL_TO_ENCODING, model)) return MODEL_TO_ENCODING[model];
  for (const [prefix, encoding] of MODEL_PREFIX_TO_ENCODING) {
    if (model.startsWith(prefix)) return encoding;
  }
  throw new TurbotokenError(
    `Could not map model ${quote(model)} to an encoding. Known models: ` +
      `${Object.keys(MODEL_TO_ENCODING).join(', ')}; known prefixes: ` +
      `${MODEL_PREFIX_TO_ENCODING.map(([p]) => p + '*').join(', ')}. ` +
      'Use getEncoding(name) to choose an encoding explicitly.',
    'ERR_UNKNOWN_MODEL',
  );
}
