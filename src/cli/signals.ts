// SIGINT and SIGTERM during a command that leaves files behind: clean up, then end by the same
// signal. Re-raising it with the default action ends the process at once, even while a read is
// blocked in libuv's thread pool: process.exit() would run libuv's shutdown, which joins the
// pool's threads and so waits forever for such a read. The parent sees the signal (exit status
// 128 + its number in a shell: 130 for SIGINT, 143 for SIGTERM).
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Runs `cleanup` (synchronous) on SIGINT/SIGTERM, then ends the process by that signal. Returns the uninstaller. */
export function onTerminationSignal(cleanup: () => void): () => void {
  const uninstall = () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
  function handler(signal: NodeJS.Signals): void {
    uninstall();
    try {
      cleanup();
    } finally {
      // With no listener left, Node restores the default action, which the kill triggers.
      process.kill(process.pid, signal);
      // Only reached if the signal did not end the process (a platform without it).
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
  }
  for (const signal of SIGNALS) process.on(signal, handler);
  return uninstall;
}
