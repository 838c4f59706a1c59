// The streams and environment one run of the command reads and writes. The bin script runs main()
// with the process's own; a caller in the same process (the tests) passes its own streams and
// environment, and that run's output, its stdin and the variables it reads per run (the shard
// index and count of --shard auto) come from them. Asynchronous context rather than arguments
// threaded through each command: the commands' signatures and the corpus worker pool stay as they
// are, and two runs in one process do not see each other's streams.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable } from 'node:stream';

export interface CliStreams {
  stdin?: Readable;
  stdout?: NodeJS.WritableStream;
  /** isTTY true draws the progress bar by default, as on a terminal. */
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const current = new AsyncLocalStorage<CliStreams>();

/** Runs `body` with `streams` as the command's streams (each one not given: the process's). */
export function withStreams<T>(streams: CliStreams, body: () => Promise<T>): Promise<T> {
  return current.run(streams, body);
}

// Getters, not values: process.stdin is created on first access, and reading it opens the
// descriptor, which a run that never reads stdin must not do.
export function stdin(): Readable {
  return current.getStore()?.stdin ?? process.stdin;
}

export function stdout(): NodeJS.WritableStream {
  return current.getStore()?.stdout ?? process.stdout;
}

export function stderr(): NodeJS.WritableStream & { isTTY?: boolean } {
  return current.getStore()?.stderr ?? process.stderr;
}

export function env(): NodeJS.ProcessEnv {
  return current.getStore()?.env ?? process.env;
}
