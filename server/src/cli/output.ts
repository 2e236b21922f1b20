// Where reports go: `--format FORMAT[=FILE]` (repeatable) and `--output FILE`. A format without
// a file goes to --output when given, else to stdout; at most one can. Files are written
// atomically (atomicWrite.ts), so a reader or a failed run never leaves a half-written report.
import { InvalidArgumentError } from 'commander';
import { VERSION } from '../version';
import { writeFileAtomic } from './atomicWrite';
import { formatCheckstyle } from './formats/checkstyle';
import { formatGithub } from './formats/github';
import { formatGitlab } from './formats/gitlab';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import type { LintReport } from './lint';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'checkstyle'] as const;
export type Format = (typeof FORMATS)[number];

/** One report to produce: a format and its file, or stdout when `file` is undefined. */
export interface OutputSpec {
  format: Format;
  file?: string;
}

/** A report that could not be written, or outputs that contradict each other (exit 2). */
export class OutputError extends Error {}

/** commander argParser for `--format FORMAT[=FILE]`: collects every occurrence. */
export function collectFormat(value: string, previous: OutputSpec[] = []): OutputSpec[] {
  const eq = value.indexOf('=');
  const format = eq < 0 ? value : value.slice(0, eq);
  const file = eq < 0 ? undefined : value.slice(eq + 1);
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new InvalidArgumentError(`expected FORMAT or FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (file === '') throw new InvalidArgumentError(`${format}=: the file name is missing`);
  return [...previous, { format: format as Format, ...(file !== undefined ? { file } : {}) }];
}

/** The outputs of a run: `text` to stdout by default; a format without a file goes to `output`. */
export function planOutputs(specs: readonly OutputSpec[] | undefined, output?: string): OutputSpec[] {
  const given = specs && specs.length > 0 ? specs : [{ format: 'text' as const }];
  const unnamed = given.filter((s) => s.file === undefined);
  if (unnamed.length > 1) {
    throw new OutputError(`--format ${unnamed.map((s) => s.format).join(' and ')}: only one report can go to ${output ?? 'stdout'}; give the others a file (--format FORMAT=FILE)`);
  }
  if (output !== undefined && unnamed.length === 0) throw new OutputError(`--output ${output}: every --format already names its file`);
  return given.map((s) => (s.file === undefined && output !== undefined ? { ...s, file: output } : s));
}

export function render(report: LintReport, format: Format): string {
  switch (format) {
    case 'json':
      return formatJson(report, VERSION);
    case 'sarif':
      return formatSarif(report, VERSION);
    case 'github':
      return formatGithub(report);
    case 'gitlab':
      return formatGitlab(report);
    case 'checkstyle':
      return formatCheckstyle(report);
    default:
      return formatText(report);
  }
}

/** Renders and writes every output: files first, so stdout is the last thing a run prints. */
export function writeOutputs(report: LintReport, outputs: readonly OutputSpec[]): void {
  for (const { format, file } of outputs) {
    if (file === undefined) continue;
    try {
      writeFileAtomic(file, render(report, format));
    } catch (err) {
      throw new OutputError(`cannot write ${file}: ${(err as Error).message}`);
    }
  }
  for (const { format, file } of outputs) if (file === undefined) process.stdout.write(render(report, format));
}
