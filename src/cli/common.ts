// What several commands share: choosing the encoding, the special-token policy, UTF-8 checks,
// stdout with back-pressure, and reading inputs in chunks.
import { createReadStream } from 'node:fs';
import type { EncodeOptions, Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import { encodingForModel, getEncoding } from '../index';
import { CliError, type OptionSpec, type OptionValues, UsageError } from './options';

export const ENCODING_OPTIONS: Record<string, OptionSpec> = {
  encoding: { type: 'string', alias: 'e' },
  model: { type: 'string', alias: 'm' },
};

export const DEFAULT_ENCODING = 'o200k_base';

export function chooseEncoding(options: OptionValues): Encoding {
  const name = options.encoding as string | undefined;
  const model = options.model as string | undefined;
  if (name !== undefined && model !== undefined) throw new UsageError('Give --encoding or --model, not both');
  try {
    return model !== undefined ? encodingForModel(model) : getEncoding(name ?? DEFAULT_ENCODING);
  } catch (error) {
    if (error instanceof TurbotokenError) throw new UsageError(error.message);
    throw error;
  }
}

export const SPECIAL_MODES = ['error', 'all', 'ordinary'] as const;
export type SpecialMode = (typeof SPECIAL_MODES)[number];

/** The encode options for --special: error (the library's default), all (as ids) or ordinary text. */
export function specialOptions(mode: SpecialMode): EncodeOptions | undefined {
  if (mode === 'all') return { allowedSpecial: 'all' };
  if (mode === 'ordinary') return { disallowedSpecial: [] };
  return undefined;
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
  return input === '-' ? process.stdin : createReadStream(input, { highWaterMark });
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

  constructor(readonly stream: NodeJS.WritableStream = process.stdout) {
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
