// The JSON report. Field names are a stable interface: lines and columns are 1-based, columns
// count UTF-16 code units (as LSP and SARIF do).
import type { Range, TextEdit } from '../../rules/types';
import type { LintReport } from '../lint';

export const JSON_SCHEMA_VERSION = 1;

function span(r: Range) {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function edit(e: TextEdit) {
  return { ...span(e.range), newText: e.newText };
}

export function formatJson(report: LintReport, version: string): string {
  const findings = report.files.flatMap((file) =>
    file.findings.map((f) => ({
      file: file.path,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...span(f.range),
      fixes: f.fixes.map((fix) => ({ title: fix.title, isPreferred: fix.isPreferred ?? false, edits: fix.edits.map(edit) })),
      related: (f.related ?? []).map((r) => ({ file: r.path ?? file.path, message: r.message, ...span(r.range) })),
    })),
  );
  const out = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'goleash', version },
    filesAnalyzed: report.files.length,
    findings,
    skipped: report.skipped,
    failures: report.failures,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
