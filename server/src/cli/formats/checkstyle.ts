// Checkstyle XML, the format Jenkins (warnings-ng `checkStyle`) and many CI dashboards read:
// one <file> per file with findings, one <error> per finding, `source` naming the rule.
// Severities map onto checkstyle's error / warning / info.
import type { Severity } from '../../rules/types';
import type { LintReport } from '../lint';

const SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'info' };

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Text for a double-quoted XML attribute. Tabs and line breaks become character references (a
 * parser would otherwise fold them into spaces); characters XML 1.0 cannot carry at all (other
 * control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */
export function xmlAttribute(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c]);
}

export function formatCheckstyle(report: LintReport): string {
  const files = report.files
    .filter((file) => file.findings.length > 0)
    .map((file) => {
      const errors = file.findings.map(
        (f) =>
          `    <error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${SEVERITY[f.severity]}" ` +
          `message="${xmlAttribute(f.message)}" source="goleash.${xmlAttribute(f.rule)}"/>\n`,
      );
      return `  <file name="${xmlAttribute(file.path)}">\n${errors.join('')}  </file>\n`;
    });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n${files.join('')}</checkstyle>\n`;
}
