// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, GitLab). Paths are relative to the
// directory goleash ran in (uriBaseId %SRCROOT%); columns are UTF-16 code units, SARIF's default.
import { relative, sep } from 'node:path';
import type * as Sarif from 'sarif';
import { UNUSED_IGNORE } from '../../core/unusedSuppressions';
import { RULES, ruleUrl } from '../../rules';
import type { Range, Severity } from '../../rules/types';
import { fingerprintFindings } from '../fingerprint';
import type { LintReport } from '../lint';

/** partialFingerprints key: code scanning matches alerts across commits by it. */
export const FINGERPRINT_KEY = 'goleash/v1';

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

/** Every rule, and the unused-ignore pseudo-rule when the report has such findings. */
function ruleDescriptors(report: LintReport): Sarif.ReportingDescriptor[] {
  const descriptors = RULES.map((r) => descriptor(r.id, r.title, r.docs, r.defaultSeverity));
  const hasUnused = report.files.some((f) => f.findings.some((x) => x.rule === UNUSED_IGNORE.id));
  if (hasUnused) descriptors.push(descriptor(UNUSED_IGNORE.id, UNUSED_IGNORE.title, UNUSED_IGNORE.docs, UNUSED_IGNORE.severity));
  return descriptors;
}

function descriptor(id: string, title: string, docs: string, severity: Severity): Sarif.ReportingDescriptor {
  return {
    id,
    name: id,
    shortDescription: { text: title },
    fullDescription: { text: docs },
    helpUri: ruleUrl(id),
    help: { text: docs },
    defaultConfiguration: { level: LEVEL[severity] },
  };
}

export function buildSarif(report: LintReport, version: string, root = process.cwd()): Sarif.Log {
  const rules = ruleDescriptors(report);
  const results: Sarif.Result[] = report.files.flatMap((file) => {
    const uri = uriOf(file.path, root);
    return fingerprintFindings(file.path, file.text, file.findings, root).map(({ finding: f, fingerprint }) => ({
      ruleId: f.rule,
      ruleIndex: rules.findIndex((r) => r.id === f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [location(uri, f.range)],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
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
