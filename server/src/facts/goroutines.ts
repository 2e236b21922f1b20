// Where goroutines start and what they run: `go` statements, `errgroup.Group.Go` /
// `sync.WaitGroup.Go` with a func literal, and a file's own helpers whose body does `go f()` on
// a func parameter (`startGoroutine(func(){…})`).
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import { calleeName, namedChildren, walk, walkOwnCode } from './syntax';

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

/** Helpers of this file that start their i-th parameter as a goroutine. */
function goroutineHelpers(functions: FuncInfo[]): Map<string, number> {
  const helpers = new Map<string, number>();
  for (const f of functions) {
    if (f.kind !== 'function' || !f.body || !f.declName) continue;
    const names = f.params.map((p) => p.name);
    walkOwnCode(f.body, (n) => {
      if (n.type !== 'go_statement') return;
      const fn = n.namedChild(0)?.childForFieldName('function');
      const index = fn?.type === 'identifier' ? names.indexOf(fn.text) : -1;
      if (index >= 0) helpers.set(f.declName!, index);
    });
  }
  return helpers;
}

export function collectGoStarts(root: Node, functions: FuncInfo[]): GoStart[] {
  const helpers = goroutineHelpers(functions);
  const starts: GoStart[] = [];
  walk(root, (n) => {
    if (n.type === 'go_statement') {
      const call = n.namedChild(0);
      if (call?.type === 'call_expression') starts.push({ node: n, via: 'go', ...target(call.childForFieldName('function')) });
      return;
    }
    if (n.type !== 'call_expression') return;
    const args = namedChildren(n.childForFieldName('arguments') ?? n).filter((a) => a.type !== 'comment');
    const name = calleeName(n);
    const fn = n.childForFieldName('function');
    if (name === 'Go' && fn?.type === 'selector_expression' && args.length === 1 && args[0].type === 'func_literal') {
      starts.push({ node: n, via: 'group', literal: args[0] });
    } else if (fn?.type === 'identifier' && helpers.has(fn.text)) {
      const arg = args[helpers.get(fn.text)!];
      if (arg) starts.push({ node: n, via: 'helper', ...target(arg) });
    }
  });
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
export function startsOf(f: FuncInfo, starts: GoStart[]): GoStart[] {
  if (f.kind === 'literal') return starts.filter((s) => s.literal?.id === f.node.id);
  return starts.filter((s) => s.calleeName === f.declName && (f.kind === 'method') === Boolean(s.viaSelector));
}
