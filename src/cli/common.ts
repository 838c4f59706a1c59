// What several commands share: choosing the encoding, the special-token policy, UTF-8 checks,
// stdout with back-pressure, and reading inputs in chunks.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { type EncodeOptions, Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import { encodingForModel, getEncoding } from '../index';
import { looksSaved } from '../saved-encoding';
import { loadTiktokenWithSidecar } from '../tiktoken-sidecar';
import { stdin, stdout } from './io';
import { CliError, type OptionSpec, type OptionValues, UsageError } from './options';

export const ENCODING_OPTIONS: Record<string, OptionSpec> = {
  encoding: { type: 'string', alias: 'e' },
  model: { type: 'string', alias: 'm' },
  tokenizer: { type: 'string' },
};

/** Where an encoding comes from, so that a worker thread can load the same one. */
export type EncodingSource = { name: string } | { tokenizer: string };
const sources = new WeakMap<Encoding, EncodingSource>();

/** The source chooseEncoding loaded `encoding` from. */
export function encodingSource(encoding: Encoding): EncodingSource {
  return sources.get(encoding) ?? { name: encoding.name };
}

/** The encoding of a source (in a worker thread: the one its parent chose). */
export function loadEncoding(source: EncodingSource): Encoding {
  return 'tokenizer' in source ? tokenizerFile(source.tokenizer) : getEncoding(source.name);
}

/**
 * --tokenizer FILE: a saved encoding (Encoding#save), told by its signature; a .tiktoken file with
 * the FILE.json sidecar `train` writes beside it; else a tokenizer.json.
 */
function tokenizerFile(file: string): Encoding {
  const head = new Uint8Array(8);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, head.length, 0);
  } catch {
    // fromTokenizerJson reports the file it cannot read.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (looksSaved(head)) return Encoding.load(file);
  return (head[0] !== 0x7b && loadTiktokenWithSidecar(file)) || Encoding.fromTokenizerJson(file);
}

export const DEFAULT_ENCODING = 'o200k_base';

export function chooseEncoding(options: OptionValues): Encoding {
  const name = options.encoding as string | undefined;
  const model = options.model as string | undefined;
  const tokenizer = options.tokenizer as string | undefined;
  if ([name, model, tokenizer].filter((v) => v !== undefined).length > 1) throw new UsageError('Give one of --encoding, --model or --tokenizer');
  try {
    if (tokenizer !== undefined) {
      const encoding = tokenizerFile(tokenizer);
      sources.set(encoding, { tokenizer });
      return encoding;
    }
    return model !== undefined ? encodingForModel(model) : getEncoding(name ?? DEFAULT_ENCODING);
  } catch (error) {
    if (error instanceof TurbotokenError) throw new UsageError(error.message);
    throw error;
  }
}

export const SPECIAL_MODES = ['error', 'all', 'ordinary'] as const;
export type SpecialMode = (typeof SPECIAL_MODES)[number];

/**
 * The --special mode: as given, else encode's and count's default, which is the library's: error
 * (tiktoken's rule), but all for a --tokenizer file (Hugging Face's rule: added tokens are ids).
 */
export function specialMode(options: OptionValues): SpecialMode {
  if (options.special !== undefined) return options.special as SpecialMode;
  return options.tokenizer !== undefined ? 'all' : 'error';
}

/** The encode options for --special: error, all (as ids) or ordinary text. */
export function specialOptions(mode: SpecialMode): EncodeOptions | undefined {
  if (mode === 'all') return { allowedSpecial: 'all' };
  if (mode === 'ordinary') return { disallowedSpecial: [] };
  // Explicit: a tokenizer.json encoding's own default is Hugging Face's (no errors).
  return { disallowedSpecial: 'all' };
}

/** A library error as a CLI message: the API's advice (allowedSpecial…) becomes the option's. */
export function libraryMessage(error: Error & { code?: string }): string {
  if (error.code !== 'ERR_DISALLOWED_SPECIAL_TOKEN') return error.message;
  return `${error.message.replace(/ \(pass it in allowedSpecial.*\)$/s, '')} (use --special=all to encode it as a special token, or --special=ordinary as text)`;
}

/** Where an input comes from: a path, or '-' for stdin. */
export function displayName(input: string): string {
  return input === '-' ? '<stdin>' : input;
}

/** The chunks of a file or of stdin ('-'), as Buffers. */
export function readChunks(input: string, highWaterMark = 1 << 20): AsyncIterable<Buffer> {
  return input === '-' ? stdin() : createReadStream(input, { highWaterMark });
}

/** A message for a file-system error that names the file, without a stack. */
export function fileError(error: unknown, file: string): CliError {
  return new CliError(`${displayName(file)}: ${errorReason(error)}`);
}

/** What a file-system error says, in words ("no such file or directory"). */
export function errorReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'a path component is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  return (e && e.code && reasons[e.code]) || (e && e.message) || String(error);
}

/** stdout with back-pressure; a closed pipe (e.g. `| head`) ends the process quietly. */
export class Output {
  #closed = false;

  constructor(readonly stream: NodeJS.WritableStream = stdout()) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') {
        this.#closed = true;
        process.exit(0);
      }
      throw error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.#closed || text.length === 0) return;
    if (!this.stream.write(text)) await new Promise((resolve) => this.stream.once('drain', resolve));
  }
}
