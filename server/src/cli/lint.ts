// `goleash lint`: read each file, analyse it, collect what was found and what was skipped.
import { readFileSync } from 'node:fs';
import type { Settings } from '../core/settings';
import { Analyzer, checkSource } from '../core/analyzer';
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
  const analyzer = await Analyzer.create();
  const report: LintReport = { files: [], skipped: [], failures: [] };
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      report.skipped.push({ path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    const source = checkSource(bytes);
    if (!source.ok) {
      report.skipped.push({ path, reason: source.reason });
      continue;
    }
    const { findings, failures } = analyzer.analyzeText(path, source.text, { settings });
    report.files.push({ path, text: source.text, findings });
    for (const f of failures) report.failures.push({ path, rule: f.rule, message: f.error.message });
  }
  return report;
}

export function allFindings(report: LintReport): { path: string; finding: Finding }[] {
  return report.files.flatMap((f) => f.findings.map((finding) => ({ path: f.path, finding })));
}
