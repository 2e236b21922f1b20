// One directory of Go files as a unit of work: read on one thread, analysed on any (the command
// line analyses units on worker threads), with a result that is plain data (it crosses threads
// and is cached as JSON). A unit's result depends only on what is in the unit — the files'
// paths and texts, which of them were asked for, and the settings — which is what makes it
// cacheable.
import { resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { FileFacts } from '../facts/fileFacts';
import type { Finding } from '../rules/types';
import { analyzeFile } from './analyze';
import type { SourceCheck } from './analyzer';
import { goFilesOrNone, groupPackages, parseFacts, readSource } from './packages';
import type { Settings } from './settings';

export interface UnitFile {
  path: string;
  source: SourceCheck;
  /** Named by the user: findings are reported for it. The others are its package's context. */
  requested: boolean;
}

export interface PackageUnit {
  dir: string;
  /** The requested files first (in the order asked), then the directory's other .go files. */
  files: UnitFile[];
  /** Plain data: a unit is copied to worker threads and hashed for the cache. */
  settings: Settings;
}

export interface PackageResult {
  /** The requested files that were analysed, in the unit's order. */
  files: { path: string; findings: Finding[] }[];
  /** Requested files that could not be read or are not Go source. */
  skipped: { path: string; reason: string }[];
  /** Rules that threw: reported, never fatal. */
  failures: { path: string; rule: string; message: string }[];
}

/** An analysis that stopped on a file: the file is named so the user can report it. */
export class AnalysisError extends Error {
  /** What went wrong: the cause's stack when there is one. */
  readonly detail: string;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    super(`while analysing ${path}: ${detail}`);
    this.detail = detail;
  }
}

/**
 * Reads a directory's unit: `requested` (files of `dir`, as the user spelled them) and every
 * other .go file of the directory. `texts` (absolute path → text) stand in for files on disk.
 */
export function readPackage(dir: string, requested: readonly string[], settings: Settings, texts?: ReadonlyMap<string, string>): PackageUnit {
  const requestedAbs = new Set(requested.map((p) => resolve(p)));
  const siblings = goFilesOrNone(dir).filter((p) => !requestedAbs.has(resolve(p)));
  const read = (path: string): SourceCheck => {
    const given = texts?.get(resolve(path));
    return given !== undefined ? { ok: true, text: given } : readSource(path);
  };
  return {
    dir,
    files: [...requested.map((path) => ({ path, source: read(path), requested: true })), ...siblings.map((path) => ({ path, source: read(path), requested: false }))],
    settings,
  };
}

/**
 * Parses every readable file of the unit and analyses the requested ones with their package in
 * view. `onFile` is told of each file before it is parsed and before it is analysed, so that a
 * crash can name it. Trees are freed before returning.
 */
export function analyzePackage(parser: Parser, unit: PackageUnit, onFile: (path: string) => void = () => {}): PackageResult {
  const result: PackageResult = { files: [], skipped: [], failures: [] };
  const facts: FileFacts[] = [];
  let current = unit.dir;
  const step = (path: string) => {
    current = path;
    onFile(path);
  };
  try {
    for (const { path, source, requested } of unit.files) {
      step(path);
      if (source.ok) facts.push(parseFacts(parser, path, source.text));
      else if (requested) result.skipped.push({ path, reason: source.reason });
    }
    const packages = groupPackages(facts);
    const wanted = new Set(unit.files.filter((f) => f.requested).map((f) => f.path));
    for (const file of facts.filter((f) => wanted.has(f.path))) {
      step(file.path);
      const { findings, failures } = analyzeFile(file, packages.get(file)!, { settings: unit.settings });
      result.files.push({ path: file.path, findings });
      for (const f of failures) result.failures.push({ path: file.path, rule: f.rule, message: f.error.message });
    }
  } catch (err) {
    throw err instanceof AnalysisError ? err : new AnalysisError(current, err);
  } finally {
    for (const f of facts) f.tree.delete();
  }
  return result;
}
