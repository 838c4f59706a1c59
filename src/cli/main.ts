// The `turbotoken` command: dispatch, help, and turning failures into one line on stderr with an
// exit code (1: the input or output failed; 2: the command line is wrong). Full reference:
// docs/cli.md.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type CliStreams, stderr, stdout, withStreams } from './io';
import { CliError, UsageError } from './options';

const USAGE = `Usage: turbotoken <command> [options] [inputs...]

Commands:
  encode [inputs...]  print the token ids of each input (stdin when none or "-"), one line each
                      (one per document of a JSONL, CSV/TSV or Parquet file)
  count [inputs...]   print the number of tokens of each input (its --field text, for JSONL,
                      CSV/TSV and Parquet)
  decode [files...]   print the text of token ids (as printed by encode, or binary with --dtype)
  corpus <inputs...> --out FILE.bin
                      tokenize files, directories and globs into FILE.bin, FILE.idx, FILE.json
  corpus merge <shard outputs...> --out FILE.bin
                      join the outputs of corpus --shard into the unsharded run's files
  analyze [inputs...] compression metrics per encoding and input (--parallel DIR|udhr:
                      the token premium of each language)
  audit               the vocabulary audit: unreachable, partial UTF-8 and special
                      tokens, id holes, duplicate byte strings
  train <inputs...> --vocab-size N --out FILE.tiktoken
                      train a BPE vocabulary on the inputs (docs/training.md)

Common options:
  -e, --encoding NAME   o200k_base (default), cl100k_base, r50k_base, p50k_base, p50k_edit,
                        gpt2, o200k_harmony
  -m, --model NAME      the encoding a model uses, e.g. gpt-4o
  --tokenizer FILE      a Hugging Face tokenizer.json (see Encoding.fromTokenizerJson), or an
                        encoding saved with Encoding#save
  --special MODE        special-token text: error (encode/count default), all (as special
                        ids; the default with --tokenizer), ordinary (as plain text; corpus
                        and analyze default)
  --invalid MODE        invalid UTF-8: replace (default, as U+FFFD) or fail
  --field NAME          the text field or column of JSONL, CSV/TSV and Parquet (default: text)
  -h, --help            this help; "turbotoken <command> --help" says the same
  -v, --version         the package version

Inputs: files, directories and globs; text, .jsonl, .csv, .tsv and Parquet, plain or gzip/zstd
(told by content: binary files are refused); "-" is stdin.

encode:  --format text|json   ids separated by spaces (default) or a JSON array
decode:  --dtype text|uint16|uint32   ids as text (default) or flat little-endian binary;
                      a FILE.bin beside FILE.json or a Megatron FILE.idx is read (and
                      checked) with their dtype; a contradicting --dtype is refused
corpus:  -o, --out FILE.bin   output (required); also writes FILE.idx and FILE.json
         --append-eot         end every document with the end-of-text token
         --output-prefix P    instead of --out: P_FIELD_document.bin (Megatron's names)
         --format turbotoken|megatron   the .bin/.idx layout (default turbotoken;
                              megatron: Megatron-LM's MMIDIDX indexed dataset)
         --shard i/n|auto     only shard i of n (contiguous; corpus merge joins them);
                              auto: from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID
         --shard-count N      with --shard auto (else TURBOTOKEN_SHARD_COUNT,
                              else SLURM_ARRAY_TASK_COUNT)
         --resume             skip the run when its complete output already exists
         --threads N|auto     encoding threads (default auto: one per CPU, at most one
                              per 4 MB of input; output identical for any N)
         --progress, --no-progress   force the progress bar on or off (default: on a TTY)
         -q, --quiet          no summary
analyze: -e, --encoding A,B,...   several encodings side by side (also --model A,B)
         --alpha A            order of the Rényi entropy (default 2.5)
         --parallel DIR|udhr  parallel text: files named by language, or the udhr package
         --reference LANG     the premium's reference language (default eng)
         --worst N            languages listed as the most expensive (default 10)
analyze, audit: --format table|json|html   (html: one self-contained report)
         -o, --out FILE       write the report to FILE (default stdout)
audit:   --limit N            rows of each list in the table (default 20)
train:   --vocab-size N       the vocabulary size (counted per --tie-break)
         -o, --out FILE       the .tiktoken output (all 256 bytes, then merged tokens)
         --tokenizer-json F   also a Hugging Face tokenizer.json with the same ids
         --pattern P          gpt2, cl100k (default), o200k, or a split pattern
         --special A,B        special tokens, ids after the merged tokens
         --tie-break bytes|huggingface   the id order that breaks ties (default bytes)
         --chunking lines|documents      count each line, or each document (default)
         --algorithm bpe|scaffold        Scaffold-BPE: scaffold tokens demerged (default bpe)
         --max-document-chars N, --min-frequency N, --max-chunks N, --threads N

Details: docs/cli.md and docs/scale-out.md in the turbotoken package.
`;

// Each command's modules are loaded when it runs: a corpus run's start-up, which no thread can
// share, would otherwise load analyze's, audit's and train's too.
type Commands = typeof import('./commands');
type Analyze = typeof import('./analyze');
const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  encode: (argv) => (require('./commands') as Commands).encodeCommand(argv),
  count: (argv) => (require('./commands') as Commands).countCommand(argv),
  decode: (argv) => (require('./commands') as Commands).decodeCommand(argv),
  corpus: (argv) => (require('./corpus') as typeof import('./corpus')).corpusCommand(argv),
  analyze: (argv) => (require('./analyze') as Analyze).analyzeCommand(argv),
  audit: (argv) => (require('./analyze') as Analyze).auditCommand(argv),
  train: (argv) => (require('./train') as typeof import('./train')).trainCommand(argv),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs the CLI; resolves with the exit code. `streams` replaces the process's stdin, stdout, stderr
 * and environment for this run (the bin script passes none). What stays the process's: the working
 * directory relative paths start from, the signal handlers a corpus run installs, the zstd decoder
 * (TURBOTOKEN_ZSTD is read once per process), and the exit on EPIPE when stdout is a closed pipe.
 */
export function main(argv: string[], streams: CliStreams = {}): Promise<number> {
  return withStreams(streams, () => run(argv));
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    stdout().write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    stdout().write(`${version()}\n`);
    return 0;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    stdout().write(USAGE);
    return 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`Unknown command ${JSON.stringify(command)}. Commands: ${Object.keys(COMMANDS).join(', ')}`);
    await handler(rest);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      stderr().write(`turbotoken: ${error.message}\n`);
      if (error instanceof UsageError) stderr().write('Run "turbotoken --help" for usage.\n');
      return error.exitCode;
    }
    stderr().write(`turbotoken: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
