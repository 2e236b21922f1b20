// Ways out of a loop. A loop is left by `return`, by a `break` whose target is the loop (an
// unlabelled break inside a select or switch only leaves that statement), by a labelled
// break/continue/goto to a label outside the loop, and by calls that never return (panic,
// os.Exit, log.Fatal, t.Fatal, runtime.Goexit…). Code inside func literals runs in another
// frame, so a `return` there is not a way out.
import type { Node } from 'web-tree-sitter';
import { BREAKABLE_TYPES, calleeName, calleeReceiver, firstChildOfType, walkOwnCode } from './syntax';

export type ExitKind = 'return' | 'break' | 'continue' | 'goto' | 'terminate';

export interface Exit {
  node: Node;
  kind: ExitKind;
}

export interface LoopExits {
  exits: Exit[];
  /** Unlabelled breaks that only leave a select or switch inside the loop: the classic trap. */
  trappedBreaks: Node[];
}

/** Calls on any receiver whose name says the goroutine or process ends (t.Fatal, logger.Panicf…). */
const TERMINATING_METHOD = /^(Fatal|Fatalf|Fatalln|FailNow|Skip|Skipf|SkipNow|Panic|Panicf|Panicln|Goexit)$/;
/** Package functions that end the process or goroutine. */
const TERMINATING_FUNCS = new Set(['os.Exit', 'syscall.Exit', 'runtime.Goexit']);

export function isTerminatingCall(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'identifier') return fn.text === 'panic';
  if (fn.type !== 'selector_expression') return false;
  if (TERMINATING_FUNCS.has(fn.text)) return true;
  const name = calleeName(call) ?? '';
  return calleeReceiver(call) !== undefined && TERMINATING_METHOD.test(name);
}

/** The label of a labelled statement, e.g. `L` for `L: for { … }`. */
export function labelOf(statement: Node): string | undefined {
  const parent = statement.parent;
  if (parent?.type !== 'labeled_statement') return undefined;
  return parent.childForFieldName('label')?.text;
}

export function loopExits(loop: Node): LoopExits {
  const body = loop.childForFieldName('body');
  const result: LoopExits = { exits: [], trappedBreaks: [] };
  if (!body) return result;
  const innerLabels = labelsInside(body);
  const ownLabel = labelOf(loop);
  walkOwnCode(body, (node) => {
    const kind = exitKind(node, loop, ownLabel, innerLabels, result);
    if (kind) result.exits.push({ node, kind });
  });
  return result;
}

function exitKind(node: Node, loop: Node, ownLabel: string | undefined, innerLabels: Set<string>, acc: LoopExits): ExitKind | undefined {
  const label = firstChildOfType(node, 'label_name')?.text;
  switch (node.type) {
    case 'return_statement':
      return 'return';
    case 'break_statement':
      if (label !== undefined) return innerLabels.has(label) ? undefined : 'break';
      if (nearestBreakable(node, loop)?.id === loop.id) return 'break';
      acc.trappedBreaks.push(node);
      return undefined;
    case 'continue_statement':
      // `continue` of this loop (plain or with its own label) stays in it.
      return label !== undefined && label !== ownLabel && !innerLabels.has(label) ? 'continue' : undefined;
    case 'goto_statement':
      return label !== undefined && !innerLabels.has(label) ? 'goto' : undefined;
    case 'call_expression':
      return isTerminatingCall(node) ? 'terminate' : undefined;
    default:
      return undefined;
  }
}

function nearestBreakable(node: Node, stop: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (BREAKABLE_TYPES.has(p.type)) return p;
    if (p.id === stop.id) return p;
  }
  return undefined;
}

function labelsInside(body: Node): Set<string> {
  const labels = new Set<string>();
  walkOwnCode(body, (n) => {
    if (n.type === 'labeled_statement') {
      const l = n.childForFieldName('label')?.text;
      if (l) labels.add(l);
    }
  });
  return labels;
}
