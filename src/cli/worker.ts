// An encoding worker for the corpus command's --threads: its own Encoding, jobs in, ids out.
import { parentPort, workerData } from 'node:worker_threads';
import { type EncodingSource, loadEncoding } from './common';
import { encodeParquetPages, loadPageCodec, pageCodecLoaded, type ParquetPagesJob } from './formats/parquet-pages';
import { encodeJob, type JobResult } from './job-encode';
import { type BlockJob, CLAIMED_BY_WORKER, type DocumentsJob, encodeBlock, encodeDocuments, SHARED } from './pool';

const { source, options, shared, claims } = workerData as { source: EncodingSource; options: undefined; shared: Int32Array; claims: Int32Array };
const encoding = loadEncoding(source);
// Until now the calling thread encoded every job itself rather than queue it behind this start-up.
Atomics.store(shared, SHARED.ready, 1);

type Message = { seq: number; claim: number; texts?: (string | Uint8Array)[]; ids?: Uint32Array; block?: BlockJob; documents?: DocumentsJob; pages?: ParquetPagesJob };

// Messages held while hyparquet loads (ES modules, imported asynchronously on the first Parquet
// job, and again on the first of a codec hyparquet-compressors decodes), then taken in the order
// they came.
let waiting: Message[] | undefined;

parentPort?.on('message', (message: Message) => {
  if (waiting) waiting.push(message);
  else if (message.pages && !pageCodecLoaded(message.pages.column.codec)) {
    waiting = [message];
    const resume = () => {
      const held = waiting as Message[];
      waiting = undefined;
      for (const next of held) take(next);
    };
    loadPageCodec(message.pages.column.codec).then(resume, resume);
  } else take(message);
});

function take({ seq, claim, texts, ids: out, block, documents, pages }: Message): void {
  // The calling thread may have encoded this job itself while it waited here (WorkerPool#steal).
  const mine = Atomics.compareExchange(claims, claim, 0, CLAIMED_BY_WORKER) === 0;
  Atomics.add(shared, SHARED.taken, 1);
  if (!mine) return;
  try {
    const result: JobResult = block
      ? encodeBlock(encoding, options, block)
      : documents
        ? encodeDocuments(encoding, options, documents)
        : pages
          ? encodeParquetPages(encoding, options, pages)
          : encodeJob(encoding, options, texts as (string | Uint8Array)[], out);
    // Ids written into the job's shared memory are already where the calling thread reads them;
    // others are transferred, not cloned (a view into a larger buffer copied first so only its ids move).
    const inShared = result.ids.buffer instanceof SharedArrayBuffer;
    const ids = inShared || result.ids.buffer.byteLength === result.ids.byteLength ? result.ids : result.ids.slice();
    const transfer = [result.lengths.buffer as ArrayBuffer, ...(inShared ? [] : [ids.buffer as ArrayBuffer])];
    Atomics.add(shared, SHARED.done, 1);
    parentPort?.postMessage({ seq, result: { ...result, ids } }, transfer);
  } catch (error) {
    Atomics.add(shared, SHARED.done, 1);
    const e = error as { message?: string; code?: string };
    parentPort?.postMessage({ seq, error: { message: e.message ?? String(error), code: e.code } });
  }
}
