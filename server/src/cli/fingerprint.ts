// A finding's fingerprint: what stays the same when unrelated lines move, so a baseline (and
// SARIF's partialFingerprints, which code scanning uses to track alerts across commits) still
// recognises it. Built from the rule, the file's path relative to the run's root, the text of the
// finding's line with whitespace collapsed, and the message; a counter tells apart findings that
// share all of these in one file. Line numbers are deliberately left out.
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { Finding } from '../rules/types';

export interface FingerprintedFinding {
  finding: Finding;
  fingerprint: string;
}

/** Fingerprints for every finding of one file, in the order given. */
export function fingerprintFindings(path: string, text: string, findings: readonly Finding[], root = process.cwd()): FingerprintedFinding[] {
  const lines = text.split('\n');
  const file = fingerprintPath(root, path);
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const lineText = (lines[finding.range.start.line] ?? '').replace(/\s+/g, ' ').trim();
    const key = `${finding.rule}\u0000${file}\u0000${lineText}\u0000${finding.message}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const hash = createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex').slice(0, 32);
    return { finding, fingerprint: hash };
  });
}

/** The file's name as fingerprints see it: relative to `root`, with `/` separators. */
export function fingerprintPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
