// The language server's view of packages: an open document is analysed with the other .go
// files of its directory. Open buffers speak for their files (unsaved text included); files
// that are not open are read from disk, parsed once, and re-read when their mtime changes.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { goFilesOrNone, packageKey, parseFacts, readSource } from '../core/packages';
import { FileFacts } from '../facts/fileFacts';
import { PackageIndex } from '../index/packageIndex';
import type { DocumentTrees, ParsedDocument } from '../parse/documents';

interface DiskEntry {
  mtimeMs: number;
  size: number;
  facts: FileFacts | undefined;
}

export class PackageCache {
  private readonly disk = new Map<string, DiskEntry>();
  private readonly open = new Map<string, { version: number; facts: FileFacts }>();

  constructor(
    private readonly parser: Parser,
    private readonly documents: DocumentTrees,
  ) {}

  /** The facts of an open document and the package it belongs to. */
  packageOf(doc: ParsedDocument): { file: FileFacts; pkg: PackageIndex } {
    const file = this.openFacts(doc);
    return { file, pkg: this.packageAround(doc.uri, file) };
  }

  /** The package `file` (the text of `uri`, possibly not what is open) belongs to, with the other files of its directory. */
  packageAround(uri: string, file: FileFacts): PackageIndex {
    const path = filePath(uri);
    if (!path) return PackageIndex.of(file);
    const key = packageKey(file);
    const members = [file];
    for (const sibling of goFilesOrNone(dirname(path))) {
      if (resolve(sibling) === resolve(path)) continue;
      const facts = this.siblingFacts(sibling);
      if (facts && packageKey(facts) === key) members.push(facts);
    }
    return new PackageIndex(members);
  }

  /** Open documents in the same directory as `uri` (they may need re-analysis when it changes). */
  neighbours(uri: string): string[] {
    const dir = filePath(uri) && dirname(filePath(uri)!);
    if (!dir) return [];
    return [...this.open.keys()].filter((u) => u !== uri && filePath(u) && dirname(filePath(u)!) === dir);
  }

  forget(uri: string): void {
    this.open.delete(uri);
    this.dropUnusedDiskFiles();
  }

  dispose(): void {
    for (const e of this.disk.values()) e.facts?.tree.delete();
    this.disk.clear();
    this.open.clear();
  }

  private openFacts(doc: ParsedDocument): FileFacts {
    const cached = this.open.get(doc.uri);
    if (cached && cached.version === doc.document.version && cached.facts.tree === doc.tree) return cached.facts;
    const facts = new FileFacts(filePath(doc.uri) ?? doc.uri, doc.document.getText(), doc.tree);
    this.open.set(doc.uri, { version: doc.document.version, facts });
    return facts;
  }

  /** A sibling's facts: from its open buffer if it has one, else from disk (cached by mtime). */
  private siblingFacts(path: string): FileFacts | undefined {
    const openDoc = this.documents.get(fileUri(path));
    if (openDoc) return this.openFacts(openDoc);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    const cached = this.disk.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.facts;
    cached?.facts?.tree.delete();
    const source = readSource(path);
    const facts = source.ok ? parseFacts(this.parser, path, source.text) : undefined;
    this.disk.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, facts });
    return facts;
  }

  /** Disk files are kept only for directories that still have an open document. */
  private dropUnusedDiskFiles(): void {
    const openDirs = new Set([...this.open.keys()].map((u) => filePath(u)).filter((p): p is string => !!p).map((p) => dirname(p)));
    for (const [path, entry] of this.disk) {
      if (openDirs.has(dirname(path))) continue;
      entry.facts?.tree.delete();
      this.disk.delete(path);
    }
  }
}

/** The file system path of a file: URI, or undefined for other schemes (untitled buffers). */
export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return undefined;
  }
}

export function fileUri(path: string): string {
  return `file://${resolve(path).split('/').map(encodeURIComponent).join('/')}`;
}
