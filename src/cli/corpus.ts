// turbotoken corpus: many documents to one flat token file, its document index and a header.
// Documents are read in order (sorted inputs), cut into segments at exact cut points (JSON lines:
// into blocks of whole lines, parsed where they are encoded), encoded inline or on worker threads,
// and written strictly in order, so the output is the same bytes whatever --threads is.
import { realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Encoding } from '../encoding';
import { getEncodingNameForModel } from '../index';
import { chooseEncoding, DEFAULT_ENCODING, ENCODING_OPTIONS, type EncodingSource, encodingSource, libraryMessage, SPECIAL_MODES, type SpecialMode, specialOptions } from './common';
import { bytesInRange, type DocumentSink, type InputFile, type JsonlBlock, shardRange, statInputs } from './corpus-input';
import { blockMemory, type BlockPlace, jsonlFailureError, type JsonlSettings, reuseBlockMemory } from './corpus-jsonl';
import { CorpusWriter, type Dtype, outputName, outputPaths, type OutputWriter, removeStaleTemporaries, temporaryOwner } from './corpus-output';
import { idsCapacity, idsMemory, idsPool } from './corpus-memory';
import { mergeCommand } from './corpus-merge';
import { completeOutput, inputsFingerprint } from './corpus-manifest';
import { readDocuments } from './formats/read';
import { parquetFailureError } from './formats/parquet';
import type { PagesResult, ParquetPagesInput } from './formats/parquet-pages';
import { type MegatronDtype, megatronDtype, MegatronWriter } from './megatron';
import { parseShard } from './shard-auto';
import { stderr } from './io';
import { expandInputs } from './inputs';
import { CliError, intOption, type OptionSpec, type OptionValues, parseArgs, UsageError } from './options';
import type { BlockResult, JobResult } from './job-encode';
import { EarlyWorker, type Encoder, inlineEncoder, WorkerPool } from './pool';
import { formatBytes, Progress } from './progress';
import { onTerminationSignal } from './signals';
import { INVALID_MODES, type InvalidMode } from './text-input';

export const CORPUS_OPTIONS: Record<string, OptionSpec> = {
  ...ENCODING_OPTIONS,
  out: { type: 'string', alias: 'o' },
  'output-prefix': { type: 'string' },
  format: { type: 'string', choices: ['turbotoken', 'megatron'], default: 'turbotoken' },
  field: { type: 'string', default: 'text' },
  'append-eot': { type: 'flag' },
  special: { type: 'string', choices: SPECIAL_MODES, default: 'ordinary' },
  invalid: { type: 'string', choices: INVALID_MODES, default: 'replace' },
  shard: { type: 'string' },
  'shard-count': { type: 'string' },
  resume: { type: 'flag' },
  threads: { type: 'string', default: 'auto' },
  progress: { type: 'flag' },
  'no-progress': { type: 'flag' },
  quiet: { type: 'flag', alias: 'q' },
};

const JOB_CHARS = 1 << 18;
const JOB_TEXTS = 1024;

type Event = { text: number; file: number } | { end: number };

interface FileStats {
  documents: number;
  tokens: number;
  replacedAt?: number;
}

// A job in flight: its result, and what writing it (in submission order) does.
interface InFlight {
  result: Promise<JobResult>;
  write(result: JobResult): void;
  failed(error: Error): Error;
  settled?: boolean;
}

// Collects segments into jobs, hands blocks of JSON lines on as jobs of their own, keeps a
// bounded number in flight and writes results in order.
class Pipeline implements DocumentSink {
  #texts: (string | Uint8Array)[] = [];
  #events: Event[] = [];
  #chars = 0;
  #file = 0;
  readonly #inFlight: InFlight[] = [];
  // The line number the next block of a file starts at, when its first block's is known.
  readonly #lines = new Map<number, number>();
  readonly stats: FileStats[];
  textBytes = 0;

  constructor(
    readonly encoder: Encoder,
    readonly locate: (text: string | Uint8Array) => void,
    readonly writer: OutputWriter,
    readonly progressBar: Progress,
    readonly files: InputFile[],
    readonly eot: number | undefined,
    readonly maxInFlight: number,
    // Megatron's preprocess_data.py appends the end-of-document token only to documents with tokens.
    readonly eotOnEmpty: boolean,
    readonly jsonl: JsonlSettings,
  ) {
    this.stats = files.map(() => ({ documents: 0, tokens: 0 }));
  }

