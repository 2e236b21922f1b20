// What a rule is and what it produces. Rules know nothing of LSP or the command line: ranges are
// 0-based lines and UTF-16 columns (LSP's convention), and the front ends convert on output.
import type { FileFacts } from '../facts/fileFacts';
import type { PackageIndex } from '../index/packageIndex';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A plain text replacement, in the coordinates of the analysed text. */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The safe fix an editor may apply without asking (LSP `isPreferred`). */
  isPreferred?: boolean;
}

export interface RelatedInfo {
  range: Range;
  message: string;
  /** The file it is in, when not the finding's own file (another file of the package). */
  path?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  range: Range;
  message: string;
  fixes: Fix[];
  related?: RelatedInfo[];
}

/** A rule is a value; everything user-facing about it (help, hover, SARIF rules) comes from here. */
export interface Rule {
  id: string;
  /** One line, shown by `goleash rules` and as SARIF shortDescription. */
  title: string;
  /** A few sentences: what it flags and why it matters. */
  docs: string;
  /** A short bad/good pair of Go snippets (function level), shown in the editor's hover. */
  example?: { bad: string; good: string };
  defaultSeverity: Severity;
  /** Findings in `file`; `pkg` holds every file of its package (the file's directory), `file` included. */
  check(file: FileFacts, pkg: PackageIndex, options: RuleOptions): Finding[];
}

/** What settings rules read beyond their severity. */
export interface RuleOptions {
  /** heap-escape: report interface conversions too. */
  escapeInterfaces: boolean;
}
