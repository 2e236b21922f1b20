// Helpers for the command-line tests: run the built `dist/cli.js` the way a user or CI would
// (a fresh node process, a working directory of its own) and lay out Go trees in temp dirs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;

/** One finding on line 8, column 2 (the `for` keyword): the loop can never stop. */
export const LEAKY_GO = `package p

import "context"

type W struct{ events chan int }

func (w *W) loop(ctx context.Context) error {
	for {
		select {
		case ev := <-w.events:
			_ = ev
		}
	}
}

func start(w *W) { go w.loop(nil) }
`;

/** The same loop with a way out: no finding. */
export const CLEAN_GO = `package p

import "context"

type W struct{ events chan int }

func (w *W) loop(ctx context.Context) error {
	for {
		select {
		case ev := <-w.events:
			_ = ev
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func start(w *W) { go w.loop(nil) }
`;

export const RULE = 'for-select-no-done';

export interface RunResult {
  /** Exit status; null when the process was killed (e.g. by the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` in `cwd` and waits for it (killed after `timeoutMs`). The
 * default result cache is a temp dir of this test file's own (see cacheHome), never the user's.
 */
export function run(args: readonly string[], cwd: string, timeoutMs = 20_000, env: NodeJS.ProcessEnv = {}): RunResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome(), ...env } });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `run` that parses stdout as JSON (the json and sarif formats). */
export function runJson<T = any>(args: readonly string[], cwd: string): RunResult & { doc: T } {
  const r = run(args, cwd);
  let doc: T;
  try {
    doc = JSON.parse(r.stdout) as T;
  } catch (err) {
    throw new Error(`stdout is not JSON (exit ${r.code}): ${String(err)}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr}`);
  }
  return { ...r, doc };
}

/** A file's content: text, raw bytes, or a symbolic link to `target` (relative to the link). */
export type Entry = string | Uint8Array | { symlink: string };

const made: string[] = [];

/** A fresh temp dir holding `files` (paths relative to it, `/`-separated). */
export function tempTree(files: Record<string, Entry>): string {
  const root = mkdtempSync(join(tmpdir(), 'goleash-cli-'));
  made.push(root);
  for (const [rel, entry] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'object' && 'symlink' in entry) symlinkSync(entry.symlink, path);
    else writeFileSync(path, entry);
  }
  return root;
}

let cacheHomeDir: string | undefined;

/**
 * XDG_CACHE_HOME for the CLI runs of this test file: made on first use, removed with the temp
 * trees, or when the test process exits for a file that never calls removeTempTrees.
 */
export function cacheHome(): string {
  if (!cacheHomeDir) {
    const dir = mkdtempSync(join(tmpdir(), 'goleash-cache-home-'));
    cacheHomeDir = dir;
    made.push(dir);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return cacheHomeDir;
}

/** Removes every dir `tempTree` made (call from afterAll). */
export function removeTempTrees(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  cacheHomeDir = undefined;
}

/** JSON report shape (`--format json`), as far as the tests read it. */
export interface JsonSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
export interface JsonEdit extends JsonSpan {
  newText: string;
}
export interface JsonFinding extends JsonSpan {
  file: string;
  rule: string;
  severity: string;
  message: string;
  fixes: { title: string; isPreferred: boolean; edits: JsonEdit[] }[];
  related: (JsonSpan & { message: string })[];
}
export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  filesAnalyzed: number;
  findings: JsonFinding[];
  skipped: { path: string; reason: string }[];
  failures: unknown[];
}

/**
 * Applies edits given as 1-based line/column spans (columns in UTF-16 code units, the JSON
 * report's convention) to `text`, last edit first.
 */
export function applyEdits(text: string, edits: readonly JsonEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (line: number, column: number) => lineStarts[line - 1] + column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.line, e.column)) + e.newText + out.slice(offset(e.endLine, e.endColumn));
  return out;
}
