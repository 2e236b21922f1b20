// A finding's key: what stays the same when lines are inserted or deleted elsewhere in the file,
// so a front end can recognise a finding it reported earlier in a newer analysis of the text
// (the language server finds a diagnostic's fixes this way). Built from the rule, the message and
// the text of the finding's first line with whitespace collapsed; a counter tells apart findings
// that share all of these. Line numbers are deliberately left out. (The command line's
// fingerprints, cli/fingerprint.ts, follow the same idea and add the file's path.)
import { createHash } from 'node:crypto';
import type { Finding } from '../rules/types';

/** One key per finding, in the order given. */
export function findingKeys(text: string, findings: readonly Finding[]): string[] {
  const lines = text.split('\n');
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const lineText = (lines[finding.range.start.line] ?? '').replace(/\s+/g, ' ').trim();
    const identity = `${finding.rule}\u0000${lineText}\u0000${finding.message}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex').slice(0, 24);
  });
}