  startFile(index: number): void {
    this.#file = index;
  }

  async text(segment: string | Uint8Array): Promise<void> {
    if (segment.length === 0) return;
    this.#events.push({ text: this.#texts.length, file: this.#file });
    this.#texts.push(segment);
    this.#chars += segment.length;
    if (this.#chars >= JOB_CHARS || this.#texts.length >= JOB_TEXTS) await this.#dispatch();
  }

  async endDocument(file: number, textBytes: number): Promise<void> {
    this.#events.push({ end: file });
    this.textBytes += textBytes;
  }

  async jsonlBlock(block: JsonlBlock): Promise<void> {
    await this.#dispatch(); // what came before goes first
    const { file, path, offset, line } = block;
    const ids = idsMemory(idsCapacity(block.bytes.length));
    const result = this.encoder.submitBlock({ ...this.jsonl, bytes: block.bytes, atFileStart: offset === 0, eot: this.eot, eotOnEmpty: this.eotOnEmpty, ids });
    await this.#submitted({
      result,
      write: (job) => {
        this.#writeBlock(job as BlockResult, file, { path, offset, line });
        // Written (copied) and read by no thread again: both buffers serve the next jobs.
        reuseBlockMemory(block.bytes);
        idsPool.give(ids);
      },
      failed: (error) => new CliError(`${path}: ${libraryMessage(error)}`),
    });
  }

  async documents(file: number, bytes: Uint8Array, ends: Uint32Array): Promise<void> {
    await this.#dispatch(); // what came before goes first
    const ids = idsMemory(idsCapacity(bytes.length));
    const result = this.encoder.submitDocuments({ bytes, ends, eot: this.eot, eotOnEmpty: this.eotOnEmpty, ids });
    await this.#submitted({
      result,
      write: (job) => {
        this.#writeDocuments(job as BlockResult, file);
        reuseBlockMemory(bytes);
        idsPool.give(ids);
      },
      failed: (error) => new CliError(`${this.files[file].path}: ${libraryMessage(error)}`),
    });
  }

  async parquetPages(file: number, pages: ParquetPagesInput, release: () => void): Promise<void> {
    await this.#dispatch(); // what came before goes first
    const ids = idsMemory(idsCapacity(pages.bytes));
    const result = this.encoder.submitPages({ ...pages.job, eot: this.eot, eotOnEmpty: this.eotOnEmpty, ids });
    await this.#submitted({
      result,
      write: (job) => {
        this.#writePages(job as PagesResult, file);
        release();
        idsPool.give(ids);
      },
      failed: (error) => new CliError(`${this.files[file].path}: ${libraryMessage(error)}`),
    });
  }

  progress(bytes: number): void {
    this.progressBar.add(bytes);
  }

  replaced(file: number, offset: number): void {
    this.stats[file].replacedAt ??= offset;
  }

  async finish(): Promise<void> {
    await this.#dispatch();
    while (this.#inFlight.length) await this.#writeOldest();
  }

  /**
   * After a reading error: the jobs read before it, in order, so that a failure in one of them
   * (the earlier in the input) is the one reported.
   */
  async drain(): Promise<void> {
    while (this.#inFlight.length) await this.#writeOldest();
  }

  async #dispatch(): Promise<void> {
    if (this.#events.length === 0) return;
    // Inline, the segments are encoded where they are; only a pool's jobs are shared.
    const { texts, memory } = this.encoder.steal ? packSegments(this.#texts) : { texts: this.#texts, memory: undefined };
    const events = this.#events;
    // The ids of several segments are joined into one array anyway: into reused memory, then. One
    // segment's ids are the encoder's own array, which a copy would only add to.
    const ids = texts.length > 1 ? idsMemory(idsCapacity(this.#chars)) : undefined;
    const result = this.encoder.submit(texts, ids);
    this.#texts = [];
    this.#events = [];
    this.#chars = 0;
    await this.#submitted({
      result,
      write: (job) => {
        this.#writeSegments(job, events);
        if (memory) reuseBlockMemory(memory);
        if (ids) idsPool.give(ids);
      },
      failed: (error) => new CliError(`${this.files[this.#culprit(texts, events)].path}: ${libraryMessage(error)}`),
    });
  }

  async #submitted(job: InFlight): Promise<void> {
    // Awaited in order below; this also silences an early rejection.
    job.result.then(
      () => (job.settled = true),
      () => (job.settled = true),
    );
    this.#inFlight.push(job);
    while (this.#inFlight.length > this.maxInFlight) await this.#writeOldest();
  }

  async #writeOldest(): Promise<void> {
    const { result, write, failed } = this.#inFlight[0];
    // Rather than wait for a worker's result, encode a job still queued behind it; between jobs
    // the worker's results come in.
    while (!this.#inFlight[0].settled && this.encoder.steal?.()) await new Promise(setImmediate);
    this.#inFlight.shift();
    let job: JobResult;
    try {
      job = await result;
    } catch (error) {
      throw failed(error as Error);
    }
    write(job);
  }

  #writeSegments(job: JobResult, events: Event[]): void {
    let at = 0;
    for (const event of events) {
      if ('text' in event) {
        const length = job.lengths[event.text];
        this.writer.writeIds(job.ids.subarray(at, at + length));
        this.stats[event.file].tokens += length;
        at += length;
      } else {
        if (this.eot !== undefined && (this.eotOnEmpty || this.writer.documentTokens > 0)) {
          this.writer.writeIds(Uint32Array.of(this.eot));
          this.stats[event.end].tokens++;
        }
        this.writer.endDocument();
        this.stats[event.end].documents++;
      }
    }
  }

  #writeBlock(job: BlockResult, file: number, place: BlockPlace): void {
    if (place.line !== undefined) this.#lines.set(file, place.line);
    const line = this.#lines.get(file);
    if (job.firstInvalid >= 0) this.replaced(file, place.offset + job.firstInvalid);
    this.writer.writeDocuments(job.ids, job.lengths);
    this.stats[file].documents += job.lengths.length;
    this.stats[file].tokens += job.ids.length;
    this.textBytes += job.textBytes;
    if (job.failure) throw jsonlFailureError(job.failure, { ...place, line }, this.jsonl.field);
    if (line !== undefined) this.#lines.set(file, line + job.lines);
  }

  #writeDocuments(job: BlockResult, file: number): void {
    this.writer.writeDocuments(job.ids, job.lengths);
    this.stats[file].documents += job.lengths.length;
    this.stats[file].tokens += job.ids.length;
    this.textBytes += job.textBytes;
  }

  #writePages(job: PagesResult, file: number): void {
    if (job.firstInvalidRow >= 0) this.replaced(file, job.firstInvalidRow);
    this.#writeDocuments(job, file);
    if (job.parquetFailure) throw parquetFailureError(job.parquetFailure, this.files[file].path, this.jsonl.field);
  }

  // A job holds segments of several files; encoding them one by one again finds whose failed.
  #culprit(texts: (string | Uint8Array)[], events: Event[]): number {
    for (const event of events) {
      if (!('text' in event)) continue;
      try {
        this.locate(texts[event.text]);
      } catch {
        return event.file;
      }
    }
    return 0;
  }
}

