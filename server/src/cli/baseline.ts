// Baselines: `--write-baseline FILE` records the fingerprints of today's findings, and
// `--baseline FILE` stops reporting them, so a team can adopt goleash on an existing code base
// and fail CI only on new findings. Fingerprints (see fingerprint.ts) leave line numbers out, so
// a recorded finding stays recorded when code above it moves. Paths inside the file are
// relative to the baseline file's own directory: it works from any working directory.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import type { FindingFilter } from './filter';
import { fingerprintFindings, fingerprintPath } from './fingerprint';
import type { LintReport } from './lint';

export const BASELINE_SCHEMA_VERSION = 1;

/** One recorded finding; `file`, `rule` and `message` are there for people reviewing the file. */
export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  message: string;
}

export interface BaselineFile {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  tool: 'goleash';
  findings: BaselineEntry[];
}

/** A baseline that cannot be used: exit 2 with this message. */
export class BaselineError extends Error {}

/** Writes every finding of `report` to `path` (sorted, so that reruns give the same bytes); returns their fingerprints. */
export function writeBaseline(path: string, report: LintReport): Set<string> {
  const root = dirname(resolve(path));
  const findings: BaselineEntry[] = report.files.flatMap((file) =>
    fingerprintFindings(file.path, file.text, file.findings, root).map(({ finding, fingerprint }) => ({
      fingerprint,
      rule: finding.rule,
      file: fingerprintPath(root, file.path),
      message: finding.message,
    })),
  );
  findings.sort((a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.message, b.message) || compare(a.fingerprint, b.fingerprint));
  const doc: BaselineFile = { schemaVersion: BASELINE_SCHEMA_VERSION, tool: 'goleash', findings };
  try {
    writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (err) {
    throw new BaselineError(`--write-baseline ${path}: cannot write: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return new Set(findings.map((f) => f.fingerprint));
}

/** The fingerprints recorded in a baseline file; a missing or malformed file is a BaselineError. */
export function readBaseline(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ` (create it with --write-baseline ${path})` : '';
    throw new BaselineError(`--baseline ${path}: cannot read: ${code ?? String(err)}${hint}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`--baseline ${path}: not valid JSON: ${(err as Error).message}`);
  }
  return new Set(entriesOf(doc, path).map((e) => e.fingerprint));
}

/** Drops the findings whose fingerprint `baseline` holds; fingerprints are taken relative to the baseline's directory. */
export function baselineFilter(path: string, baseline: ReadonlySet<string>): FindingFilter {
  const root = dirname(resolve(path));
  return (file) => {
    const known = new Set(fingerprintFindings(file.path, file.text, file.findings, root).filter((f) => baseline.has(f.fingerprint)).map((f) => f.finding));
    return (finding) => !known.has(finding);
  };
}

function entriesOf(doc: unknown, path: string): BaselineEntry[] {
  const bad = (where: string, expected: string) => new BaselineError(`--baseline ${path}: ${where}: expected ${expected}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('the document', 'an object written by --write-baseline');
  const { schemaVersion, findings } = doc as Record<string, unknown>;
  if (schemaVersion !== BASELINE_SCHEMA_VERSION) throw bad('schemaVersion', `${BASELINE_SCHEMA_VERSION} (found ${JSON.stringify(schemaVersion)})`);
  if (!Array.isArray(findings)) throw bad('findings', 'an array');
  findings.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof (entry as BaselineEntry).fingerprint !== 'string') throw bad(`findings[${i}].fingerprint`, 'a string');
  });
  return findings as BaselineEntry[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
