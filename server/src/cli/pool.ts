// Where package units are analysed: in this thread (`--jobs 1`), or on a pool of worker threads
// (dist/lint-worker.js), each with its own parser. Workers start lazily, up to the pool's size,
// and each takes one unit at a time. A unit that fails — an exception, or the worker dying — is
// rejected with an AnalysisError naming the file it was on; the caller then closes the pool,
// which terminates every worker, so a failure never leaves the run waiting.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisError, analyzePackage, type PackageResult, type PackageUnit } from '../core/packageAnalysis';
import { createGoParser } from '../parse/grammar';
import { faultHook } from './faults';

export interface UnitAnalyser {
  analyse(unit: PackageUnit): Promise<PackageResult>;
  close(): Promise<void>;
}

/** What a worker is started with: where it writes the index (+1) of the file it is on. */
export interface WorkerSetup {
  current: Int32Array;
}
export interface WorkerRequest {
  id: number;
  unit: PackageUnit;
}
export type WorkerReply = { id: number; ok: true; result: PackageResult } | { id: number; ok: false; path?: string; message: string };

/** Analyses units in this thread, one at a time. */
export async function inProcess(): Promise<UnitAnalyser> {
  const parser = await createGoParser();
  const fault = faultHook();
  return {
    analyse: async (unit) => analyzePackage(parser, unit, fault),
    close: async () => {},
  };
}

/** The worker script: beside the running bundle (dist/cli.js → dist/lint-worker.js). */
export function workerScript(): string {
  const script = join(__dirname, 'lint-worker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" (or use --jobs 1)`);
  return script;
}

interface Task {
  id: number;
  unit: PackageUnit;
  resolve(result: PackageResult): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  current: Int32Array;
  task?: Task;
}

export class WorkerPool implements UnitAnalyser {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly script: string = workerScript(),
  ) {}

  analyse(unit: PackageUnit): Promise<PackageResult> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, unit, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; units not finished yet are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const unfinished = [...this.queue.splice(0), ...this.slots.flatMap((s) => (s.task ? [s.task] : []))];
    for (const task of unfinished) task.reject(new Error('worker pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.task) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      Atomics.store(slot.current, 0, 0);
      slot.worker.postMessage({ id: task.id, unit: task.unit } satisfies WorkerRequest);
    }
  }

  private spawn(): Slot {
    const current = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.script, { workerData: { current } satisfies WorkerSetup });
    const slot: Slot = { worker, current };
    worker.on('message', (reply: WorkerReply) => this.settle(slot, reply));
    worker.on('error', (err) => this.fail(slot, `worker error: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => this.fail(slot, `worker exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    slot.task = undefined;
    if (reply.ok) task.resolve(reply.result);
    else task.reject(reply.path !== undefined ? new AnalysisError(reply.path, reply.message) : new Error(reply.message));
    this.dispatch();
  }

  /** The worker died or threw outside a unit: its unit fails, naming the file it was on. */
  private fail(slot: Slot, why: string): void {
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // 'error' is followed by 'exit': handled once
    this.slots.splice(index, 1);
    const task = slot.task;
    slot.task = undefined;
    const err = task ? crashError(task.unit, Atomics.load(slot.current, 0), why) : new Error(why);
    if (task) task.reject(err);
    // Nothing was running (it died starting up, e.g. no grammar): the queued units cannot run either.
    else for (const queued of this.queue.splice(0)) queued.reject(err);
  }
}

function crashError(unit: PackageUnit, fileIndexPlusOne: number, why: string): Error {
  const file = unit.files[fileIndexPlusOne - 1];
  return new AnalysisError(file ? file.path : unit.dir, why);
}
