// Which directories of a tree hold Go packages, skipped the way `go` skips them for `./...`:
// vendor/, testdata/, names starting with `.` or `_`, and node_modules/ (never Go, often huge).
// Symbolic links are not followed, so a link cannot lead out of the tree or loop.
// (server/src/cli/walk.ts keeps its own copy of this list; they are meant to agree.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SKIPPED_DIR_NAMES: ReadonlySet<string> = new Set(['vendor', 'testdata', 'node_modules']);

export function isSkippedDir(name: string): boolean {
  return SKIPPED_DIR_NAMES.has(name) || name.startsWith('.') || name.startsWith('_');
}

/** Is this a file name `go` would compile (a `.go` file not starting with `.` or `_`)? */
export function isGoFileName(name: string): boolean {
  return name.endsWith('.go') && !name.startsWith('.') && !name.startsWith('_');
}

/**
 * Directories under `root` (itself included) that hold at least one Go file, in a stable
 * depth-first order. Unreadable directories are left out. A generator, so a caller can pause
 * between directories (the language server yields to its event loop).
 */
export function* packageDirsUnder(root: string): Generator<string, void, undefined> {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    if (entries.some((e) => e.isFile() && isGoFileName(e.name))) yield dir;
    const subdirs = entries
      .filter((e) => e.isDirectory() && !isSkippedDir(e.name))
      .map((e) => join(dir, e.name))
      .sort()
      .reverse();
    stack.push(...subdirs);
  }
}
