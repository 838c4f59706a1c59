// turbotoken analyze | audit: compression metrics, the token premium of languages and the
// vocabulary audit, as a table, JSON or one self-contained HTML report (src/cli/report-html.ts).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../analyze';
import { audit, type Audit } from '../audit';
import type { Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import { premium, readParallelTexts, udhrTexts } from '../premium';
import { chooseEncoding, displayName, Output, libraryMessage, SPECIAL_MODES, type SpecialMode, specialOptions } from './common';
import type { DocumentSink } from './corpus-input';
import { commandInputs } from './formats/command-inputs';
import { readDocuments } from './formats/read';
import { CliError, type OptionSpec, type OptionValues, parseArgs, UsageError } from './options';
import { type AnalysisReport, analysisHtml, auditHtml } from './report-html';
import { INVALID_MODES, type InvalidMode, readSegments } from './text-input';

const FORMATS = ['table', 'json', 'html'] as const;

const COMMON: Record<string, OptionSpec> = {
  encoding: { type: 'string', alias: 'e' },
  model: { type: 'string', alias: 'm' },
  tokenizer: { type: 'string' },
  format: { type: 'string', choices: FORMATS, default: 'table' },
  out: { type: 'string', alias: 'o' },
};

/** Every encoding named: --encoding and --model take comma-separated lists; --tokenizer one file. */
function chooseEncodings(options: OptionValues): Encoding[] {
  const list: Encoding[] = [];
  const split = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
  for (const name of split(options.encoding)) list.push(chooseEncoding({ encoding: name }));
  for (const model of split(options.model)) list.push(chooseEncoding({ model }));
  if (typeof options.tokenizer === 'string') list.push(chooseEncoding({ tokenizer: options.tokenizer }));
  if (list.length === 0) list.push(chooseEncoding({}));
  return list;
}

function checkNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number; received ${JSON.stringify(value)}`);
  return n;
}

/** The text kind an input argument names: its base name without the extension ("data/code/" → "code"). */
function kindOf(arg: string): string {
  if (arg === '-') return 'stdin';
  const base = path.basename(arg.replace(/[\\/]+$/, '')) || arg;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

// Each file's text as one string (a text file whole; each document of a JSONL, CSV or Parquet file
// apart): whitespace-separated words must not be cut where a reader cuts its chunks.
async function readTexts(arg: string, encoding: Encoding, invalid: InvalidMode, field: string): Promise<string[]> {
  const texts: string[] = [];
  for (const { path: file, plainText, file: input } of await commandInputs([arg])) {
    if (plainText || !input) {
      const parts: string[] = [];
      for await (const [segments] of readSegments(file, encoding, invalid)) parts.push(...segments);
      texts.push(parts.join(''));
      continue;
    }
    let parts: string[] = [];
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const sink: DocumentSink = {
      text(segment) {
        parts.push(typeof segment === 'string' ? segment : decoder.decode(segment));
      },
      endDocument() {
        texts.push(parts.join(''));
        parts = [];
      },
      progress() {},
      replaced() {},
    };
    try {
      await readDocuments(input, 0, 0, Infinity, { encoding, invalid, field, target: 1 << 20 }, sink);
    } catch (error) {
      if (error instanceof TurbotokenError) throw new CliError(`${displayName(file)}: ${libraryMessage(error)}`);
      throw error;
    }
  }
  return texts;
}

function parallelTexts(source: string): Record<string, string> {
  try {
    return source === 'udhr' ? udhrTexts() : readParallelTexts(source);
  } catch (error) {
    if (error instanceof TurbotokenError) throw new CliError(error.message);
    throw error;
  }
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) return new Output().write(text);
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw new CliError(`${out}: ${(error as Error).message}`);
  }
}

const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

// The first `left` columns aligned left (names), the others right (numbers).
function table(rows: string[][], left: number): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < left ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

function analysisTable(report: AnalysisReport): string {
  let text = '';
  if (report.analysis) {
    const head = ['encoding', 'kind', 'tokens', 'bytes/token', 'chars/token', 'fertility', 'utilisation', `renyi(${report.analysis.alpha})/log|V|`, 'renyi/log(types)'];
    text += table([head, ...report.analysis.rows.map((r) => [r.encoding, r.kind, String(r.tokens), fixed(r.bytesPerToken, 3), fixed(r.charactersPerToken, 3), fixed(r.fertility, 3), fixed(r.utilisation, 4), fixed(r.renyiEfficiency, 4), fixed(r.renyiEfficiencyObserved, 4)])], 2);
  }
  for (const p of report.premium) {
    if (text) text += '\n';
    text += `${p.encoding}: premium against ${p.reference} (${p.referenceTokens} tokens), ${p.languages.length} languages: median ${fixed(p.median, 3)}, p90 ${fixed(p.p90, 3)}\n`;
    text += table([['language', 'tokens', 'premium'], ...p.worst.map((l) => [l.language, String(l.tokens), fixed(l.premium, 3)])], 1);
  }
  return text;
}

export async function analyzeCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, {
    ...COMMON,
    alpha: { type: 'string' },
    parallel: { type: 'string' },
    reference: { type: 'string', default: 'eng' },
    worst: { type: 'string' },
    invalid: { type: 'string', choices: INVALID_MODES, default: 'replace' },
    field: { type: 'string', default: 'text' },
    // As the library's analyze: corpus text is text unless asked otherwise.
    special: { type: 'string', choices: SPECIAL_MODES, default: 'ordinary' },
  }, 'analyze');
  const encodings = chooseEncodings(options);
  const alpha = checkNumber(options.alpha, 'alpha', 2.5);
  const worst = checkNumber(options.worst, 'worst', 10);
  const parallel = options.parallel as string | undefined;
  const inputs = positionals.length || parallel === undefined ? (positionals.length ? positionals : ['-']) : [];
  const report: AnalysisReport = { analysis: null, premium: [] };
  try {
    if (inputs.length) {
      const kinds = new Map<string, string[]>();
      for (const arg of inputs) {
        const kind = kindOf(arg);
        const texts = await readTexts(arg, encodings[0], options.invalid as InvalidMode, options.field as string);
        kinds.set(kind, [...(kinds.get(kind) ?? []), ...texts]);
      }
      report.analysis = analyze(encodings, kinds, { alpha, ...specialOptions(options.special as SpecialMode) });
    }
    if (parallel !== undefined) {
      const texts = parallelTexts(parallel);
      for (const encoding of encodings) report.premium.push(premium(encoding, texts, { reference: options.reference as string, worst }));
    }
  } catch (error) {
    if (error instanceof TurbotokenError || (error as { code?: string })?.code === 'ERR_OUT_OF_RANGE') throw new CliError(libraryMessage(error as Error), error instanceof RangeError || error instanceof TypeError ? 2 : 1);
    throw error;
  }
  const format = options.format as (typeof FORMATS)[number];
  const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'html' ? analysisHtml(report) : analysisTable(report);
  await emit(text, options.out as string | undefined);
}

function auditTable(a: Audit, limit: number): string {
  const lines = [
    `${a.encoding}: ${a.nVocab} ids, ${a.ordinaryTokens} ordinary tokens, ${a.specialTokens.length} special tokens`,
    `unreachable: ${a.unreachable.length}`,
    ...a.unreachable.slice(0, limit).map((u) => `  ${u.id} ${JSON.stringify(u.text)} -> [${u.encodesTo.join(', ')}]`),
    ...(a.unreachable.length > limit ? [`  … ${a.unreachable.length - limit} more (--limit, or --format json)`] : []),
    `partial UTF-8: ${a.partialUtf8.length}`,
    `special tokens: ${a.specialTokens.map((s) => `${s.id} ${JSON.stringify(s.text)}`).join(', ') || 'none'}`,
    `id holes: ${a.holeCount}${a.holes.length ? ` (${a.holes.slice(0, limit).map(([x, y]) => (x === y ? `${x}` : `${x}-${y}`)).join(', ')}${a.holes.length > limit ? ', …' : ''})` : ''}`,
    `duplicate byte strings: ${a.duplicates.length}`,
    ...a.duplicates.slice(0, limit).map((d) => `  ${d.bytes}: ${d.ids.join(', ')}`),
  ];
  return lines.join('\n') + '\n';
}

export async function auditCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, { ...COMMON, limit: { type: 'string' } }, 'audit');
  if (positionals.length) throw new UsageError(`audit takes no inputs; received ${JSON.stringify(positionals[0])}`);
  const limit = checkNumber(options.limit, 'limit', 20);
  const audits = chooseEncodings(options).map((encoding) => audit(encoding));
  const format = options.format as (typeof FORMATS)[number];
  const text = format === 'json' ? `${JSON.stringify(audits.length === 1 ? audits[0] : audits, null, 2)}\n` : format === 'html' ? auditHtml(audits) : audits.map((a) => auditTable(a, limit)).join('\n');
  await emit(text, options.out as string | undefined);
}
