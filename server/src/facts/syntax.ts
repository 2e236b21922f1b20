// Small, shared questions about tree-sitter-go nodes. Everything that walks raw syntax goes
// through here so the grammar's shapes (statement_list inside blocks and cases, field names)
// are spelled out once.
import { checkBudget } from './budget';
import type { Node } from 'web-tree-sitter';
import type { Range } from '../rules/types';

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** Statements that an unlabelled `break` leaves. */
export const BREAKABLE_TYPES = new Set([
  'for_statement',
  'select_statement',
  'expression_switch_statement',
  'type_switch_statement',
]);

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function firstChildOfType(node: Node, type: string): Node | undefined {
  return namedChildren(node).find((c) => c.type === type);
}

/** Inside a `for` of its own function (a func literal is a function of its own): runs once per iteration. */
export function insideLoop(node: Node): boolean {
  for (let p = node.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    checkBudget(); // each step up costs the tree's depth: deep nesting makes this slow
    if (p.type === 'for_statement') return true;
  }
  return false;
}

/** The statements of a block or a case: tree-sitter-go wraps them in a statement_list. */
export function statementsOf(node: Node | null | undefined): Node[] {
  if (!node) return [];
  const list = firstChildOfType(node, 'statement_list');
  return list ? namedChildren(list).filter((c) => c.type !== 'comment') : [];
}

/**
 * Visits every descendant of `node` in document order. The visitor returns false to skip a
 * node's children. Iterative, so deeply nested input cannot overflow the stack.
 */
export function walk(node: Node, visit: (n: Node) => boolean | void): void {
  const stack: Node[] = [...namedChildren(node)].reverse();
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (visit(current) === false) continue;
    const kids = namedChildren(current);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Like walk, but never enters a func literal: what a function's own frame executes. */
export function walkOwnCode(node: Node, visit: (n: Node) => boolean | void): void {
  walk(node, (n) => {
    if (n.type === 'func_literal') return false;
    return visit(n);
  });
}

/** `pkg.Name` or `x.y.Name` for a call's function, `name` for a plain call, undefined otherwise. */
export function calleeText(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier' || fn.type === 'selector_expression') return fn.text;
  return undefined;
}

/** The last name of a callee: `Fatalf` for `t.Fatalf`, `close` for `close`. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'selector_expression') return fn.childForFieldName('field')?.text;
  return undefined;
}

/** The operand of a selector callee: `t` for `t.Fatal(…)`. */
export function calleeReceiver(call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  return fn.childForFieldName('operand') ?? undefined;
}

/** The leading whitespace of the line a node starts on. */
export function indentOf(lines: readonly string[], node: Node): string {
  const line = lines[node.startPosition.row] ?? '';
  return /^[ \t]*/.exec(line)![0];
}

/** A receive expression `<-x`, or undefined. */
export function receiveOperand(node: Node | null | undefined): Node | undefined {
  if (node?.type !== 'unary_expression') return undefined;
  if (node.child(0)?.type !== '<-') return undefined;
  return node.childForFieldName('operand') ?? undefined;
}
