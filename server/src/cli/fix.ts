// `--fix` and `--diff`: apply each finding's preferred fix (`Fix.isPreferred`, the one an editor
// may apply without asking; the ignore-comment fix never is). All the work happens in memory
// first, in rounds: a round applies, file by file, the preferred fixes that do not overlap one
// another and keep the file parsing, then re-analyses the changed packages; fixes left out for
// overlapping, and findings the fixes uncovered, get the next round. It stops when a round
// changes nothing (or after MAX_ROUNDS), so a second `--fix` finds nothing left to do. Only then
// is each changed file written (atomically, and only if it is still what was read) or diffed.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser } from 'web-tree-sitter';
import { syntaxErrors } from '../core/fixAll';
import { createGoParser } from '../parse/grammar';
import type { Finding, Fix, TextEdit } from '../rules/types';
import { writeFileAtomic } from './atomicWrite';
import { fingerprintFindings } from './fingerprint';
import type { FileReport, LintReport } from './lint';

/** Rounds are a safety net: real code settles in one, rarely two. */
const MAX_ROUNDS = 5;
const CANNOT_WRITE = 'cannot write';

/** Re-analyses `paths`, reading the files in `texts` (absolute path → text) from memory. */
export type Analyse = (paths: string[], texts: ReadonlyMap<string, string>) => Promise<LintReport>;

export interface FixedFile {
  path: string;
  /** The text the first analysis read from disk. */
  original: string;
  text: string;
  /** Fixes applied to it, over all rounds. */
  fixes: number;
}

export interface FixResult {
  /** The findings left in the fixed text. */
  report: LintReport;
  files: FixedFile[];
  /** Preferred fixes not applied: they overlapped another, broke the parse, or the rounds ran out. */
  leftOut: { overlapping: number; unparsable: number; pending: number };
}

export interface FixRun {
  /** What is left to report: the findings of the text now on disk (or, for --diff, of the fixed text). */
  report: LintReport;
  /** The unified diff (--diff). */
  diff: string;
  /** Lines for stderr: what was fixed, left out or not written. */
  notes: string[];
  /** A fixed file could not be written (an I/O error): exit 2. */
  writeFailed: boolean;
}

/** `--fix` (mode 'write') or `--diff` (mode 'diff') over the findings of `report`. */
export async function runFix(report: LintReport, analyse: Analyse, mode: 'write' | 'diff'): Promise<FixRun> {
  const parser = await createGoParser();
  try {
    const result = await fixInMemory(parser, report, analyse);
    const notes = leftOutNotes(result.leftOut);
    if (mode === 'diff') return { report: result.report, diff: unifiedDiff(result.files), notes, writeFailed: false };
    const { written, notWritten } = writeFixedFiles(result.files);
    const fixes = written.reduce((n, f) => n + f.fixes, 0);
    notes.unshift(`fixed ${fixes} finding${fixes === 1 ? '' : 's'} in ${written.length} file${written.length === 1 ? '' : 's'}`);
    notes.push(...notWritten.map(({ file, reason }) => `not fixed ${file.path}: ${reason}`));
    // The report describes what is on disk: packages with an unwritten file are analysed again from there.
    const unwritten = notWritten.map(({ file }) => resolve(file.path));
    const restored = unwritten.length === 0 ? result.report : mergeReports(result.report, await analyse(samePackageFiles(result.report, unwritten), new Map()));
    return { report: restored, diff: '', notes, writeFailed: notWritten.some((n) => n.reason.startsWith(CANNOT_WRITE)) };
  } finally {
    parser.delete();
  }
}

function leftOutNotes({ overlapping, unparsable, pending }: FixResult['leftOut']): string[] {
  const notes: string[] = [];
  const fixes = (n: number) => `${n} preferred fix${n === 1 ? '' : 'es'}`;
  if (overlapping) notes.push(`${fixes(overlapping)} left out: ${overlapping === 1 ? 'it overlaps' : 'they overlap'} another fix in the same place`);
  if (unparsable) notes.push(`${fixes(unparsable)} left out: the fixed file would not parse`);
  if (pending) notes.push(`${fixes(pending)} left for the next run: fixes kept uncovering more after ${MAX_ROUNDS} rounds`);
  return notes;
}

