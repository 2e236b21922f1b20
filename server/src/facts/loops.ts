// Loops and what keeps them going: an infinite `for {}` (or `for init; ; post {}`), a range over
// a ticker channel (Ticker.Stop never closes C, so the range never ends), or a loop with a
// condition. For each: whether it waits on channels, and its ways out.
import type { Node } from 'web-tree-sitter';
import { loopExits, type Exit } from './exits';
import type { FuncInfo } from './functions';
import { firstChildOfType, receiveOperand, statementsOf, walk, walkOwnCode } from './syntax';

export type LoopForm = 'infinite' | 'ticker-range' | 'range' | 'conditional';

export interface LoopInfo {
  node: Node;
  form: LoopForm;
  /** The innermost function the loop runs in. */
  func: FuncInfo | undefined;
  /** Selects, receives or sends in the loop's own code: the loop blocks on channels. */
  waitsOnChannel: boolean;
  /** The first `select` that is a direct statement of the loop body. */
  firstSelect: Node | undefined;
  /** The first direct statement of the body that receives (`<-ch`, `v := <-ch`, `v, ok = <-ch`). */
  firstReceive: Node | undefined;
  /** The range expression of a range loop. */
  rangeOver: Node | undefined;
  exits: Exit[];
  trappedBreaks: Node[];
}

export function collectLoops(root: Node, funcAt: (node: Node) => FuncInfo | undefined): LoopInfo[] {
  const loops: LoopInfo[] = [];
  walk(root, (node) => {
    if (node.type === 'for_statement') loops.push(describeLoop(node, funcAt(node)));
  });
  return loops;
}

function describeLoop(node: Node, func: FuncInfo | undefined): LoopInfo {
  const range = firstChildOfType(node, 'range_clause');
  const rangeOver = range?.childForFieldName('right') ?? undefined;
  const body = node.childForFieldName('body');
  const statements = statementsOf(body);
  const { exits, trappedBreaks } = loopExits(node);
  return {
    node,
    form: loopForm(node, rangeOver),
    func,
    waitsOnChannel: body ? blocksOnChannels(body) : false,
    firstSelect: statements.find((s) => s.type === 'select_statement'),
    firstReceive: statements.find(isReceiveStatement),
    rangeOver,
    exits,
    trappedBreaks,
  };
}

function loopForm(node: Node, rangeOver: Node | undefined): LoopForm {
  if (rangeOver) return isTickerChannel(rangeOver) ? 'ticker-range' : 'range';
  const clause = firstChildOfType(node, 'for_clause');
  if (clause) return clause.childForFieldName('condition') ? 'conditional' : 'infinite';
  // `for cond { … }`: the condition is a bare expression child before the body.
  const body = node.childForFieldName('body');
  const hasCondition = node.namedChildren.some((c) => c !== null && c.id !== body?.id && c.type !== 'comment');
  return hasCondition ? 'conditional' : 'infinite';
}

/** `t.C`, `time.NewTicker(d).C`, `time.Tick(d)`: channels nobody ever closes. */
export function isTickerChannel(expr: Node): boolean {
  if (expr.type === 'selector_expression') return expr.childForFieldName('field')?.text === 'C';
  if (expr.type === 'call_expression') return expr.childForFieldName('function')?.text === 'time.Tick';
  return false;
}

function blocksOnChannels(body: Node): boolean {
  let found = false;
  walkOwnCode(body, (n) => {
    if (found) return false;
    if (n.type === 'select_statement' || n.type === 'send_statement' || receiveOperand(n)) found = true;
    return !found;
  });
  return found;
}

/** A statement whose value comes from a receive: `<-ch`, `v := <-ch`, `v, ok = <-ch`. */
export function isReceiveStatement(statement: Node): boolean {
  if (statement.type === 'expression_statement') return receiveOperand(statement.namedChild(0)) !== undefined;
  if (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement') return false;
  const right = statement.childForFieldName('right');
  return right?.namedChildCount === 1 && receiveOperand(right.namedChild(0)) !== undefined;
}