/**
 * A job's byte segments copied end to end into one block of shared memory (strings stay as they
 * are): posting them to a worker then copies nothing, and the job stays stealable (WorkerPool#steal)
 * until the worker begins it. The copy replaces the one posting would make.
 */
export function packSegments(segments: (string | Uint8Array)[]): { texts: (string | Uint8Array)[]; memory?: Uint8Array } {
  let bytes = 0;
  for (const segment of segments) if (typeof segment !== 'string') bytes += segment.length;
  if (bytes === 0) return { texts: segments };
  const memory = blockMemory(bytes);
  let at = 0;
  const texts = segments.map((segment) => {
    if (typeof segment === 'string') return segment;
    memory.set(segment, at);
    at += segment.length;
    return memory.subarray(at - segment.length, at);
  });
  return { texts, memory };
}

// auto: one thread per CPU, but no more than one per AUTO_BYTES_PER_THREAD of input, since a
// worker costs a copy of the encoding and a few milliseconds to start.
const AUTO_BYTES_PER_THREAD = 4 << 20;

function parseThreads(value: string | boolean | undefined): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  return intOption(value, 'threads', 1, 256) ?? 1;
}

function threadCount(threads: number | 'auto', inputBytes: number, streamed: boolean): number {
  if (threads !== 'auto') return threads;
  const cpus = Math.min(availableParallelism(), 256);
  return streamed ? cpus : Math.max(1, Math.min(cpus, Math.ceil(inputBytes / AUTO_BYTES_PER_THREAD)));
}

