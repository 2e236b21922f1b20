// `goleash lint`: analyse the named files directory by directory. Each file is analysed with its
// whole package in view — the other .go files of its directory with the same package clause,
// named on the command line or not — and findings are reported for the named files only.
import { dirname, resolve } from 'node:path';
import type { Settings } from '../core/settings';
import { analyzeFile } from '../core/analyze';
import { goFilesOrNone, groupPackages, parseFacts, readSource } from '../core/packages';
import type { FileFacts } from '../facts/fileFacts';
import { createGoParser } from '../parse/grammar';
import type { Finding } from '../rules/types';

export interface FileReport {
  path: string;
  /** The text the findings refer to (fixes are edits on it). */
  text: string;
  findings: Finding[];
}

export interface LintReport {
  files: FileReport[];
  skipped: { path: string; reason: string }[];
  /** Rules that threw: reported, never fatal. */
  failures: { path: string; rule: string; message: string }[];
}

export async function lintFiles(paths: readonly string[], settings: Settings): Promise<LintReport> {
  const parser = await createGoParser();
  const report: LintReport = { files: [], skipped: [], failures: [] };
  for (const [dir, requested] of byDirectory(paths)) {
    const wanted = new Set(requested);
    const requestedAbs = new Set(requested.map((p) => resolve(p)));
    const siblings = goFilesOrNone(dir).filter((p) => !requestedAbs.has(resolve(p)));
    const facts: FileFacts[] = [];
    try {
      for (const path of [...requested, ...siblings]) {
        const source = readSource(path);
        if (source.ok) facts.push(parseFacts(parser, path, source.text));
        else if (wanted.has(path)) report.skipped.push({ path, reason: source.reason });
      }
      const packages = groupPackages(facts);
      for (const file of facts.filter((f) => wanted.has(f.path))) {
        const { findings, failures } = analyzeFile(file, packages.get(file)!, { settings });
        report.files.push({ path: file.path, text: file.text, findings });
        for (const f of failures) report.failures.push({ path: file.path, rule: f.rule, message: f.error.message });
      }
    } finally {
      for (const f of facts) f.tree.delete();
    }
  }
  return report;
}

/** Paths grouped by directory, in the order first seen. */
function byDirectory(paths: readonly string[]): Map<string, string[]> {
  const dirs = new Map<string, string[]>();
  for (const p of paths) {
    const d = dirname(p);
    const list = dirs.get(d);
    if (list) list.push(p);
    else dirs.set(d, [p]);
  }
  return dirs;
}

export function allFindings(report: LintReport): { path: string; finding: Finding }[] {
  return report.files.flatMap((f) => f.findings.map((finding) => ({ path: f.path, finding })));
}
