// The inputs of `encode` and `count`, as `corpus` takes them: files, directories and globs, each
// read by its kind (formats/detect.ts), so that a .jsonl, CSV or Parquet file's --field text is
// what is encoded or counted, never its JSON or its compressed bytes. stdin, pipes and plain
// text files are read as text, as before.
import type { EncodeOptions, Encoding } from '../../encoding';
import { type DocumentSink, type InputFile, statInputs } from '../corpus-input';
import { expandInputs } from '../inputs';
import type { InvalidMode } from '../text-input';
import { readDocuments } from './read';

export interface CommandInput {
  /** The name to print: the path, or "-" for stdin. */
  path: string;
  /** Read as text by the commands' own streaming reader (stdin, pipes, plain text files). */
  plainText: boolean;
  file?: InputFile;
}

/** The inputs named by `positionals` (stdin when none). */
export async function commandInputs(positionals: string[]): Promise<CommandInput[]> {
  if (positionals.length === 0) return [{ path: '-', plainText: true }];
  // Each argument in the order given (a file named twice is read twice); a directory's or a
  // glob's files sorted, as corpus reads them.
  const inputs: CommandInput[] = [];
  for (const arg of positionals) {
    const files = await statInputs(expandInputs([arg]), 'any');
    for (const file of files) inputs.push({ path: file.path, plainText: file.stream || (file.kind.format === 'text' && !file.kind.compression), file });
  }
  return inputs;
}

export interface DocumentSettings {
  encoding: Encoding;
  options: EncodeOptions | undefined;
  invalid: InvalidMode;
  field: string;
}

/**
 * Calls `onDocument` with the ids (or, with `countOnly`, the count) of each document of a
 * structured or compressed input, in order.
 */
export async function eachDocument(file: InputFile, settings: DocumentSettings, countOnly: boolean, onDocument: (ids: Uint32Array[], count: number) => Promise<void>): Promise<void> {
  let parts: Uint32Array[] = [];
  let count = 0;
  const sink: DocumentSink = {
    text(segment) {
      if (segment.length === 0) return;
      if (countOnly) count += settings.encoding.count(segment, settings.options);
      else {
        const ids = settings.encoding.encode(segment, settings.options);
        parts.push(ids);
        count += ids.length;
      }
    },
    async endDocument() {
      const done = parts;
      const n = count;
      parts = [];
      count = 0;
      await onDocument(done, n);
    },
    progress() {},
    replaced() {},
  };
  await readDocuments(file, 0, 0, Infinity, { encoding: settings.encoding, invalid: settings.invalid, field: settings.field, target: 1 << 20 }, sink);
}
