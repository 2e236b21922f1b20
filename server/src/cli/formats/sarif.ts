// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, GitLab). Paths are relative to the
// directory goleash ran in (uriBaseId %SRCROOT%); columns are UTF-16 code units, SARIF's default.
import { relative, sep } from 'node:path';
import type * as Sarif from 'sarif';
import { RULES, ruleUrl } from '../../rules';
import type { Range, Severity } from '../../rules/types';
import type { LintReport } from '../lint';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function region(r: Range): Sarif.Region {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function uriOf(path: string, root: string): string {
  return relative(root, path).split(sep).map(encodeURIComponent).join('/');
}

function location(uri: string, r: Range, message?: string, id?: number): Sarif.Location {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: region(r) },
    ...(message ? { message: { text: message } } : {}),
  };
}

export function buildSarif(report: LintReport, version: string, root = process.cwd()): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.title },
    fullDescription: { text: r.docs },
    helpUri: ruleUrl(r.id),
    help: { text: r.docs },
    defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
  }));
  const results: Sarif.Result[] = report.files.flatMap((file) => {
    const uri = uriOf(file.path, root);
    return file.findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: RULES.findIndex((r) => r.id === f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [location(uri, f.range)],
      relatedLocations: (f.related ?? []).map((r, i) => location(r.path ? uriOf(r.path, root) : uri, r.range, r.message, i)),
      fixes: f.fixes.map((fix) => ({
        description: { text: fix.title },
        artifactChanges: [
          {
            artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
            replacements: fix.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
          },
        ],
      })),
    }));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'goleash', version, semanticVersion: version, informationUri: 'https://github.com/goleash/goleash', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${root.split(sep).map(encodeURIComponent).join('/')}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: LintReport, version: string): string {
  return `${JSON.stringify(buildSarif(report, version), null, 2)}\n`;
}
