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
  comment: Node;
  firstLine: number;
  lastLine: number;
}

const IGNORE = /^\/\/\s*goleash:ignore(?:\s+([\w,-]+))?/;
const NOLINT = /^\/\/nolint(?::([\w,-]+))?(?:\s|$)/;

export function parseSuppression(text: string): Set<string> | undefined {
  const ignore = IGNORE.exec(text);
  if (ignore) return ignore[1] ? new Set(ignore[1].split(',').filter(Boolean)) : new Set([ALL_RULES]);
  const nolint = NOLINT.exec(text);
  if (!nolint) return undefined;
  const names = nolint[1]?.split(',').filter(Boolean) ?? [];
  if (names.length === 0 || names.includes('goleash')) return new Set([ALL_RULES]);
  return new Set(names);
}

export function collectSuppressions(nodesOf: NodesOf, lines: readonly string[]): Suppression[] {
  const out: Suppression[] = [];
  for (const n of nodesOf('comment')) {
    const rules = parseSuppression(n.text);
    if (!rules) continue;
    const row = n.startPosition.row;
    const alone = (lines[row] ?? '').slice(0, n.startPosition.column).trim() === '';
    const next = alone ? nextCodeNode(n) : undefined;
    const lastLine = next && FUNCTION_TYPES.has(next.type) ? next.endPosition.row : alone ? row + 1 : row;
    out.push({ rules, comment: n, firstLine: row, lastLine });
  }
  return out;
}

function nextCodeNode(comment: Node): Node | undefined {
  let next = comment.nextNamedSibling;
  while (next && next.type === 'comment') next = next.nextNamedSibling;
  return next && next.startPosition.row === comment.endPosition.row + 1 ? next : undefined;
}

export function isSuppressed(suppressions: readonly Suppression[], rule: string, line: number): boolean {
  return suppressions.some(
    (s) => line >= s.firstLine && line <= s.lastLine && (s.rules.has(ALL_RULES) || s.rules.has(rule)),
  );
}
