// Turns command-line paths into Go files the way `go` tools do: a file, a directory (its .go
// files), or `dir/...` (recursively, skipping vendor/, testdata/ and names starting with . or _).
// Symbolic links are not followed (as `go` does not for `...`), so a link cannot lead out of the
// tree or loop. `_test.go` files are in unless `tests` is false; generated files are sorted out
// afterwards (withoutGenerated), since that needs their first lines.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goFilesOf, isGeneratedSource } from '../core/packages';

export class PathError extends Error {}

const SKIPPED_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

function skippedDir(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith('.') || name.startsWith('_');
}

export interface WalkOptions {
  /** Include `_test.go` files (default true). */
  tests?: boolean;
}

/** Go files named by the arguments, in a stable order, each once. */
export function expandPaths(args: readonly string[], options: WalkOptions = {}): string[] {
  // Keyed by absolute path, so `top.go`, `./top.go` and `$PWD/top.go` are one file; the first
  // spelling is the one reported.
  const files = new Map<string, string>();
  for (const arg of args.length > 0 ? args : ['.']) {
    for (const f of expandOne(arg)) if (!files.has(resolve(f))) files.set(resolve(f), f);
  }
  const all = [...files.values()];
  return options.tests === false ? all.filter((f) => !f.endsWith('_test.go')) : all;
}

/** Splits files into hand-written and generated (`// Code generated … DO NOT EDIT.`). */
export function withoutGenerated(files: readonly string[]): { kept: string[]; generated: string[] } {
  const kept: string[] = [];
  const generated: string[] = [];
  for (const f of files) (isGeneratedSource(head(f)) ? generated : kept).push(f);
  return { kept, generated };
}

/** The first bytes of a file, enough for the comments above the package clause. */
function head(path: string, bytes = 64 * 1024): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return ''; // unreadable: the lint reports it as skipped
  }
  try {
    const buf = Buffer.alloc(bytes);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

function expandOne(arg: string): string[] {
  const recursive = arg === '...' || arg.endsWith('/...');
  const base = recursive ? arg.slice(0, -3).replace(/\/$/, '') || '.' : arg;
  let stat;
  try {
    stat = statSync(base);
  } catch {
    throw new PathError(`${base}: no such file or directory`);
  }
  if (stat.isFile()) {
    if (recursive) throw new PathError(`${arg}: ${base} is a file, not a directory`);
    return [base];
  }
  if (!stat.isDirectory()) throw new PathError(`${base}: not a file or directory`);
  return recursive ? goFilesUnder(base) : goFilesOf(base);
}

function goFilesUnder(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    out.push(...goFilesOf(dir));
    const subdirs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !skippedDir(e.name))
      .map((e) => join(dir, e.name))
      .sort()
      .reverse();
    stack.push(...subdirs);
  }
  return out;
}