type Layout = 'turbotoken' | 'megatron';

interface Settings {
  encoding: Encoding;
  out: string;
  layout: Layout;
  resume: boolean;
  appendEot: boolean;
  special: SpecialMode;
  invalid: InvalidMode;
  field: string;
  shard: [number, number];
  threads: number | 'auto';
  progress: boolean;
  quiet: boolean;
}

function settingsFrom(options: OptionValues, positionals: string[]): Settings {
  if (positionals.length === 0) throw new UsageError('turbotoken corpus needs input files, directories or globs');
  const out = outputName(options);
  // "out/" or "out/.bin" would write the hidden files out/.bin, out/.idx and out/.json.
  if (/(^|[\\/])(\.bin)?$/i.test(out)) throw new UsageError(`--out must name a file, e.g. out/train.bin; received ${JSON.stringify(out)}`);
  const encoding = chooseEncoding(options);
  if (options['append-eot'] && encoding.eotToken === undefined) throw new UsageError(`${encoding.name} has no end-of-text token for --append-eot`);
  return {
    encoding,
    out,
    layout: options.format as Layout,
    resume: options.resume === true,
    appendEot: options['append-eot'] === true,
    special: options.special as SpecialMode,
    invalid: options.invalid as InvalidMode,
    field: options.field as string,
    shard: parseShard(options.shard, options['shard-count']),
    threads: parseThreads(options.threads),
    progress: options['no-progress'] ? false : options.progress === true || stderr().isTTY === true,
    quiet: options.quiet === true,
  };
}

export async function corpusCommand(argv: string[]): Promise<void> {
  // "turbotoken corpus ./merge" reads an input named merge.
  if (argv[0] === 'merge') return mergeCommand(argv.slice(1));
  const { options, positionals } = parseArgs(argv, CORPUS_OPTIONS, 'corpus');
  const early = earlyWorker(options);
  try {
    const settings = settingsFrom(options, positionals);
    // Installed before the first temporary exists: a signal between the two would leave it.
    let writer: OutputWriter | undefined;
    const uninstall = onTerminationSignal(() => writer?.abort());
    try {
      await run(settings, positionals, (made) => (writer = made), early);
    } finally {
      uninstall();
    }
  } finally {
    early?.stop();
  }
}

/**
 * The first encoding worker, started before this thread loads its encoding (a few hundred
 * milliseconds of serial start-up that the worker's own loading then overlaps), when the options
 * name the encoding and may ask for more than one thread. Whatever settingsFrom or run then
 * decide (an argument error, one thread, another encoding), the worker is stopped unless a pool
 * adopts it.
 */
function earlyWorker(options: OptionValues): EarlyWorker | undefined {
  const threads = options.threads;
  const many = threads === undefined || threads === 'auto' ? availableParallelism() > 1 : Number(threads) > 1;
  const source = earlySource(options);
  if (!many || !source) return undefined;
  try {
    return new EarlyWorker(source, specialOptions(options.special as SpecialMode));
  } catch {
    return undefined;
  }
}

function earlySource(options: OptionValues): EncodingSource | undefined {
  const { encoding, model, tokenizer } = options as { encoding?: string; model?: string; tokenizer?: string };
  if ([encoding, model, tokenizer].filter((v) => v !== undefined).length > 1) return undefined;
  if (tokenizer !== undefined) return { tokenizer };
  if (model === undefined) return { name: encoding ?? DEFAULT_ENCODING };
  try {
    return { name: getEncodingNameForModel(model) };
  } catch {
    return undefined;
  }
}

const sameSource = (a: EncodingSource, b: EncodingSource) => JSON.stringify(a) === JSON.stringify(b);

