// Where goroutines start and what they run: `go` statements, `errgroup.Group.Go` /
// `sync.WaitGroup.Go` with a func literal, and a file's own helpers whose body does `go f()` on
// a func parameter (`startGoroutine(func(){…})`).
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import type { NodesOf } from './nodeIndex';
import { calleeName, namedChildren } from './syntax';

export interface GoStart {
  /** The `go` statement, or the helper call that starts the goroutine. */
  node: Node;
  via: 'go' | 'group' | 'helper';
  /** The func literal run by the goroutine, when it is one. */
  literal?: Node;
  /** The function run, by name: `f` for `go f()`, `m` for `go x.m()`. */
  calleeName?: string;
  /** True for `go x.m()`: the callee is a method or a function of another package. */
  viaSelector?: boolean;
}

/** Helpers of this file that start their i-th parameter as a goroutine: `func spawn(f func()) { go f() }`. */
function goroutineHelpers(goStatements: Node[], funcAt: (n: Node) => FuncInfo | undefined): Map<string, number> {
  const helpers = new Map<string, number>();
  for (const stmt of goStatements) {
    const f = funcAt(stmt);
    const fn = stmt.namedChild(0)?.childForFieldName('function');
    if (f?.kind !== 'function' || !f.declName || fn?.type !== 'identifier') continue;
    const index = f.params.findIndex((p) => p.name === fn.text);
    if (index >= 0) helpers.set(f.declName, index);
  }
  return helpers;
}

export function collectGoStarts(nodesOf: NodesOf, funcAt: (n: Node) => FuncInfo | undefined): GoStart[] {
  const nodes = nodesOf(['go_statement', 'call_expression']);
  const helpers = goroutineHelpers(
    nodes.filter((n) => n.type === 'go_statement'),
    funcAt,
  );
  const starts: GoStart[] = [];
  for (const n of nodes) {
    if (n.type === 'go_statement') {
      const call = n.namedChild(0);
      if (call?.type === 'call_expression') starts.push({ node: n, via: 'go', ...target(call.childForFieldName('function')) });
      continue;
    }
    const fn = n.childForFieldName('function');
    const isGroupGo = fn?.type === 'selector_expression' && calleeName(n) === 'Go';
    const isHelper = fn?.type === 'identifier' && helpers.has(fn.text);
    if (!isGroupGo && !isHelper) continue;
    const args = namedChildren(n.childForFieldName('arguments') ?? n).filter((a) => a.type !== 'comment');
    if (isGroupGo && args.length === 1 && args[0].type === 'func_literal') {
      starts.push({ node: n, via: 'group', literal: args[0] });
    } else if (isHelper) {
      const arg = args[helpers.get(fn!.text)!];
      if (arg) starts.push({ node: n, via: 'helper', ...target(arg) });
    }
  }
  return starts;
}

function target(fn: Node | null): Pick<GoStart, 'literal' | 'calleeName' | 'viaSelector'> {
  if (!fn) return {};
  if (fn.type === 'func_literal') return { literal: fn };
  if (fn.type === 'identifier') return { calleeName: fn.text };
  if (fn.type === 'selector_expression') return { calleeName: fn.childForFieldName('field')?.text, viaSelector: true };
  return {};
}

/** The starts that run function `f`: its literal node, or its declared name. */
export function startsOf<T extends { item: GoStart }>(f: FuncInfo, starts: T[]): T[] {
  if (f.kind === 'literal') return starts.filter((s) => s.item.literal?.id === f.node.id);
  return starts.filter((s) => s.item.calleeName === f.declName && (f.kind === 'method') === Boolean(s.item.viaSelector));
}
