// Which findings a run reports, for adopting goleash on an existing code base: `--baseline`
// drops the findings recorded in a baseline file, `--new-from-rev` keeps those on lines changed
// since a git revision. Filters run after analysis and before `--fix`, the formats and the
// `--fail-on` decision, so each of those sees only the findings the run reports.
import type { Finding } from '../rules/types';
import { baselineFilter, readBaseline } from './baseline';
import { changedLinesSince, newFromRevFilter } from './changedLines';
import type { FileReport, LintReport } from './lint';

/**
 * A filter looks at a whole file (all its findings, the text they refer to) and says which of
 * its findings to keep: a baseline's fingerprints count findings per file, so they must see all.
 */
export type FindingFilter = (file: FileReport) => (finding: Finding) => boolean;

export function filterReport(report: LintReport, filters: readonly FindingFilter[]): LintReport {
  if (filters.length === 0) return report;
  return {
    ...report,
    files: report.files.map((file) => {
      const keeps = filters.map((f) => f(file));
      return { ...file, findings: file.findings.filter((finding) => keeps.every((keep) => keep(finding))) };
    }),
  };
}

export interface FilterOptions {
  baseline?: string;
  newFromRev?: string;
}

/** The filters the options ask for, made before analysis so that a bad baseline or revision fails fast. */
export function findingFilters(options: FilterOptions, files: readonly string[]): FindingFilter[] {
  const filters: FindingFilter[] = [];
  if (options.baseline !== undefined) filters.push(baselineFilter(options.baseline, readBaseline(options.baseline)));
  if (options.newFromRev !== undefined) filters.push(newFromRevFilter(changedLinesSince(options.newFromRev, files)));
  return filters;
}
