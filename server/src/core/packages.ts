// Building package indexes from files on disk: the .go files of one directory that share a
// package clause (an external `foo_test` package counts as `foo`) form one package.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { FileFacts } from '../facts/fileFacts';
import { PackageIndex } from '../index/packageIndex';
import { checkSource, type SourceCheck } from './analyzer';

export interface LoadedFile {
  path: string;
  source: SourceCheck;
}

/** The package a file declares, `foo_test` folded into `foo`. */
export function packageKey(file: FileFacts): string {
  return (file.packageName ?? '').replace(/_test$/, '');
}

/** Go files of a directory as `go` lists them: no names starting with `.` or `_`. */
export function goFilesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Like goFilesOf, but an unreadable directory has no files (for context, never fatal). */
export function goFilesOrNone(dir: string): string[] {
  try {
    return goFilesOf(dir);
  } catch {
    return [];
  }
}

export function readSource(path: string): SourceCheck {
  try {
    return checkSource(readFileSync(path));
  } catch (err) {
    return { ok: false, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/** Groups parsed files into packages by directory and package clause. */
export function groupPackages(files: readonly FileFacts[]): Map<FileFacts, PackageIndex> {
  const groups = new Map<string, FileFacts[]>();
  for (const f of files) {
    const key = `${dirname(f.path)}\u0000${packageKey(f)}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const byFile = new Map<FileFacts, PackageIndex>();
  for (const members of groups.values()) {
    const index = new PackageIndex(members);
    for (const f of members) byFile.set(f, index);
  }
  return byFile;
}

/** Parses text into facts; the caller frees `facts.tree` when done. */
export function parseFacts(parser: Parser, path: string, text: string): FileFacts {
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter could not parse ${basename(path)}`);
  return new FileFacts(path, text, tree);
}

// Go's convention (https://go.dev/s/generatedcode), as go/ast.IsGenerated applies it: a line
// comment of this form before the package clause.
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/;

/** Does the text start like a generated Go file? Reads no further than the package clause. */
export function isGeneratedSource(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (GENERATED.test(line)) return true;
    if (/^package\s/.test(line)) return false;
  }
  return false;
}
