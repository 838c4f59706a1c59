// turbotoken encode | count | decode: one input at a time (files, or stdin when none or '-'),
// streamed, so inputs larger than memory work.
import { open, type FileHandle } from 'node:fs/promises';
import type { Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import { createDecoder, type Decoder } from '../stream';
import { chooseEncoding, displayName, ENCODING_OPTIONS, fileError, libraryMessage, Output, readChunks, SPECIAL_MODES, specialMode, specialOptions } from './common';
import { CliError, type OptionSpec, parseArgs } from './options';
import { type BinHeader, binHeaderOf, checkDtype } from './bin-header';
import { verifyCorpus } from './corpus-manifest';
import { commandInputs, eachDocument } from './formats/command-inputs';
import { IdParser } from './id-parser';
import { INVALID_MODES, type InvalidMode, readSegments } from './text-input';

export const TEXT_OPTIONS: Record<string, OptionSpec> = {
  ...ENCODING_OPTIONS,
  special: { type: 'string', choices: SPECIAL_MODES },
  invalid: { type: 'string', choices: INVALID_MODES, default: 'replace' },
  field: { type: 'string', default: 'text' },
};

const inputsOf = (positionals: string[]) => (positionals.length ? positionals : ['-']);

// Library errors (a disallowed special token) become messages that name the input.
function inputError(error: unknown, file: string): unknown {
  if (error instanceof TurbotokenError) return new CliError(`${displayName(file)}: ${libraryMessage(error)}`);
  return error;
}

export async function encodeCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, { ...TEXT_OPTIONS, format: { type: 'string', choices: ['text', 'json'], default: 'text' } }, 'encode');
  const encoding = chooseEncoding(options);
  const encodeOptions = specialOptions(specialMode(options));
  const json = options.format === 'json';
  const out = new Output();
  const documentSettings = { encoding, options: encodeOptions, invalid: options.invalid as InvalidMode, field: options.field as string };
  for (const { path: file, plainText, file: input } of await commandInputs(positionals)) {
    if (!plainText && input) {
      // One line per document of a JSONL, CSV or Parquet file (one for a compressed text file).
      try {
        await eachDocument(input, documentSettings, false, async (parts) => {
          const ids = parts.flatMap((part) => Array.from(part));
          await out.write(json ? `[${ids.join(',')}]\n` : `${ids.join(' ')}\n`);
        });
      } catch (error) {
        throw inputError(error, file);
      }
      continue;
    }
    let first = true;
    await out.write(json ? '[' : '');
    try {
      for await (const [segments] of readSegments(file, encoding, options.invalid as InvalidMode)) {
        for (const segment of segments) {
          const ids = encoding.encode(segment, encodeOptions);
          if (ids.length === 0) continue;
          await out.write((first ? '' : json ? ',' : ' ') + ids.join(json ? ',' : ' '));
          first = false;
        }
      }
    } catch (error) {
      throw inputError(error, file);
    }
    await out.write(json ? ']\n' : '\n');
  }
}

export async function countCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, TEXT_OPTIONS, 'count');
  const encoding = chooseEncoding(options);
  const encodeOptions = specialOptions(specialMode(options));
  const inputs = await commandInputs(positionals);
  const out = new Output();
  const documentSettings = { encoding, options: encodeOptions, invalid: options.invalid as InvalidMode, field: options.field as string };
  let total = 0;
  for (const { path: file, plainText, file: input } of inputs) {
    let count = 0;
    try {
      if (!plainText && input) {
        await eachDocument(input, documentSettings, true, async (_, n) => {
          count += n;
        });
      } else {
        for await (const [segments] of readSegments(file, encoding, options.invalid as InvalidMode)) {
          for (const segment of segments) count += encoding.count(segment, encodeOptions);
        }
      }
    } catch (error) {
      throw inputError(error, file);
    }
    total += count;
    await out.write(inputs.length === 1 ? `${count}\n` : `${count}\t${displayName(file)}\n`);
  }
  if (inputs.length > 1) await out.write(`${total}\ttotal\n`);
}

export async function decodeCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, { ...ENCODING_OPTIONS, dtype: { type: 'string', choices: ['text', 'uint16', 'uint32'] } }, 'decode');
  const encoding = chooseEncoding(options);
  const asked = options.dtype as 'text' | 'uint16' | 'uint32' | undefined;
  const out = new Output();
  for (const file of inputsOf(positionals)) {
    const decoder = createDecoder(encoding);
    const header = file === '-' ? undefined : await binHeaderOf(file);
    const dtype = header ? checkDtype(file, header, asked) : (asked ?? 'text');
    const parser = new IdParser(dtype, displayName(file));
    try {
      for await (const chunk of await decodeInput(file, header)) await out.write(decodeIds(decoder, parser.push(chunk), parser, encoding));
      await out.write(decodeIds(decoder, parser.end(), parser, encoding) + decoder.end());
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw fileError(error, file);
    }
  }
}

// A .bin beside its header is checked against it first, and read through the handle that was
// checked.
async function decodeInput(file: string, header: BinHeader | undefined): Promise<AsyncIterable<Buffer>> {
  if (!header) return readChunks(file);
  const handle = await open(file, 'r');
  try {
    if (header.kind === 'turbotoken') await verifyCorpus(file, handle, header.corpus);
    else {
      const size = (await handle.stat()).size;
      if (size !== header.binBytes) throw new CliError(`${file}: ${size} bytes, but ${header.source} says ${header.binBytes}; the pair is not one complete set`);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return chunksOf(handle);
}

async function* chunksOf(handle: FileHandle): AsyncGenerator<Buffer> {
  try {
    for (let position = 0; ; ) {
      const buffer = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

// The library names a bad id by its index in the array it was given, a part of the input; the
// message names its place in the whole input (the parser counts ids from its start).
function decodeIds(decoder: Decoder, ids: Uint32Array, parser: IdParser, encoding: Encoding): string {
  try {
    return decoder.write(ids);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_INVALID_TOKEN_ID') throw error;
    const bad = ids.findIndex((id) => !isToken(encoding, id));
    if (bad < 0) throw error;
    throw new CliError(`${parser.name}: id ${ids[bad]} (the ${ordinal(parser.count - ids.length + bad + 1)} id) is not a token of this encoding`);
  }
}

function isToken(encoding: Encoding, id: number): boolean {
  try {
    encoding.tokenBytes(id);
    return true;
  } catch {
    return false;
  }
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
