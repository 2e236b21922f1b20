// Faults on demand, so tests can check what a crash looks like from the outside (the file is
// named, the run ends, nothing hangs): GOLEASH_TEST_FAULT=KIND:NAME, where NAME is a file's base
// name and KIND is `throw` (an exception while analysing it) or `crash` (the worker thread
// analysing it exits abruptly; in-process it is a throw). Unset, it costs one lookup per run.
import { basename } from 'node:path';
import { isMainThread } from 'node:worker_threads';

export type FileHook = (path: string) => void;

export function faultHook(env: NodeJS.ProcessEnv = process.env): FileHook | undefined {
  const m = /^(throw|crash):(.+)$/.exec(env.GOLEASH_TEST_FAULT ?? '');
  if (!m) return undefined;
  const [, kind, name] = m;
  return (path) => {
    if (basename(path) !== name) return;
    if (kind === 'crash' && !isMainThread) process.exit(70);
    throw new Error(`injected fault (GOLEASH_TEST_FAULT=${kind}:${name})`);
  };
}
