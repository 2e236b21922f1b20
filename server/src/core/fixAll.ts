// Applying many preferred fixes to one text at once (the editor's "fix all"): pick the preferred
// fix (`Fix.isPreferred`, the one an editor may apply without asking) of each finding, leave out
// those whose edits overlap an edit already picked, and keep only fixes that do not add syntax
// errors. Pure text in, text out; the front end decides about re-analysis and rounds.
// (cli/fix.ts does the same for `--fix` with its own copy of these steps.)
import { diffLines } from 'diff';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node, Parser } from 'web-tree-sitter';
import type { Finding, Fix, TextEdit } from '../rules/types';

/** The preferred fix of a finding: the one applied without asking. */
export function preferredFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.isPreferred === true);
}

export interface FixChoice {
  /** Indices (into the findings given) of the findings whose fixes were picked. */
  chosen: number[];
  /** Their edits, in the text's line endings. */
  edits: TextEdit[][];
  /** Preferred fixes left out because they overlap one picked earlier. */
  overlapping: number;
}

interface Span {
  start: number;
  end: number;
  edit: TextEdit;
}

/** Picks non-overlapping preferred fixes in finding order; `skip` leaves findings out. */
export function chooseFixes(text: string, findings: readonly Finding[], skip: (index: number) => boolean = () => false): FixChoice {
  const doc = TextDocument.create('file:///fix.go', 'go', 0, text);
  const crlf = text.includes('\r\n');
  const choice: FixChoice = { chosen: [], edits: [], overlapping: 0 };
  const taken: Span[] = [];
  findings.forEach((finding, index) => {
    const fix = preferredFix(finding);
    if (!fix || skip(index)) return;
    const spans = fix.edits.map((e) => spanOf(doc, e, crlf));
    // Two findings may share an edit (one import added for both): it is applied once.
    const fresh = spans.filter((s) => !taken.some((t) => sameEdit(s, t)));
    if (fresh.some((s, i) => taken.some((t) => overlap(s, t)) || fresh.slice(0, i).some((t) => overlap(s, t)))) {
      choice.overlapping++;
      return;
    }
    taken.push(...fresh);
    choice.chosen.push(index);
    choice.edits.push(fresh.map((s) => s.edit));
  });
  return choice;
}

/**
 * Applies the chosen fixes, all together when that adds no syntax error, else one at a time
 * keeping those that add none. Returns the new text and which of `choice.chosen` were applied.
 */
export function applyFixes(parser: Parser, text: string, choice: FixChoice): { text: string; applied: number[] } {
  if (choice.chosen.length === 0) return { text, applied: [] };
  const doc = TextDocument.create('file:///fix.go', 'go', 0, text);
  const budget = syntaxErrors(parser, text);
  const all = TextDocument.applyEdits(doc, choice.edits.flat());
  if (syntaxErrors(parser, all) <= budget) return { text: all, applied: choice.chosen };
  const applied: number[] = [];
  const kept: TextEdit[] = [];
  let current = text;
  choice.chosen.forEach((index, i) => {
    const trial = TextDocument.applyEdits(doc, [...kept, ...choice.edits[i]]);
    if (syntaxErrors(parser, trial) > budget) return;
    kept.push(...choice.edits[i]);
    applied.push(index);
    current = trial;
  });
  return { text: current, applied };
}

/** ERROR and MISSING nodes in the tree of `text`. */
export function syntaxErrors(parser: Parser, text: string): number {
  const tree = parser.parse(text);
  if (!tree) return Number.POSITIVE_INFINITY;
  try {
    return errorsUnder(tree.rootNode);
  } finally {
    tree.delete();
  }
}

function errorsUnder(node: Node): number {
  let n = node.isError || node.isMissing ? 1 : 0;
  if (node.hasError) for (const child of node.children) if (child) n += errorsUnder(child);
  return n;
}

/** Line-granular edits that turn `before` into `after` (for fixes made over several rounds). */
export function editsBetween(before: string, after: string): TextEdit[] {
  const doc = TextDocument.create('file:///fix.go', 'go', 0, before);
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: { start: number; end: number; newText: string } | undefined;
  const flush = () => {
    if (pending) edits.push({ range: { start: doc.positionAt(pending.start), end: doc.positionAt(pending.end) }, newText: pending.newText });
    pending = undefined;
  };
  for (const part of diffLines(before, after)) {
    if (!part.added && !part.removed) {
      flush();
      offset += part.value.length;
      continue;
    }
    pending ??= { start: offset, end: offset, newText: '' };
    if (part.removed) {
      offset += part.value.length;
      pending.end = offset;
    } else pending.newText += part.value;
  }
  flush();
  return edits;
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
