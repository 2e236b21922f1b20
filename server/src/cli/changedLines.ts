// `--new-from-rev REV`: report only findings on lines changed since REV. git says which lines
// changed: `git diff --unified=0 REV` (the working tree against REV, staged or not) gives the
// new-side line ranges of each hunk, and files git does not track (and does not ignore) count
// as all new. Each repository holding a linted file is asked once.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { diffLines } from 'diff';
import type { FindingFilter } from './filter';

/** git could not answer (not a repository, an unknown revision): exit 2 with git's message. */
export class GitError extends Error {}

/** Per file (real absolute path): the changed 1-based line numbers, or 'all' for an untracked file. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

export function changedLinesSince(rev: string, files: readonly string[]): ChangedLines {
  if (rev.startsWith('-')) throw new GitError(`--new-from-rev ${rev}: a revision cannot start with "-"`);
  const changed: ChangedLines = new Map();
  for (const top of repositoriesOf(files)) {
    const diff = git(['-c', 'core.quotepath=off', 'diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', rev, '--'], top, rev);
    for (const [path, lines] of parseUnifiedDiff(diff)) changed.set(join(top, path), lines);
    const untracked = git(['ls-files', '--others', '--exclude-standard', '-z'], top, rev);
    for (const path of untracked.split('\0').filter(Boolean)) changed.set(join(top, path), 'all');
  }
  return changed;
}

/**
 * Keeps the findings whose line is a changed one. git diffed the files as they are on disk; when
 * `--fix` re-analyses a fixed text in memory, its lines are mapped back to the disk's (lines the
 * fixes added count as changed).
 */
export function newFromRevFilter(changed: ChangedLines): FindingFilter {
  const onDisk = new Map<string, string>();
  return (file) => {
    const key = realPath(file.path);
    const lines = changed.get(key);
    if (lines === undefined) return () => false;
    if (lines === 'all') return () => true;
    if (!onDisk.has(key)) onDisk.set(key, file.text); // the first analysis read the file from disk
    const now = file.text === onDisk.get(key) ? lines : mapChangedLines(onDisk.get(key)!, file.text, lines);
    return (finding) => now.has(finding.range.start.line + 1);
  };
}

/** New-side line numbers of every hunk, per file path (relative to the repository's top). */
export function parseUnifiedDiff(diff: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  let inHeader = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      inHeader = true;
      current = undefined;
    } else if (inHeader && line.startsWith('+++ ')) {
      const name = line.slice(4);
      current = name === '/dev/null' ? undefined : new Set<number>();
      if (current) files.set(unquote(name).replace(/^b\//, ''), current);
    } else if (line.startsWith('@@ ')) {
      inHeader = false;
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m || !current) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let l = start; l < start + count; l++) current.add(l);
    }
  }
  return files;
}

/** git's C-style quoting of unusual file names (`"b/a\tb.go"`, octal escapes for raw bytes). */
function unquote(name: string): string {
  if (!name.startsWith('"')) return name;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < name.length - 1; i++) {
    const c = name[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
    } else if (/[0-7]/.test(name[i + 1])) {
      bytes.push(parseInt(name.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[name[i + 1]] ?? name.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The top directory of each git work tree that holds one of `files`: git is asked once per work tree. */
function repositoriesOf(files: readonly string[]): string[] {
  const tops = new Set<string>();
  const topOf = new Map<string, string>();
  const markerOf = new Map<string, string | undefined>();
  for (const file of files) {
    const dir = dirname(realPath(file));
    // The nearest directory holding `.git` stands for its work tree; without one, git says why.
    const key = nearestGitMarker(dir, markerOf) ?? dir;
    if (!topOf.has(key)) topOf.set(key, git(['rev-parse', '--show-toplevel'], key).trim());
    tops.add(topOf.get(key)!);
  }
  return [...tops];
}

function nearestGitMarker(dir: string, cache: Map<string, string | undefined>): string | undefined {
  if (cache.has(dir)) return cache.get(dir);
  const parent = dirname(dir);
  const found = existsSync(join(dir, '.git')) ? dir : parent === dir ? undefined : nearestGitMarker(parent, cache);
  cache.set(dir, found);
  return found;
}

function git(args: string[], cwd: string, rev?: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const what = rev === undefined ? `--new-from-rev: ${cwd}` : `--new-from-rev ${rev}`;
  if (r.error) throw new GitError(`${what}: cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  if (r.status !== 0) throw new GitError(`${what}: ${r.stderr.trim() || `git ${args[0]} exited with ${r.status}`}`);
  return r.stdout;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The lines of `after` that are changed: added relative to `before`, or the same as a changed line of `before`. */
function mapChangedLines(before: string, after: string, changed: ReadonlySet<number>): Set<number> {
  const result = new Set<number>();
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? 0;
    if (part.removed) {
      oldLine += count;
      continue;
    }
    for (let i = 0; i < count; i++) if (part.added || changed.has(oldLine + i)) result.add(newLine + i);
    newLine += count;
    if (!part.added) oldLine += count;
  }
  return result;
}
