// The worker thread of `goleash lint --jobs N` (bundled as dist/lint-worker.js): one tree-sitter
// parser for the thread's lifetime, one package unit per message. Before each file it writes the
// file's index in the unit to shared memory, so that if the thread dies the main thread can name
// the file it was on.
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisError, analyzePackage } from '../core/packageAnalysis';
import { createGoParser } from '../parse/grammar';
import { faultHook } from './faults';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './pool';

const port = parentPort;
if (!port) throw new Error('lint-worker.js runs as a worker thread of goleash lint');

const { current } = workerData as WorkerSetup;
const fault = faultHook();
const ready = createGoParser();

port.on('message', (request: WorkerRequest) => {
  ready
    .then((parser) => {
      const index = new Map(request.unit.files.map((f, i) => [f.path, i]));
      const result = analyzePackage(parser, request.unit, (path) => {
        Atomics.store(current, 0, (index.get(path) ?? -1) + 1);
        fault?.(path);
      });
      reply({ id: request.id, ok: true, result });
    })
    .catch((err: unknown) => {
      if (err instanceof AnalysisError) reply({ id: request.id, ok: false, path: err.path, message: err.detail });
      else reply({ id: request.id, ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    });
});

function reply(message: WorkerReply): void {
  port!.postMessage(message);
}
