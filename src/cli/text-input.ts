// Reading one input (file or stdin) as text segments that encode exactly, checking UTF-8 as
// --invalid asks: `replace` reads ill-formed bytes as U+FFFD (as encode() reads bytes), `fail`
// stops at the first one, naming the file and byte offset.
import type { Encoding } from '../encoding';
import { segmenterFor } from '../safe-cut';
import { TextChunks } from '../utf8-stream';
import { displayName, fileError, readChunks } from './common';
import { CliError } from './options';
import { Utf8Checker } from './utf8';

export const INVALID_MODES = ['replace', 'fail'] as const;
export type InvalidMode = (typeof INVALID_MODES)[number];

export function invalidUtf8Error(file: string, offset: number, line?: number): CliError {
  const where = line === undefined ? `byte ${offset}` : `line ${line} (byte ${offset})`;
  return new CliError(`${displayName(file)}: invalid UTF-8 at ${where} (use --invalid=replace to read it as U+FFFD)`);
}

/** Decodes and checks chunks of one byte stream. */
export class TextReader {
  readonly #text = new TextChunks();
  readonly #checker = new Utf8Checker();

  constructor(readonly file: string, readonly invalid: InvalidMode) {}

  /** Offset of the first ill-formed byte so far, or -1. */
  get firstInvalid(): number {
    return this.#checker.firstInvalid;
  }

  push(chunk: Uint8Array): string {
    this.#check(() => this.#checker.push(chunk));
    return this.#text.push(chunk);
  }

  end(): string {
    this.#check(() => this.#checker.end());
    return this.#text.end();
  }

  #check(step: () => void): void {
    step();
    if (this.invalid === 'fail' && this.#checker.firstInvalid >= 0) throw invalidUtf8Error(this.file, this.#checker.firstInvalid);
  }
}

/** Segments of one input, each with the input bytes read since the previous yield. */
export async function* readSegments(file: string, encoding: Encoding, invalid: InvalidMode, target = 1 << 20): AsyncGenerator<[string[], number]> {
  const reader = new TextReader(file, invalid);
  const segmenter = segmenterFor(encoding, target);
  let chunks: AsyncIterable<Buffer>;
  try {
    chunks = readChunks(file);
    for await (const chunk of chunks) yield [segmenter.push(reader.push(chunk)), chunk.length];
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw fileError(error, file);
  }
  const rest = segmenter.push(reader.end());
  rest.push(segmenter.end());
  yield [rest, 0];
}
