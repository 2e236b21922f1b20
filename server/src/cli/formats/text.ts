// `file:line:col: message (rule)`: the line shape editors, terminals and CI logs jump to.
import { allFindings, type LintReport } from '../lint';

export function formatText(report: LintReport): string {
  return allFindings(report)
    .map(({ path, finding: f }) => `${path}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.message} (${f.rule})\n`)
    .join('');
}
