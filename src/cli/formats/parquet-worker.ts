// The Parquet decoding thread of `turbotoken corpus` with --threads 2 and more (parquet.ts,
// ParquetDecoder): it decodes the --field column of a row group while the reading thread hands
// on the values of the one before, so that page decoding (decompression, levels, value
// boundaries) no longer stops the reading thread from feeding the encoders. It reads the file
// through the reading thread's open descriptor (positional reads), never by name, so it reads
// the file the reading thread checked. The values go back as views into the decoded pages'
// buffers, which are moved, not copied.
import { read } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { asyncBuffer, type AsyncBuffer, type DecodeFailure, type DecodeRequest, decodeRows, loadParquet, type Metadata, packRows, ParquetReadError } from './parquet-library';

let current: { file: number; fd: number; buffer: AsyncBuffer; metadata: Promise<Metadata> } | undefined;

function source(request: DecodeRequest): { buffer: AsyncBuffer; metadata: Promise<Metadata> } {
  if (current?.file !== request.file || current.fd !== request.fd) {
    const buffer = asyncBuffer(request.size, (bytes, at, length, position) =>
      new Promise((resolve, reject) => read(request.fd, bytes, at, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)))),
    );
    const metadata = loadParquet().then(({ hyparquet }) => hyparquet.parquetMetadataAsync(buffer));
    metadata.catch(() => {}); // reported by the request that awaits it
    current = { file: request.file, fd: request.fd, buffer, metadata };
  }
  return current;
}

async function decode(request: DecodeRequest): Promise<void> {
  try {
    const { buffer, metadata } = source(request);
    const rows = await decodeRows(buffer, await metadata, request.field, request.rowStart, request.rowEnd);
    const { message, transfer } = packRows(request.id, rows);
    try {
      parentPort?.postMessage(message, transfer);
    } catch {
      parentPort?.postMessage(message); // a buffer that cannot move (a pooled one) is copied
    }
  } catch (error) {
    const e = error as ParquetReadError;
    const failure: DecodeFailure = { id: request.id, error: { message: e?.message ?? String(error), code: e?.code, endedAt: e?.endedAt, read: error instanceof ParquetReadError } };
    parentPort?.postMessage(failure);
  }
}

parentPort?.on('message', (request: DecodeRequest) => void decode(request));