async function run(settings: Settings, positionals: string[], created: (writer: OutputWriter) => void, early?: EarlyWorker): Promise<void> {
  refuseOutputsAsInputs(positionals, settings.out);
  removeStaleTemporaries(settings.out);
  const files = await statInputs(inputsOtherThanOutput(expandInputs(positionals), settings.out), 'descriptors');
  const streamed = files.some((f) => f.stream);
  // A shard is a byte range of the inputs' total size, which a stream has only once it ends.
  if (streamed && settings.shard[1] > 1) throw new UsageError(`--shard needs files of known size; ${files.find((f) => f.stream)?.path.replace(/^-$/, 'stdin')} is a stream (stdin or a pipe)`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const [lo, hi] = shardRange(total, settings.shard[0], settings.shard[1]);
  const threads = threadCount(settings.threads, files.reduce((sum, f) => sum + bytesInRange(f, lo, hi), 0), streamed);
  const dtype: Dtype | MegatronDtype = settings.layout === 'megatron' ? megatronDtype(settings.encoding.nVocab, settings.encoding.name) : settings.encoding.nVocab <= 0x10000 ? 'uint16' : 'uint32';
  if (settings.resume && (await completeOutput(settings.out, runHeader(settings, dtype, files)))) {
    if (!settings.quiet) stderr().write(`turbotoken corpus: shard ${settings.shard[0]}/${settings.shard[1]}: ${outputPaths(settings.out).bin} is complete, skipped (--resume)\n`);
    return;
  }
  const writer: OutputWriter = settings.layout === 'megatron' ? new MegatronWriter(settings.out, dtype as MegatronDtype) : new CorpusWriter(settings.out, dtype as Dtype);
  created(writer);
  const encodeOptions = specialOptions(settings.special);
  const progress = new Progress(files.reduce((sum, f) => sum + bytesInRange(f, lo, hi), 0), settings.progress);
  const locate = (text: string | Uint8Array) => settings.encoding.encode(text, encodeOptions);
  const started = performance.now();
  let encoder: Encoder | undefined;
  let pipeline: Pipeline;
  try {
    const source = encodingSource(settings.encoding);
    const adopt = early && sameSource(early.source, source) ? early : undefined;
    encoder = threads > 1 ? new WorkerPool(source, settings.encoding, encodeOptions, threads, adopt) : inlineEncoder(settings.encoding, encodeOptions);
    pipeline = new Pipeline(encoder, locate, writer, progress, files, settings.appendEot ? settings.encoding.eotToken : undefined, Math.max(2, threads * 4), settings.layout !== 'megatron', {
      field: settings.field,
      invalid: settings.invalid,
    });
    const reading = pipeline;
    await readAll(files, lo, hi, settings, pipeline).catch(async (error) => {
      await reading.drain();
      throw error;
    });
    await pipeline.finish();
    // Every job is written: the workers stop (tens of milliseconds of thread teardown) while
    // this thread hashes, syncs and renames the output.
    encoder.close().catch(() => {}); // awaited below (the same promise)
    writer.commit(header(settings, dtype, files, lo, hi, pipeline));
  } catch (error) {
    writer.abort();
    throw error;
  } finally {
    progress.clear();
    await encoder?.close();
  }
  if (!settings.quiet) summary(settings, dtype, pipeline, files, lo, hi, (performance.now() - started) / 1000);
}

function realDirectory(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

// Device and inode: the same for every name of a file (symbolic links followed, hard links,
// linked directories). An output that does not exist yet cannot be an input.
function fileId(file: string): string | undefined {
  try {
    const info = statSync(file, { bigint: true });
    return `${info.dev}:${info.ino}`;
  } catch {
    return undefined;
  }
}

function outputIds(out: string): Set<string | undefined> {
  const ids = new Set(Object.values(outputPaths(out)).map(fileId));
  ids.delete(undefined);
  return ids;
}

// An input named on the command line that is also an output would be overwritten by its own
// tokens; dropping it (as for a directory's files) would lose it silently.
function refuseOutputsAsInputs(positionals: string[], out: string): void {
  const outputs = outputIds(out);
  const paths = outputPaths(out);
  for (const arg of positionals) {
    let explicitFile = false;
    try {
      explicitFile = !statSync(arg).isDirectory();
    } catch {
      continue; // a glob, or missing: reported when the inputs are expanded
    }
    if (explicitFile && outputs.has(fileId(arg))) {
      throw new UsageError(`${arg} is an input and also an output (--out ${out} writes ${paths.bin}, ${paths.idx} and ${paths.json}); choose another --out`);
    }
  }
}

// A directory that holds the output would otherwise feed an earlier run's output back in, or a
// temporary of a run writing it now.
function inputsOtherThanOutput(inputs: string[], out: string): string[] {
  const outputs = outputIds(out);
  const finals = Object.values(outputPaths(out));
  const outDir = realDirectory(path.dirname(finals[0]));
  const isTemporary = (file: string) => temporaryOwner(path.basename(file), finals) !== undefined && realDirectory(path.dirname(file)) === outDir;
  const files = inputs.filter((file) => !isTemporary(file) && !(outputs.size > 0 && outputs.has(fileId(file))));
  if (files.length === 0) throw new CliError('No input files (directories were empty, or held only the output)');
  return files;
}

async function readAll(files: InputFile[], lo: number, hi: number, settings: Settings, pipeline: Pipeline): Promise<void> {
  const read = { encoding: settings.encoding, invalid: settings.invalid, field: settings.field, target: JOB_CHARS };
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (!file.stream && bytesInRange(file, lo, hi) === 0 && !(file.size === 0 && file.start >= lo && file.start < hi)) continue;
    pipeline.startFile(i);
    await readDocuments(file, i, lo, hi, read, pipeline);
  }
}

// What a run's header says of its settings and inputs, whatever it read: the keys --resume and
// merge compare. The counts follow them (header()).
function runHeader(settings: Settings, dtype: Dtype | MegatronDtype, files: InputFile[]): Record<string, unknown> {
  const paths = outputPaths(settings.out);
  const megatron = settings.layout === 'megatron';
  return {
    format: 'turbotoken-corpus',
    version: 1,
    ...(megatron ? { layout: 'megatron' } : {}),
    encoding: settings.encoding.name,
    dtype,
    byteOrder: 'little',
    data: path.basename(paths.bin),
    index: path.basename(paths.idx),
    ...(megatron ? { indexFormat: 'MMIDIDX' } : { indexDtype: 'uint64' }),
    nVocab: settings.encoding.nVocab,
    eotToken: settings.encoding.eotToken ?? null,
    appendEot: settings.appendEot,
    special: settings.special,
    invalid: settings.invalid,
    field: files.some((f) => f.kind.format !== 'text') ? settings.field : null,
    inputs: inputsFingerprint(files),
    shard: { index: settings.shard[0], count: settings.shard[1] },
  };
}

function header(settings: Settings, dtype: Dtype | MegatronDtype, files: InputFile[], lo: number, hi: number, pipeline: Pipeline): object {
  const used = files.map((file, i) => ({ file, stats: pipeline.stats[i] })).filter(({ stats }) => stats.documents > 0);
  return {
    ...runHeader(settings, dtype, files),
    documents: pipeline.writer.documents,
    ...(pipeline.writer instanceof MegatronWriter ? { sequences: pipeline.writer.sequences } : {}),
    tokens: pipeline.writer.tokens,
    bytes: files.reduce((sum, f) => sum + bytesInRange(f, lo, hi), 0),
    textBytes: pipeline.textBytes,
    files: used.map(({ file, stats }) => ({ path: file.path, bytes: file.size, documents: stats.documents, tokens: stats.tokens })),
  };
}

function summary(settings: Settings, dtype: Dtype | MegatronDtype, pipeline: Pipeline, files: InputFile[], lo: number, hi: number, seconds: number): void {
  const bytes = files.reduce((sum, f) => sum + bytesInRange(f, lo, hi), 0);
  const tokens = pipeline.writer.tokens;
  const perToken = tokens ? (pipeline.textBytes / tokens).toFixed(2) : '-';
  const rate = (bytes / 1e6 / Math.max(seconds, 1e-3)).toFixed(1);
  const lines = [
    `${pipeline.writer.documents.toLocaleString('en-US')} documents, ${formatBytes(bytes)}, ${tokens.toLocaleString('en-US')} tokens ` +
      `(${perToken} bytes/token) in ${seconds.toFixed(1)} s, ${rate} MB/s -> ${outputPaths(settings.out).bin} (${dtype}, ${settings.encoding.name})`,
  ];
  const replaced = pipeline.stats.map((s, i) => ({ s, i })).filter(({ s }) => s.replacedAt !== undefined);
  if (replaced.length) {
    const { s, i } = replaced[0];
    lines.push(`warning: invalid UTF-8 read as U+FFFD in ${replaced.length} file(s), first ${files[i].path} at byte ${s.replacedAt}`);
  }
  stderr().write(lines.map((line) => `turbotoken corpus: ${line}\n`).join(''));
}
