// Loops and what keeps them going: an infinite `for {}` (or `for init; ; post {}`), a range over
// a ticker channel (Ticker.Stop never closes C, so the range never ends), or a loop with a
// condition. For each: whether it waits on channels, and its ways out.
import type { Node } from 'web-tree-sitter';
import { loopExits, type Exit, type LoopExits } from './exits';
import type { FuncInfo } from './functions';
import type { NodesOf } from './nodeIndex';
import { firstChildOfType, receiveOperand, statementsOf } from './syntax';

export type LoopForm = 'infinite' | 'ticker-range' | 'range' | 'conditional';

export interface LoopInfo {
  node: Node;
  form: LoopForm;
  /** The innermost function the loop runs in. */
  readonly func: FuncInfo | undefined;
  /** Selects, receives or sends in the loop's own code: the loop blocks on channels. */
  readonly waitsOnChannel: boolean;
  /** The first `select` that is a direct statement of the loop body. */
  readonly firstSelect: Node | undefined;
  /** The first direct statement of the body that receives (`<-ch`, `v := <-ch`, `v, ok = <-ch`). */
  readonly firstReceive: Node | undefined;
  /** The range expression of a range loop. */
  rangeOver: Node | undefined;
  readonly exits: Exit[];
  readonly trappedBreaks: Node[];
}

/** Every loop of the file. Details beyond the loop's form are computed on first use. */
export function collectLoops(nodesOf: NodesOf, funcAt: (node: Node) => FuncInfo | undefined): LoopInfo[] {
  return nodesOf('for_statement').map((node) => describeLoop(node, funcAt));
}

function describeLoop(node: Node, funcAt: (node: Node) => FuncInfo | undefined): LoopInfo {
  const rangeOver = firstChildOfType(node, 'range_clause')?.childForFieldName('right') ?? undefined;
  const body = node.childForFieldName('body');
  let func: FuncInfo | undefined | null = null;
  let exits: LoopExits | undefined;
  let statements: Node[] | undefined;
  let waits: boolean | undefined;
  const direct = () => (statements ??= statementsOf(body));
  const exitInfo = () => (exits ??= loopExits(node));
  return {
    node,
    form: loopForm(node, rangeOver),
    rangeOver,
    get func() {
      if (func === null) func = funcAt(node);
      return func;
    },
    get waitsOnChannel() {
      return (waits ??= body ? blocksOnChannels(body) : false);
    },
    get firstSelect() {
      return direct().find((s) => s.type === 'select_statement');
    },
    get firstReceive() {
      return direct().find(isReceiveStatement);
    },
    get exits() {
      return exitInfo().exits;
    },
    get trappedBreaks() {
      return exitInfo().trappedBreaks;
    },
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
  const candidates = body.descendantsOfType(['select_statement', 'send_statement', 'unary_expression']);
  return candidates.some(
    (n) => n !== null && (n.type !== 'unary_expression' || receiveOperand(n) !== undefined) && !insideLiteral(n, body),
  );
}

/** Is `node` inside a func literal nested in `within`? Such code runs in another frame. */
function insideLiteral(node: Node, within: Node): boolean {
  for (let p = node.parent; p && p.id !== within.id; p = p.parent) if (p.type === 'func_literal') return true;
  return false;
}

/** A statement whose value comes from a receive: `<-ch`, `v := <-ch`, `v, ok = <-ch`. */
export function isReceiveStatement(statement: Node): boolean {
  if (statement.type === 'expression_statement') return receiveOperand(statement.namedChild(0)) !== undefined;
  if (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement') return false;
  const right = statement.childForFieldName('right');
  return right?.namedChildCount === 1 && receiveOperand(right.namedChild(0)) !== undefined;
}
