// turbotoken/tiktoken/load: tiktoken's load(registry, customFetch?), which turns an entry of its
// registry.json into { bpe_ranks, special_tokens, pat_str } for new Tiktoken(...). turbotoken
// fetches nothing over the network: the URLs of OpenAI's published encodings are answered from
// the built-in vocabularies, files (a path or a file: URL) are read, data: URLs are decoded, and
// customFetch, when given, is asked for everything, as in tiktoken.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkObject, checkString, quote } from '../args';
import { TurbotokenError, typeError } from '../errors';
import { loadEncoding } from '../registry';
import { tiktokenRankText } from './rank-text';

export type LoadRegistry = ({ load_tiktoken_bpe: string } | { data_gym_to_mergeable_bpe_ranks: { vocab_bpe_file: string; encoder_json_file: string } }) & {
  explicit_n_vocab?: number;
  pat_str: string;
  special_tokens: Record<string, number>;
};

export interface LoadedRanks {
  explicit_n_vocab: number | undefined;
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

const OPENAI = 'https://openaipublic.blob.core.windows.net/';
const PUBLISHED = /^https:\/\/openaipublic\.blob\.core\.windows\.net\/encodings\/(r50k_base|p50k_base|cl100k_base|o200k_base)\.tiktoken$/;
const GPT2_VOCAB = `${OPENAI}gpt-2/encodings/main/vocab.bpe`;
const GPT2_ENCODER = `${OPENAI}gpt-2/encodings/main/encoder.json`;

export async function load(registry: LoadRegistry, customFetch?: (url: string) => Promise<string>): Promise<LoadedRanks> {
  const entry = checkObject(registry, 'registry') as Record<string, unknown>;
  if (customFetch !== undefined && typeof customFetch !== 'function') throw typeError(`customFetch must be a function, not ${quote(customFetch)}`);
  const fetchText = customFetch ? async (url: string) => checkString(await customFetch(url), 'customFetch(url)') : readLocal;
  const base = { explicit_n_vocab: entry.explicit_n_vocab as number | undefined, pat_str: entry.pat_str as string, special_tokens: entry.special_tokens as Record<string, number> };
  if ('data_gym_to_mergeable_bpe_ranks' in entry) {
    const files = checkObject(entry.data_gym_to_mergeable_bpe_ranks, 'registry.data_gym_to_mergeable_bpe_ranks') as Record<string, unknown>;
    const vocabFile = checkString(files.vocab_bpe_file, 'registry.data_gym_to_mergeable_bpe_ranks.vocab_bpe_file');
    const encoderFile = checkString(files.encoder_json_file, 'registry.data_gym_to_mergeable_bpe_ranks.encoder_json_file');
    if (!customFetch && vocabFile === GPT2_VOCAB && encoderFile === GPT2_ENCODER) return { ...base, bpe_ranks: tiktokenRankText(loadEncoding('gpt2')) };
    const [vocab, encoderJson] = await Promise.all([fetchText(vocabFile), fetchText(encoderFile)]);
    return { ...base, bpe_ranks: dataGymRankText(vocab, encoderJson) };
  }
  const url = checkString(entry.load_tiktoken_bpe, 'registry.load_tiktoken_bpe');
  const published = customFetch ? null : PUBLISHED.exec(url);
  return { ...base, bpe_ranks: published ? tiktokenRankText(loadEncoding(published[1])) : await fetchText(url) };
}

async function readLocal(location: string): Promise<string> {
  if (location.startsWith('data:')) return dataUrlText(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file:')) {
    throw new TurbotokenError(`load() reads no network URL (${quote(location)}); pass a file path, a file: or data: URL, or a customFetch`, 'ERR_NOT_SUPPORTED');
  }
  const path = location.startsWith('file:') ? fileURLToPath(location) : location;
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new TurbotokenError(`Cannot read ${quote(location)}: ${(cause as Error).message}`, 'ERR_FETCH_FAILED');
  }
}

function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new TurbotokenError('A data: URL needs a comma before its data', 'ERR_INVALID_ARG_VALUE');
  const header = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (/;base64$/i.test(header)) return Buffer.from(body, 'base64').toString('utf8');
  try {
    return decodeURIComponent(body);
  } catch {
    throw new TurbotokenError('The data: URL is not valid percent-encoding', 'ERR_INVALID_ARG_VALUE');
  }
}

// GPT-2's data-gym files (vocab.bpe merges and encoder.json) as tiktoken ranks: bytes are written
// as printable characters (the unprintable ones and space moved to U+0100 onwards), single bytes
// take ranks 0-255 in that order, each merge the next rank; encoder.json must agree.
function dataGymRankText(vocabBpe: string, encoderJson: string): string {
  const printable = (b: number) => !(b <= 31 || (b >= 127 && b <= 160) || b === 173) && b !== 32;
  const byteOrder: number[] = [];
  const byteOfChar = new Map<string, number>();
  for (let b = 0; b < 256; b++) if (printable(b)) { byteOrder.push(b); byteOfChar.set(String.fromCharCode(b), b); }
  let moved = 0;
  for (let b = 0; b < 256; b++) if (!printable(b)) { byteOrder.push(b); byteOfChar.set(String.fromCharCode(256 + moved++), b); }
  const bytesOf = (text: string): number[] => [...text].map((c) => {
    const b = byteOfChar.get(c);
    if (b === undefined) throw new TurbotokenError(`The data-gym vocabulary has a character it cannot map: ${quote(c)}`, 'ERR_INVALID_VOCABULARY');
    return b;
  });
  const ranks = new Map<string, number>();
  byteOrder.forEach((b, i) => ranks.set(String(b), i));
  for (const line of vocabBpe.split('\n').slice(1, -1)) {
    const [first, second] = line.split(' ');
    ranks.set([...bytesOf(first ?? ''), ...bytesOf(second ?? '')].join(','), ranks.size);
  }
  let encoder: Record<string, unknown>;
  try {
    encoder = JSON.parse(encoderJson) as Record<string, unknown>;
  } catch (cause) {
    throw new TurbotokenError(`encoder.json does not parse: ${(cause as Error).message}`, 'ERR_INVALID_VOCABULARY');
  }
  const fromJson = new Map<string, unknown>();
  for (const [key, rank] of Object.entries(encoder)) fromJson.set(bytesOf(key).join(','), rank);
  fromJson.delete(bytesOf('<|endoftext|>').join(','));
  fromJson.delete(bytesOf('<|startoftext|>').join(','));
  const agrees = fromJson.size === ranks.size && [...ranks].every(([key, rank]) => fromJson.get(key) === rank);
  if (!agrees) throw new TurbotokenError('bpe_ranks !== encoder_json_loaded', 'ERR_INVALID_VOCABULARY');
  const lines = [...ranks].sort((a, b) => a[1] - b[1]).map(([key, rank]) => `${Buffer.from(key.split(',').map(Number)).toString('base64')} ${rank}\n`);
  return lines.join('');
}
