// GitLab Code Quality (artifacts:reports:codequality): a JSON array of Code Climate issues, shown
// in the merge request widget and diff. GitLab tells issues apart by `fingerprint`, the same
// line-move-proof fingerprint as SARIF's partialFingerprints and baselines. Paths are relative to
// CI_PROJECT_DIR (the checkout) when set, which is what GitLab resolves them against, else to the
// working directory.
import { relative, resolve, sep } from 'node:path';
import type { Severity } from '../../rules/types';
import { fingerprintFindings } from '../fingerprint';
import type { LintReport } from '../lint';

const SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', information: 'minor', hint: 'info' };

export function formatGitlab(report: LintReport, root = process.env.CI_PROJECT_DIR || process.cwd()): string {
  const issues = report.files.flatMap((file) => {
    const path = relative(root, resolve(file.path)).split(sep).join('/');
    return fingerprintFindings(file.path, file.text, file.findings, root).map(({ finding: f, fingerprint }) => ({
      description: f.message,
      check_name: `goleash/${f.rule}`,
      fingerprint,
      severity: SEVERITY[f.severity],
      location: { path, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
    }));
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
