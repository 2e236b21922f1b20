// Suppression comments: `//goleash:ignore RULE[,RULE] [reason]`, golangci-lint's
// `//nolint:goleash` / `//nolint:RULE[,RULE]` and bare `//nolint`. A comment covers its own line
// and, when it stands alone on its line, the next one; above a function it covers the function.
import type { Node } from 'web-tree-sitter';
import type { NodesOf } from './nodeIndex';
import { FUNCTION_TYPES } from './syntax';

export const ALL_RULES = '*';

export interface Suppression {
  /** Rule ids, or ALL_RULES. */
  rules: Set<string>;
  /** The comment as written: which syntax, and the names it lists (empty for none). */
  directive: Directive;
  comment: Node;
  firstLine: number;
  lastLine: number;
}

const IGNORE = /^\/\/\s*goleash:ignore(?:\s+([\w,-]+))?/;
const NOLINT = /^\/\/nolint(?::([\w,-]+))?(?:\s|$)/;

export interface Directive {
  syntax: 'goleash:ignore' | 'nolint';
  /** Rule (or, for nolint, linter) names in the order written. */
  names: string[];
  /** Where the comma-separated names start and end in the comment's text (start = end when none). */
  namesStart: number;
  namesEnd: number;
}

export function parseDirective(text: string): Directive | undefined {
  const ignore = IGNORE.exec(text);
  const m = ignore ?? NOLINT.exec(text);
  if (!m) return undefined;
  const list = m[1] ?? '';
  const namesStart = list ? m[0].lastIndexOf(list) : m[0].length;
  return {
    syntax: ignore ? 'goleash:ignore' : 'nolint',
    names: list.split(',').filter(Boolean),
    namesStart,
    namesEnd: namesStart + list.length,
  };
}

/** The rule ids a comment silences: ALL_RULES for a bare directive or `//nolint:goleash`. */
export function parseSuppression(text: string): Set<string> | undefined {
  const d = parseDirective(text);
  if (!d) return undefined;
  if (d.names.length === 0 || (d.syntax === 'nolint' && d.names.includes('goleash'))) return new Set([ALL_RULES]);
  return new Set(d.names);
}

export function collectSuppressions(nodesOf: NodesOf, lines: readonly string[]): Suppression[] {
  const out: Suppression[] = [];
  for (const n of nodesOf('comment')) {
    const directive = parseDirective(n.text);
    const rules = parseSuppression(n.text);
    if (!directive || !rules) continue;
    const row = n.startPosition.row;
    const alone = (lines[row] ?? '').slice(0, n.startPosition.column).trim() === '';
    const next = alone ? nextCodeNode(n) : undefined;
    const lastLine = next && FUNCTION_TYPES.has(next.type) ? next.endPosition.row : alone ? row + 1 : row;
    out.push({ rules, directive, comment: n, firstLine: row, lastLine });
  }
  return out;
}

function nextCodeNode(comment: Node): Node | undefined {
  let next = comment.nextNamedSibling;
  while (next && next.type === 'comment') next = next.nextNamedSibling;
  return next && next.startPosition.row === comment.endPosition.row + 1 ? next : undefined;
}

/** The suppressions that silence `rule` on `line` (several may overlap). */
export function suppressionsCovering(suppressions: readonly Suppression[], rule: string, line: number): Suppression[] {
  return suppressions.filter((s) => line >= s.firstLine && line <= s.lastLine && (s.rules.has(ALL_RULES) || s.rules.has(rule)));
}