/** Fixes every file of `report` in memory; nothing is written. */
export async function fixInMemory(parser: Parser, report: LintReport, analyse: Analyse): Promise<FixResult> {
  const originals = new Map(report.files.map((f) => [resolve(f.path), f.text]));
  const texts = new Map<string, string>();
  const fixCounts = new Map<string, number>();
  const tried = new Map<string, Set<string>>();
  let current = report;
  for (let round = 1; ; round++) {
    const outcomes = current.files.map((file) => ({ file, key: resolve(file.path), ...fixFile(parser, file, tried.get(resolve(file.path))) }));
    const changed = outcomes.filter((o) => o.text !== o.file.text);
    if (changed.length === 0 || round > MAX_ROUNDS) {
      const files = [...texts].filter(([key, text]) => text !== originals.get(key)).map(([key, text]) => ({ path: pathIn(report, key), original: originals.get(key)!, text, fixes: fixCounts.get(key)! }));
      return { report: current, files, leftOut: leftOutOf(outcomes, changed) };
    }
    for (const o of changed) {
      texts.set(o.key, o.text);
      fixCounts.set(o.key, (fixCounts.get(o.key) ?? 0) + o.applied.length);
      tried.set(o.key, new Set([...(tried.get(o.key) ?? []), ...o.applied]));
    }
    current = mergeReports(current, await analyse(samePackageFiles(current, changed.map((o) => o.key)), texts));
  }
}

/** What the last round left out; `unapplied` are the changes it made that the rounds ran out before keeping. */
function leftOutOf(outcomes: readonly FileOutcome[], unapplied: readonly FileOutcome[]): FixResult['leftOut'] {
  const sum = (list: readonly FileOutcome[], pick: (o: FileOutcome) => number) => list.reduce((n, o) => n + pick(o), 0);
  return { overlapping: sum(outcomes, (o) => o.overlapping), unparsable: sum(outcomes, (o) => o.unparsable), pending: sum(unapplied, (o) => o.applied.length) };
}

export interface WriteOutcome {
  written: FixedFile[];
  /** Files not written, with why. */
  notWritten: { file: FixedFile; reason: string }[];
}

