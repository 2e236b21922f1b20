// Where the workspace view analyses packages: on a worker thread (the command line's
// dist/lint-worker.js, beside this bundle), so that a package that takes seconds (the Go
// runtime, the compiler's ssa) never holds up the editor's requests. The worker stops after a
// while without work, giving back its memory, and starts again when there is more. Without the
// worker script (running from sources), packages are analysed in this thread instead.
// (The pool lives in cli/ for now; it belongs in core/ beside PackageUnit.)
import type { Parser } from 'web-tree-sitter';
import { WorkerPool, workerScript } from '../cli/pool';
import { analyzePackage, type PackageResult, type PackageUnit } from '../core/packageAnalysis';

/** Stop the worker after this long without a package to analyse. */
export const WORKER_IDLE_MS = 10_000;

export class BackgroundAnalyser {
  private pool: WorkerPool | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private running = 0;
  private readonly script: string | undefined;

  constructor(
    private readonly inThread: Parser,
    private readonly idleMs = WORKER_IDLE_MS,
  ) {
    try {
      this.script = workerScript();
    } catch {
      this.script = undefined;
    }
  }

  /** Is the work done off this thread? */
  get onWorker(): boolean {
    return this.script !== undefined;
  }

  async analyse(unit: PackageUnit): Promise<PackageResult> {
    if (!this.script) return analyzePackage(this.inThread, unit);
    clearTimeout(this.idleTimer);
    this.pool ??= new WorkerPool(1, this.script);
    this.running++;
    try {
      return await this.pool.analyse(unit);
    } finally {
      if (--this.running === 0) this.idleTimer = setTimeout(() => void this.stopWorker(), this.idleMs).unref();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.stopWorker();
  }

  private async stopWorker(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}
