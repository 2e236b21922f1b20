// A one-line progress bar on stderr (packages done / total) for people watching a terminal. It
// redraws in place at most every REDRAW_MS and erases itself when the run ends, so what is
// printed after it (skipped files, the report) starts on a clean line. Off when stderr is not a
// terminal (CI logs, pipes), unless forced with --progress.

const REDRAW_MS = 100;
const ERASE_LINE = '\r\x1b[K';

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export class ProgressBar {
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** One more package finished. */
  tick(): void {
    this.done++;
    const t = this.now();
    if (this.done === this.total || t - this.lastDraw >= REDRAW_MS) {
      this.lastDraw = t;
      this.draw();
    }
  }

  /** Erases the bar; call once, when the run ends (successfully or not). */
  finish(): void {
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.drawn = false;
  }

  private draw(): void {
    const counts = `${this.done}/${this.total} packages`;
    const columns = this.stream.columns ?? 80;
    // `goleash [` + `] ` + counts, one column spare: a line that wrapped could not be erased.
    const width = Math.min(40, columns - counts.length - 12);
    const filled = this.total === 0 ? width : Math.round((width * this.done) / this.total);
    const line = width >= 5 ? `goleash [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts}` : counts;
    this.stream.write(`${ERASE_LINE}${line.slice(0, columns - 1)}`);
    this.drawn = true;
  }
}

/** `--progress` / `--no-progress` win; otherwise on exactly when the stream is a terminal. */
export function progressWanted(flag: boolean | undefined, stream: { isTTY?: boolean }): boolean {
  return flag ?? stream.isTTY === true;
}
