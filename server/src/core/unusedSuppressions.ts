// Suppression comments that silenced nothing (`--report-unused-ignores`), in the spirit of
// golangci-lint's nolintlint: a name is reported only when goleash can know it is unused.
//  - A rule that did not run (off, or it threw) says nothing: the comment may matter once it runs.
//  - Bare `//nolint` and `//nolint:NAME` for names goleash does not know belong to other linters.
//  - `//goleash:ignore NAME` with an unknown NAME is reported: it is a typo that silences nothing.
// These are findings of the pseudo-rule `unused-ignore`, not a rule of the registry: they come
// from how the other rules' findings were silenced, so they cannot be switched on per rule.
import type { Directive, Suppression } from '../facts/suppressions';
import type { FileFacts } from '../facts/fileFacts';
import { RULES } from '../rules';
import type { Finding, Fix, Range } from '../rules/types';

export const UNUSED_IGNORE = {
  id: 'unused-ignore',
  title: 'A suppression comment that silences nothing',
  docs:
    'Reported with --report-unused-ignores: a //goleash:ignore or //nolint comment that covers no finding of the rules it names ' +
    '(or of any rule, when it names none), or names a rule goleash does not have. Rules that are off are not counted as unused.',
  severity: 'warning',
} as const;

/** Which rules each suppression silenced during one analysis. */
export type SuppressionUse = Map<Suppression, Set<string>>;

const KNOWN = new Set(RULES.map((r) => r.id));

/** What ran on the file: rules that completed, and whether any rule threw. */
export interface RuleRun {
  ran: ReadonlySet<string>;
  anyFailed: boolean;
}

/** Findings for the suppressions of `file` that silenced nothing. */
export function unusedSuppressions(file: FileFacts, used: SuppressionUse, run: RuleRun): Finding[] {
  const out: Finding[] = [];
  for (const s of file.suppressions) {
    const unused = unusedNames(s.directive, used.get(s) ?? new Set(), run);
    if (unused.length > 0) out.push(finding(file, s, unused));
  }
  return out;
}

/** The names of a directive that are unused; `*` stands for a directive naming no rule. */
function unusedNames(d: Directive, silenced: ReadonlySet<string>, { ran, anyFailed }: RuleRun): string[] {
  const everyRule = d.names.length === 0 || (d.syntax === 'nolint' && d.names.includes('goleash'));
  if (everyRule) {
    // Bare //nolint speaks for every golangci-lint linter; only goleash's own forms are ours. A
    // rule that threw might have had a finding here, so nothing can be said then.
    const ours = d.syntax === 'goleash:ignore' || d.names.includes('goleash');
    const unused = ours && !anyFailed && ran.size > 0 && silenced.size === 0;
    return unused ? [d.names.includes('goleash') ? 'goleash' : '*'] : [];
  }
  return d.names.filter((name) => {
    if (!KNOWN.has(name)) return d.syntax === 'goleash:ignore';
    return ran.has(name) && !silenced.has(name);
  });
}

function finding(file: FileFacts, s: Suppression, unused: string[]): Finding {
  const silent = unused.filter((n) => KNOWN.has(n));
  const unknown = unused.filter((n) => !KNOWN.has(n) && n !== '*' && n !== 'goleash');
  const parts = [
    ...(silent.length > 0 ? [`silences nothing for ${silent.join(', ')}`] : []),
    ...(unknown.length > 0 ? [`${unknown.join(', ')}: no such goleash rule`] : []),
  ];
  return {
    rule: UNUSED_IGNORE.id,
    severity: UNUSED_IGNORE.severity,
    range: rangeOf(s),
    message: `Unused suppression: \`${s.comment.text.trim()}\` ${parts.length > 0 ? parts.join('; ') : 'silences nothing'}.`,
    fixes: [removal(file, s, unused)],
  };
}

function rangeOf(s: Suppression): Range {
  const { startPosition: a, endPosition: b } = s.comment;
  return { start: { line: a.row, character: a.column }, end: { line: b.row, character: b.column } };
}

/** Drops the unused names, or the whole comment when nothing of it is left. */
function removal(file: FileFacts, s: Suppression, unused: string[]): Fix {
  const kept = s.directive.names.filter((n) => !unused.includes(n) && !(n === 'goleash' && unused.includes('goleash')));
  if (kept.length > 0) {
    const { row, column } = s.comment.startPosition;
    const range = {
      start: { line: row, character: column + s.directive.namesStart },
      end: { line: row, character: column + s.directive.namesEnd },
    };
    return { title: `Remove ${unused.join(', ')} from the suppression`, edits: [{ range, newText: kept.join(',') }], isPreferred: true };
  }
  return { title: 'Remove the unused suppression', edits: [{ range: commentSpan(file, s), newText: '' }], isPreferred: true };
}

/** The comment with the blanks before it; the whole line when the comment stands alone on it. */
function commentSpan(file: FileFacts, s: Suppression): Range {
  const { row, column } = s.comment.startPosition;
  const end = s.comment.endPosition;
  const line = file.lines[row] ?? '';
  const before = line.slice(0, column);
  const wholeLine = before.trim() === '' && end.row === row && row + 1 < file.lines.length;
  if (wholeLine) return { start: { line: row, character: 0 }, end: { line: row + 1, character: 0 } };
  return { start: { line: row, character: before.trimEnd().length }, end: { line: end.row, character: end.column } };
}