/** Writes each fixed file, unless it changed on disk since it was read. */
export function writeFixedFiles(files: readonly FixedFile[]): WriteOutcome {
  const outcome: WriteOutcome = { written: [], notWritten: [] };
  for (const file of files) {
    try {
      const reason = writeIfUnchanged(file.path, file.original, file.text);
      if (reason) outcome.notWritten.push({ file, reason });
      else outcome.written.push(file);
    } catch (err) {
      outcome.notWritten.push({ file, reason: `${CANNOT_WRITE}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    }
  }
  return outcome;
}

/**
 * Writes `text` over `path` when the file still holds exactly the bytes `original` came from
 * (a UTF-8 byte order mark is kept); otherwise says why not.
 */
export function writeIfUnchanged(path: string, original: string, text: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path); // read again now: another program may have saved it meanwhile
  } catch (err) {
    return `changed on disk since it was read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (!Buffer.from(original, 'utf8').equals(body)) {
    return new TextDecoder().decode(bytes) === original ? 'not valid UTF-8: writing it back would change bytes the fix did not touch' : 'changed on disk since it was read';
  }
  writeFileAtomic(path, bom ? Buffer.concat([bytes.subarray(0, 3), Buffer.from(text, 'utf8')]) : text);
  return undefined;
}

/** `git diff`-style unified diff of every fixed file, paths relative to `cwd`. */
export function unifiedDiff(files: readonly FixedFile[], cwd = process.cwd()): string {
  return files
    .map((f) => {
      const rel = relative(cwd, f.path).split(sep).join('/');
      return createTwoFilesPatch(`a/${rel}`, `b/${rel}`, f.original, f.text, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
    })
    .join('');
}

/** The first preferred fix of a finding: the one `--fix` applies. */
export function preferredFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.isPreferred === true);
}

interface FileOutcome {
  text: string;
  /** Fingerprints of the findings whose fixes made `text`. */
  applied: string[];
  overlapping: number;
  unparsable: number;
}

/** One round on one file. `attempted` holds the fingerprints of findings fixed in earlier rounds. */
function fixFile(parser: Parser, file: FileReport, attempted: ReadonlySet<string> = new Set()): FileOutcome {
  const doc = TextDocument.create('file:///fix.go', 'go', 0, file.text);
  const crlf = file.text.includes('\r\n');
  const chosen: Candidate[] = [];
  const taken: Span[] = [];
  let overlapping = 0;
  for (const { finding, fingerprint } of fingerprintFindings(file.path, file.text, file.findings)) {
    const fix = preferredFix(finding);
    // A finding that survived its own fix would only get the same edit again.
    if (!fix || attempted.has(fingerprint)) continue;
    const spans = fix.edits.map((e) => spanOf(doc, e, crlf));
    const fresh = spans.filter((s) => !taken.some((t) => sameEdit(s, t)));
    if (fresh.some((s, i) => taken.some((t) => overlap(s, t)) || fresh.slice(0, i).some((t) => overlap(s, t)))) {
      overlapping++;
      continue;
    }
    taken.push(...fresh);
    chosen.push({ fingerprint, spans: fresh });
  }
  const { kept, text } = keepParsing(parser, doc, chosen);
  return { text, applied: kept.map((c) => c.fingerprint), overlapping, unparsable: chosen.length - kept.length };
}

interface Span {
  start: number;
  end: number;
  edit: TextEdit;
}

interface Candidate {
  fingerprint: string;
  spans: Span[];
}

function spanOf(doc: TextDocument, edit: TextEdit, crlf: boolean): Span {
  const newText = crlf ? edit.newText.replace(/\r?\n/g, '\r\n') : edit.newText;
  return { start: doc.offsetAt(edit.range.start), end: doc.offsetAt(edit.range.end), edit: { range: edit.range, newText } };
}

function sameEdit(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end && a.edit.newText === b.edit.newText;
}

/** Edits overlap when they share text, or start at one place (their order would be a guess). */
function overlap(a: Span, b: Span): boolean {
  return a.start === b.start || (a.start < b.end && b.start < a.end);
}

/**
 * The candidates whose edits, together, leave no more syntax errors than the file had: all of
 * them when that holds, else those that pass when added one at a time.
 */
function keepParsing(parser: Parser, doc: TextDocument, candidates: Candidate[]): { kept: Candidate[]; text: string } {
  const original = doc.getText();
  if (candidates.length === 0) return { kept: [], text: original };
  const budget = syntaxErrors(parser, original);
  const all = apply(doc, candidates);
  if (syntaxErrors(parser, all) <= budget) return { kept: candidates, text: all };
  const kept: Candidate[] = [];
  let text = original;
  for (const c of candidates) {
    const trial = apply(doc, [...kept, c]);
    if (syntaxErrors(parser, trial) > budget) continue;
    kept.push(c);
    text = trial;
  }
  return { kept, text };
}

function apply(doc: TextDocument, candidates: readonly Candidate[]): string {
  return TextDocument.applyEdits(doc, candidates.flatMap((c) => c.spans.map((s) => s.edit)));
}

/** Every reported file in the directories of `changed`: a fix in one file can settle findings in another. */
function samePackageFiles(report: LintReport, changed: readonly string[]): string[] {
  const dirs = new Set(changed.map((p) => dirname(p)));
  return report.files.map((f) => f.path).filter((p) => dirs.has(dirname(resolve(p))));
}

/** `base` with the files, skips and rule failures of `update` in place of its own for those paths. */
export function mergeReports(base: LintReport, update: LintReport): LintReport {
  const updated = new Set(update.files.map((f) => resolve(f.path)));
  const byPath = new Map(update.files.map((f) => [resolve(f.path), f]));
  return {
    files: base.files.map((f) => byPath.get(resolve(f.path)) ?? f),
    skipped: base.skipped,
    failures: [...base.failures.filter((f) => !updated.has(resolve(f.path))), ...update.failures],
  };
}

function pathIn(report: LintReport, key: string): string {
  return report.files.find((f) => resolve(f.path) === key)?.path ?? key;
}
