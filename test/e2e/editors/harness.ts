// Shared by the real-editor tests: finding an editor, a scratch copy of the Go sample, and
// running an editor script that writes what it saw as JSON.
import { spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const editorsDir = join(root, 'test/e2e/editors');
export const cli = join(root, 'dist/cli.js');

/** How long an editor script waits for each step, and how long the test lets the editor run. */
export const STEP_TIMEOUT_MS = 10_000;
export const EDITOR_TIMEOUT_MS = 30_000;

/** The executable's path if it is on PATH. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Workspace {
  dir: string;
  /** The copy of leak.go the editor opens. */
  file: string;
  /** Where the editor script writes its JSON. */
  out: string;
  dispose(): void;
}

export function workspace(): Workspace {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'goleash-editor-'));
  const file = join(dir, 'leak.go');
  copyFileSync(join(editorsDir, 'leak.go'), file);
  return { dir, file, out: join(dir, 'result.json'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface EditorRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

/** Runs the editor to completion (or kills it after EDITOR_TIMEOUT_MS), keeping its output for failure messages. */
export function runEditor(command: string, args: string[], ws: Workspace, env: Record<string, string> = {}): Promise<EditorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ws.dir,
      env: { ...process.env, GOLEASH_CLI: cli, GOLEASH_OUT: ws.out, GOLEASH_TIMEOUT_MS: String(STEP_TIMEOUT_MS), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, EDITOR_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

/** The editor script's JSON; a missing or broken file fails with the editor's output and `logs` (files, if present) attached. */
export function readResult<T>(ws: Workspace, run: EditorRun, logs: string[] = []): T {
  let context = `editor exit ${run.code ?? run.signal}${run.timedOut ? ' (killed after timeout)' : ''}; output:\n${run.output}`;
  for (const log of logs.filter((f) => existsSync(f))) context += `\n${log}:\n${readFileSync(log, 'utf8')}`;
  if (!existsSync(ws.out)) throw new Error(`the editor wrote no result\n${context}`);
  const result = JSON.parse(readFileSync(ws.out, 'utf8')) as T & { error?: string };
  if (result.error) throw new Error(`the editor script failed: ${result.error}\nresult: ${JSON.stringify(result, null, 1)}\n${context}`);
  return result;
}
