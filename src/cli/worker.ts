// An encoding worker for the corpus command's --threads: its own Encoding, jobs in, ids out.
import { parentPort, workerData } from 'node:worker_threads';
import { type EncodingSource, loadEncoding } from './common';
import { encodeJob } from './pool';

const { source, options } = workerData as { source: EncodingSource; options: undefined };
const encoding = loadEncoding(source);

parentPort?.on('message', ({ seq, texts }: { seq: number; texts: (string | Uint8Array)[] }) => {
  try {
    const { ids, lengths } = encodeJob(encoding, options, texts);
    // Transferred, not cloned; a view into a larger buffer is copied first so only its ids move.
    const own = ids.buffer.byteLength === ids.byteLength ? ids : ids.slice();
    parentPort?.postMessage({ seq, ids: own, lengths }, [own.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as { message?: string; code?: string };
    parentPort?.postMessage({ seq, error: { message: e.message ?? String(error), code: e.code } });
  }
});
