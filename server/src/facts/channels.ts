// Channel facts of one file: where channels are made (with their buffer), and every place a
// channel is sent on, received from, ranged over, closed, handed to a call, returned, or copied
// into another variable or field. Channels are named by keys that the package index can merge:
//   `<file>#<offset>`  a local or parameter (the declaring identifier's position)
//   `global:<name>`    a package-level variable
//   `field:<T>.<f>`    field f of struct type T, when the syntax shows T (a receiver, `&T{…}`, `var x T`)
//   `result:<f>`       what package function f returns (`for v := range gen()`)
import { checkBudget } from './budget';
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import type { NodesOf } from './nodeIndex';
import type { GoSymbol, Scopes } from './scopes';
import { calleeText, namedChildren, receiveOperand } from './syntax';

const BUILTINS = new Set(['make', 'new', 'len', 'cap', 'append', 'copy', 'close', 'delete', 'panic', 'recover', 'print', 'println', 'min', 'max', 'clear', 'complex', 'real', 'imag']);

export type ChanOpKind = 'send' | 'recv' | 'range' | 'close' | 'arg' | 'return' | 'alias';

export interface ChanOp {
  kind: ChanOpKind;
  key: string;
  node: Node;
  func: FuncInfo | undefined;
  /** A send or receive that is a case of a select. */
  inSelect?: boolean;
  /** For 'arg': the callee as written (`produce`, `w.feed`, `signal.Notify`) and the argument index. */
  callee?: string;
  argIndex?: number;
  /** For 'arg': the call is the operand of a `go` statement. */
  viaGo?: boolean;
  /** For 'alias': the key the channel is copied into. */
  target?: string;
}

export interface ChanMake {
  /** The `make(chan …)` call. */
  node: Node;
  /** What it is assigned to, when that has a key. */
  key: string | undefined;
  elemType: string;
  /** The buffer size when constant (0 = unbuffered); undefined when not a literal. */
  capacity: number | undefined;
  func: FuncInfo | undefined;
  /** `return make(chan T)`: the channel goes to the caller. */
  returned: boolean;
}

export interface ChannelFacts {
  makes: ChanMake[];
  ops: ChanOp[];
  /** The key of an expression, when it names a channel variable or field we can track. */
  keyOf(expr: Node | null | undefined): string | undefined;
}

export function collectChannels(
  path: string,
  nodesOf: NodesOf,
  scopes: Scopes,
  funcAt: (n: Node) => FuncInfo | undefined,
  structTypeOf: (s: GoSymbol) => string | undefined,
): ChannelFacts {
  const keyOf = (expr: Node | null | undefined): string | undefined => channelKey(path, expr, scopes, structTypeOf);
  const makes: ChanMake[] = [];
  const ops: ChanOp[] = [];
  const interesting = ['call_expression', 'send_statement', 'unary_expression', 'range_clause', 'return_statement', 'short_var_declaration', 'assignment_statement', 'var_spec', 'keyed_element'];
  for (const n of nodesOf(interesting)) {
    checkBudget(); // text and parents of deeply nested calls are slow to read (facts/budget.ts)
    const func = funcAt(n);
    switch (n.type) {
      case 'call_expression':
        collectCall(n, func, keyOf, makes, ops);
        break;
      case 'send_statement':
        pushOp(ops, 'send', keyOf(n.childForFieldName('channel')), n, func, { inSelect: n.parent?.type === 'communication_case' });
        break;
      case 'unary_expression': {
        const operand = receiveOperand(n);
        if (operand) pushOp(ops, 'recv', keyOf(operand), n, func, { inSelect: isSelectReceive(n) });
        break;
      }
      case 'range_clause':
        pushOp(ops, 'range', keyOf(n.childForFieldName('right')), n, func);
        break;
      case 'return_statement':
        for (const value of namedChildren(n.namedChild(0) ?? n).filter((c) => c.type !== 'comment')) pushOp(ops, 'return', keyOf(value), value, func);
        break;
      case 'keyed_element':
        collectFieldInit(n, func, keyOf, ops);
        break;
      default:
        collectAssignment(n, func, keyOf, ops);
    }
  }
  for (const m of makes) m.key = assignedKey(m.node, keyOf);
  return { makes, ops, keyOf };
}

function pushOp(ops: ChanOp[], kind: ChanOpKind, key: string | undefined, node: Node, func: FuncInfo | undefined, extra: Partial<ChanOp> = {}): void {
  if (key) ops.push({ kind, key, node, func, ...extra });
}

function isSelectReceive(recv: Node): boolean {
  let p = recv.parent;
  if (p?.type === 'expression_list') p = p.parent;
  if (p?.type === 'receive_statement') p = p.parent;
  return p?.type === 'communication_case';
}

