// GitHub Actions workflow commands: `::warning file=…,line=…,col=…::message` lines that the
// runner turns into annotations on the pull request, no upload step needed. Escaped exactly as
// @actions/core does (escapeData / escapeProperty), so a `%`, newline, `:` or `,` in a message or
// path cannot end the command early. Paths are relative to GITHUB_WORKSPACE (the checkout) when
// set, which is what the runner resolves them against, else to the working directory.
import { relative, resolve, sep } from 'node:path';
import type { Severity } from '../../rules/types';
import { allFindings, type LintReport } from '../lint';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: LintReport, root = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  return allFindings(report)
    .map(({ path, finding: f }) => {
      const props = {
        file: relative(root, resolve(path)).split(sep).join('/'),
        line: f.range.start.line + 1,
        col: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        title: `goleash ${f.rule}`,
      };
      const list = Object.entries(props)
        .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
        .join(',');
      return `::${COMMAND[f.severity]} ${list}::${escapeData(f.message)}\n`;
    })
    .join('');
}
