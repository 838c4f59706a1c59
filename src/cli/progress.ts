// A one-line progress bar on stderr (bytes done, MB/s, ETA), redrawn at most five times a second.
import { stderr } from './io';

const REDRAW_MS = 200;

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss}` : mmss;
}

export class Progress {
  #done = 0;
  #lastDraw = -Infinity; // the first progress draws at once
  #drawn = false;
  readonly #start = performance.now();

  constructor(readonly total: number, readonly enabled: boolean, readonly stream: NodeJS.WritableStream = stderr()) {}

  add(bytes: number): void {
    this.#done += bytes;
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#draw(now);
  }

  /** Removes the bar so the summary starts on a clean line. */
  clear(): void {
    if (this.#drawn) this.stream.write('\r\x1b[K');
    this.#drawn = false;
  }

  #draw(now: number): void {
    const seconds = (now - this.#start) / 1000;
    const rate = this.#done / Math.max(seconds, 1e-3);
    const fraction = this.total > 0 ? Math.min(1, this.#done / this.total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    // stdin and pipes have no size: past the known total the time left is unknown.
    const eta = rate > 0 && this.#done <= this.total ? (this.total - this.#done) / rate : Infinity;
    const line =
      `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ` +
      `${formatBytes(this.#done)} / ${formatBytes(this.total)}  ${(rate / 1e6).toFixed(1)} MB/s  ETA ${formatDuration(eta)}`;
    this.stream.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }
}