function collectCall(call: Node, func: FuncInfo | undefined, keyOf: (e: Node | null | undefined) => string | undefined, makes: ChanMake[], ops: ChanOp[]): void {
  const callee = calleeText(call);
  const args = namedChildren(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  if (callee === 'make' && args[0]?.type === 'channel_type') {
    makes.push({ node: call, key: undefined, elemType: elemTypeOf(args[0]), capacity: capacityOf(args[1]), func, returned: call.parent?.parent?.type === 'return_statement' });
    return;
  }
  if (callee === 'close') {
    pushOp(ops, 'close', keyOf(args[0]), call, func);
    return;
  }
  const viaGo = call.parent?.type === 'go_statement';
  args.forEach((arg, argIndex) => pushOp(ops, 'arg', keyOf(arg), arg, func, { callee: callee ?? call.childForFieldName('function')?.text, argIndex, viaGo }));
}

function elemTypeOf(chanType: Node): string {
  return chanType.childForFieldName('value')?.text ?? chanType.text.replace(/^(<-)?chan(<-)?\s*/, '');
}

function capacityOf(arg: Node | undefined): number | undefined {
  if (!arg) return 0;
  if (arg.type === 'int_literal') return Number(arg.text.replace(/_/g, ''));
  return undefined;
}

/** `x := make(…)`, `var x = make(…)`, `w.ch = make(…)`, `T{ch: make(…)}`: the key receiving the channel. */
function assignedKey(make: Node, keyOf: (e: Node | null | undefined) => string | undefined): string | undefined {
  const list = make.parent;
  const holder = list?.type === 'expression_list' ? list.parent : list;
  if (!holder || !list) return undefined;
  if (holder.type === 'literal_element' && holder.parent?.type === 'keyed_element') return fieldInitKey(holder.parent);
  if (holder.type === 'short_var_declaration' || holder.type === 'assignment_statement') {
    const index = namedChildren(list).findIndex((c) => c.id === make.id);
    const left = namedChildren(holder.childForFieldName('left') ?? holder);
    return left.length === namedChildren(list).length ? keyOf(left[index]) : undefined;
  }
  if (holder.type === 'var_spec') {
    const index = namedChildren(list).findIndex((c) => c.id === make.id);
    const names = holder.childrenForFieldName('name').filter((x): x is Node => x !== null);
    return keyOf(names[index]);
  }
  return undefined;
}

/** `y := x`, `w.out = x`, `var y = x`: x flows into y. */
function collectAssignment(n: Node, func: FuncInfo | undefined, keyOf: (e: Node | null | undefined) => string | undefined, ops: ChanOp[]): void {
  const right = n.type === 'var_spec' ? n.childForFieldName('value') : n.childForFieldName('right');
  const left = n.type === 'var_spec' ? n.childrenForFieldName('name').filter((x): x is Node => x !== null) : namedChildren(n.childForFieldName('left') ?? n);
  const values = right ? namedChildren(right) : [];
  if (values.length !== left.length) return;
  values.forEach((value, i) => {
    const from = keyOf(value);
    const to = keyOf(left[i]);
    if (from && to && from !== to) ops.push({ kind: 'alias', key: from, target: to, node: n, func });
  });
}

/** `T{out: ch}`: ch flows into field T.out. */
function collectFieldInit(n: Node, func: FuncInfo | undefined, keyOf: (e: Node | null | undefined) => string | undefined, ops: ChanOp[]): void {
  const from = keyOf(n.childForFieldName('value')?.namedChild(0));
  const to = fieldInitKey(n);
  if (from && to) ops.push({ kind: 'alias', key: from, target: to, node: n, func });
}

/** The field a keyed element of a composite literal `T{f: v}` initialises, as `field:T.f`. */
function fieldInitKey(keyed: Node): string | undefined {
  const fieldName = keyed.childForFieldName('key')?.namedChild(0);
  const literal = keyed.parent?.parent;
  const type = literal?.type === 'composite_literal' ? literal.childForFieldName('type')?.text : undefined;
  if (fieldName?.type !== 'identifier' || !type || !/^\w+$/.test(type)) return undefined;
  return `field:${type}.${fieldName.text}`;
}

function channelKey(path: string, expr: Node | null | undefined, scopes: Scopes, structTypeOf: (s: GoSymbol) => string | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.type === 'parenthesized_expression') return channelKey(path, expr.namedChild(0), scopes, structTypeOf);
  if (expr.type === 'identifier') {
    const s = scopes.resolve(expr);
    if (!s) return undefined;
    return s.kind === 'global' ? `global:${s.name}` : `${path}#${s.id}`;
  }
  if (expr.type === 'call_expression') {
    // The channel a package function returns: `gen(3)` is `result:gen`.
    const fn = expr.childForFieldName('function');
    return fn?.type === 'identifier' && !BUILTINS.has(fn.text) && !scopes.resolve(fn) ? `result:${fn.text}` : undefined;
  }
  if (expr.type === 'selector_expression') {
    const operand = expr.childForFieldName('operand');
    const field = expr.childForFieldName('field')?.text;
    if (operand?.type !== 'identifier' || !field) return undefined;
    const s = scopes.resolve(operand);
    const type = s && structTypeOf(s);
    return type ? `field:${type}.${field}` : undefined;
  }
  return undefined;
}
