// `turbotoken train <inputs...> --vocab-size N --out FILE.tiktoken`: a BPE (or, with --algorithm
// scaffold, Scaffold-BPE) vocabulary trained on the inputs, read as `corpus` reads them (files,
// directories, globs; text, .jsonl --field, CSV/TSV, Parquet; gzip/zstd). Every input is read
// before anything is written, and each output is written to a temporary file renamed into place: a
// failed run leaves no output file. docs/cli.md.
import { loadEncoding } from '../registry';
import { readTrainOptions, trainAsync, writeAtomically } from '../train';
import { libraryMessage } from './common';
import { statInputs } from './corpus-input';
import { expandInputs } from './inputs';
import { stderr } from './io';
import { CliError, intOption, type OptionSpec, parseArgs, UsageError } from './options';
import { formatBytes, Progress } from './progress';
import { trainDocuments } from './train-documents';

const SPECS: Record<string, OptionSpec> = {
  'vocab-size': { type: 'string' },
  out: { type: 'string', alias: 'o' },
  'tokenizer-json': { type: 'string' },
  pattern: { type: 'string' },
  special: { type: 'string' },
  'tie-break': { type: 'string', choices: ['bytes', 'huggingface'] },
  chunking: { type: 'string', choices: ['lines', 'documents'] },
  'max-document-chars': { type: 'string' },
  'min-frequency': { type: 'string' },
  'max-chunks': { type: 'string' },
  threads: { type: 'string' },
  algorithm: { type: 'string', choices: ['bpe', 'scaffold'] },
  field: { type: 'string', default: 'text' },
  invalid: { type: 'string', choices: ['replace', 'fail'], default: 'replace' },
  progress: { type: 'flag' },
  'no-progress': { type: 'flag' },
  quiet: { type: 'flag', alias: 'q' },
};

export async function trainCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, SPECS, 'train');
  if (positionals.length === 0) throw new UsageError('train needs at least one input');
  const vocabSize = intOption(options['vocab-size'], 'vocab-size', 1, 1 << 24);
  if (vocabSize === undefined) throw new UsageError('train needs --vocab-size N');
  const out = options.out;
  if (typeof out !== 'string') throw new UsageError('train needs --out FILE.tiktoken');
  const jsonOut = typeof options['tokenizer-json'] === 'string' ? options['tokenizer-json'] : undefined;
  const special = typeof options.special === 'string' ? options.special.split(',').filter((s) => s !== '') : [];
  const showProgress = options['no-progress'] ? false : options.progress === true || stderr().isTTY === true;
  const files = await statInputs(expandInputs(positionals), 'any');
  const progress = new Progress(files.reduce((n, f) => n + f.size, 0), showProgress);
  const trainOptions = {
    vocabSize,
    pattern: typeof options.pattern === 'string' ? options.pattern : undefined,
    specialTokens: special,
    tieBreak: options['tie-break'] as 'bytes' | 'huggingface' | undefined,
    chunking: options.chunking as 'lines' | 'documents' | undefined,
    maxDocumentChars: intOption(options['max-document-chars'], 'max-document-chars', 0, 0xffffffff),
    minFrequency: intOption(options['min-frequency'], 'min-frequency', 0, Number.MAX_SAFE_INTEGER),
    maxChunks: intOption(options['max-chunks'], 'max-chunks', 0, 0xffffffff),
    threads: intOption(options.threads, 'threads', 1, 1024),
    algorithm: options.algorithm as 'bpe' | 'scaffold' | undefined,
  };
  // Checked before any input is read: the tokenizer.json would fail only after the .tiktoken was written.
  if (trainOptions.algorithm === 'scaffold' && jsonOut) throw new UsageError('--tokenizer-json is not available with --algorithm scaffold: Hugging Face tokenizers cannot demerge scaffold tokens');
  try {
    readTrainOptions(trainOptions); // checked before any input is read
  } catch (error) {
    throw new UsageError(libraryMessage(error as Error));
  }
  let result;
  try {
    const settings = { encoding: loadEncoding('o200k_base'), invalid: options.invalid as 'replace' | 'fail', field: String(options.field), target: 1 << 20 };
    const documents = trainDocuments(files, settings, trainOptions.chunking ?? 'documents', trainOptions.maxDocumentChars ?? 0, (bytes) => progress.add(bytes));
    result = await trainAsync(documents, trainOptions);
  } catch (error) {
    progress.clear();
    if (error instanceof CliError) throw error;
    const e = error as Error & { code?: string };
    if (e.code) throw new CliError(libraryMessage(e));
    throw error;
  }
  progress.clear();
  try {
    // Before any file is written: a pattern with no Oniguruma spelling refuses the tokenizer.json.
    const json = jsonOut ? result.toTokenizerJson() : undefined;
    result.writeTiktoken(out);
    if (jsonOut && json !== undefined) writeAtomically(jsonOut, json);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (!options.quiet) {
    const merged = result.tokens.length - 256;
    stderr().write(
      `${out} (and ${out}.json: pattern, special tokens): ${result.tokens.length} tokens (${merged} merged) from ${formatBytes(progress.total)}, ${result.chunks} distinct chunks` +
        (special.length ? `; special tokens ${special.map((s, k) => `${s}=${result.tokens.length + k}`).join(', ')}` : '') +
        (jsonOut ? `; ${jsonOut}` : '') +
        '\n',
    );
  }
}
