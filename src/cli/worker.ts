// An encoding worker for the corpus command's --threads: its own Encoding, jobs in, ids out.
import { parentPort, workerData } from 'node:worker_threads';
import { type EncodingSource, loadEncoding } from './common';
import { type BlockJob, type DocumentsJob, encodeBlock, encodeDocuments, encodeJob, type JobResult } from './pool';

const { source, options, done } = workerData as { source: EncodingSource; options: undefined; done: Int32Array };
const encoding = loadEncoding(source);

parentPort?.on('message', ({ seq, texts, block, documents }: { seq: number; texts?: (string | Uint8Array)[]; block?: BlockJob; documents?: DocumentsJob }) => {
  try {
    const result: JobResult = block
      ? encodeBlock(encoding, options, block)
      : documents
        ? encodeDocuments(encoding, options, documents)
        : encodeJob(encoding, options, texts as (string | Uint8Array)[]);
    // Transferred, not cloned; a view into a larger buffer is copied first so only its ids move.
    const ids = result.ids.buffer.byteLength === result.ids.byteLength ? result.ids : result.ids.slice();
    Atomics.add(done, 0, 1);
    parentPort?.postMessage({ seq, result: { ...result, ids } }, [ids.buffer as ArrayBuffer, result.lengths.buffer as ArrayBuffer]);
  } catch (error) {
    Atomics.add(done, 0, 1);
    const e = error as { message?: string; code?: string };
    parentPort?.postMessage({ seq, error: { message: e.message ?? String(error), code: e.code } });
  }
});
