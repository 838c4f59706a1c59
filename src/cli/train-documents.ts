// The documents `turbotoken train` hands to trainAsync, read from its inputs as `corpus` reads them,
// in pieces: memory holds about one batch of them, not the largest input. A document is cut where
// cutting changes no count: with chunking 'lines' after a "\n" (every line is counted on its own
// anyway); with 'documents' and maxDocumentChars N, after the first N characters (the trainer reads
// no further). With 'documents' and no cap a document is one unit, and is held whole.
import type { TrainDocument } from '../train';
import type { DocumentSink, InputFile, ReadSettings } from './corpus-input';
import { readDocuments } from './formats/read';

/** Bytes of a document gathered before it is cut (at a "\n"), and of pieces queued ahead of the trainer. */
export const PIECE_BYTES = 1 << 20;
const QUEUE_BYTES = 4 << 20;
// A piece is cut once PIECE_BYTES are held, so it holds at most that and one read (1 MB) or segment.
const SPARE_BYTES = PIECE_BYTES + (2 << 20);

const LF = 0x0a;

/** Stops the reader when the trainer stopped taking documents (it failed). */
class Stopped extends Error {}

export async function* trainDocuments(
  files: InputFile[],
  settings: ReadSettings,
  chunking: 'lines' | 'documents',
  maxDocumentChars: number,
  onBytes: (bytes: number) => void,
): AsyncGenerator<TrainDocument> {
  const queue: Buffer[] = [];
  let head = 0;
  let queued = 0;
  let wake: (() => void) | undefined;
  let drained: (() => void) | undefined;
  let stopped = false;
  const push = (piece: Buffer) => {
    queue.push(piece);
    queued += piece.length;
    wake?.();
  };
  // The reader waits while a batch's worth is queued.
  const room = (): Promise<void> | undefined => {
    if (stopped) throw new Stopped();
    return queued < QUEUE_BYTES ? undefined : new Promise<void>((resolve) => (drained = resolve));
  };

  // The current document: its parts, their bytes, and how many leading parts hold no "\n".
  let parts: Buffer[] = [];
  let held = 0;
  let searched = 0;
  let capped = false;
  const capBytes = maxDocumentChars * 4; // N characters take at most 4N bytes

  // Pieces cut by lines are copied into buffers used again once the trainer has taken them (it
  // copies a document before it asks for the next): a fresh buffer per piece would be garbage that
  // outlives the young generation in the queue, which V8 collects late, so the command's resident
  // memory grew with the file (about 1 MB per MB read) unless garbage was collected by force.
  const spare: Buffer[] = [];
  const owned = new WeakSet<Buffer>();
  const gather = (list: Buffer[]): Buffer => {
    const bytes = list.reduce((n, p) => n + p.length, 0);
    if (bytes > SPARE_BYTES) return Buffer.concat(list, bytes);
    const into = spare.pop() ?? Buffer.allocUnsafeSlow(SPARE_BYTES);
    let at = 0;
    for (const p of list) at += p.copy(into, at);
    const piece = into.subarray(0, bytes);
    owned.add(piece);
    return piece;
  };

  const cutAtLastNewline = () => {
    for (let j = parts.length - 1; j >= searched; j--) {
      const at = parts[j].lastIndexOf(LF);
      if (at < 0) continue;
      const before = parts.slice(0, j);
      before.push(parts[j].subarray(0, at + 1));
      const rest = [parts[j].subarray(at + 1), ...parts.slice(j + 1)].filter((p) => p.length > 0);
      push(gather(before));
      parts = rest;
      held = rest.reduce((n, p) => n + p.length, 0);
      searched = rest.length; // the parts after j were searched and hold no "\n"
      return;
    }
    searched = parts.length;
  };

  const sink: DocumentSink = {
    text(segment) {
      if (segment.length === 0 || capped) return room();
      // A view, not a copy: the reader hands each chunk over in a buffer of its own.
      let piece = typeof segment === 'string' ? Buffer.from(segment, 'utf8') : Buffer.from(segment.buffer, segment.byteOffset, segment.byteLength);
      if (capBytes > 0 && held + piece.length >= capBytes) {
        // Past 4N bytes nothing is read: cut there, between characters.
        let end = capBytes - held;
        while (end > 0 && (piece[end] & 0xc0) === 0x80) end--;
        piece = piece.subarray(0, end);
        capped = true;
      }
      parts.push(piece);
      held += piece.length;
      if (chunking === 'lines' && held >= PIECE_BYTES) cutAtLastNewline();
      return room();
    },
    endDocument() {
      push(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      parts = [];
      held = 0;
      searched = 0;
      capped = false;
      return room();
    },
    progress: onBytes,
    replaced() {},
  };

  let done = false;
  let failure: unknown;
  const reader = (async () => {
    try {
      for (let k = 0; k < files.length; k++) await readDocuments(files[k], k, 0, Infinity, settings, sink);
    } catch (error) {
      if (!(error instanceof Stopped)) failure = error;
    } finally {
      done = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (head < queue.length) {
        const piece = queue[head++];
        queued -= piece.length;
        if (head > 1024) {
          queue.splice(0, head);
          head = 0;
        }
        if (queued < QUEUE_BYTES && drained) {
          const resolve = drained;
          drained = undefined;
          resolve();
        }
        yield piece;
        // Taken: the trainer copied it before asking for more.
        if (owned.has(piece)) spare.push(Buffer.from(piece.buffer, piece.byteOffset, SPARE_BYTES));
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stopped = true;
    drained?.();
    await reader;
  }
  if (failure) throw failure;
}
