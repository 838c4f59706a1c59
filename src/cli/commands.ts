// turbotoken encode | count | decode: one input at a time (files, or stdin when none or '-'),
// streamed, so inputs larger than memory work.
import { TurbotokenError } from '../errors';
import { createDecoder } from '../stream';
import { chooseEncoding, displayName, ENCODING_OPTIONS, fileError, libraryMessage, Output, readChunks, SPECIAL_MODES, type SpecialMode, specialOptions } from './common';
import { CliError, type OptionSpec, parseArgs } from './options';
import { IdParser } from './id-parser';
import { INVALID_MODES, type InvalidMode, readSegments } from './text-input';

export const TEXT_OPTIONS: Record<string, OptionSpec> = {
  ...ENCODING_OPTIONS,
  special: { type: 'string', choices: SPECIAL_MODES, default: 'error' },
  invalid: { type: 'string', choices: INVALID_MODES, default: 'replace' },
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
  const encodeOptions = specialOptions(options.special as SpecialMode);
  const json = options.format === 'json';
  const out = new Output();
  for (const file of inputsOf(positionals)) {
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
  const encodeOptions = specialOptions(options.special as SpecialMode);
  const inputs = inputsOf(positionals);
  const out = new Output();
  let total = 0;
  for (const file of inputs) {
    let count = 0;
    try {
      for await (const [segments] of readSegments(file, encoding, options.invalid as InvalidMode)) {
        for (const segment of segments) count += encoding.count(segment, encodeOptions);
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
  const { options, positionals } = parseArgs(argv, { ...ENCODING_OPTIONS, dtype: { type: 'string', choices: ['text', 'uint16', 'uint32'], default: 'text' } }, 'decode');
  const encoding = chooseEncoding(options);
  const out = new Output();
  for (const file of inputsOf(positionals)) {
    const decoder = createDecoder(encoding);
    const parser = new IdParser(options.dtype as 'text' | 'uint16' | 'uint32', displayName(file));
    try {
      for await (const chunk of readChunks(file)) await out.write(decoder.write(checkIds(parser.push(chunk), parser, encoding.nVocab)));
      await out.write(decoder.write(checkIds(parser.end(), parser, encoding.nVocab)) + decoder.end());
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (error instanceof RangeError && (error as { code?: string }).code === 'ERR_INVALID_TOKEN_ID') throw new CliError(`${displayName(file)}: ${error.message}`);
      throw fileError(error, file);
    }
  }
}

// Names the id's position in the input, which decodeBytes cannot know.
function checkIds(ids: Uint32Array, parser: IdParser, nVocab: number): Uint32Array {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] >= nVocab) throw new CliError(`${parser.name}: id ${ids[i]} (the ${ordinal(parser.count - ids.length + i + 1)} id) is not a token of this encoding`);
  }
  return ids;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

