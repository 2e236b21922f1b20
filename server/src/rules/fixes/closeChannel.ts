// Quick fixes that close a channel once its last send is done:
//   - `defer close(ch)` at the top of the single goroutine that sends on it;
//   - several goroutines sharing a sync.WaitGroup: `close(ch)` after the `wg.Wait()` that
//     follows them, or else a closer goroutine `go func() { wg.Wait(); close(ch) }()` started
//     right before the range (after the senders are started);
//   - the sends are the making function's own, before the receiver is done: `close(ch)` after
//     the statement holding the last send.
// Every edit inserts whole lines at the indentation of the code around them, so gofmt keeps them.
import type { Node } from 'web-tree-sitter';
import type { ChanMake, ChanOp } from '../../facts/channels';
import type { FileFacts } from '../../facts/fileFacts';
import type { FuncInfo } from '../../facts/functions';
import { startsOf } from '../../facts/goroutines';
import { calleeText, indentOf, namedChildren, statementsOf, walkOwnCode } from '../../facts/syntax';
import type { ChannelFlow } from '../../index/channelFlow';
import { within, type Located, type PackageIndex } from '../../index/packageIndex';
import type { Fix } from '../types';
import { insertAt } from './edits';

interface Receiver {
  op: Located<ChanOp>;
  loop: Node;
}

export function closeFixes(file: FileFacts, pkg: PackageIndex, make: ChanMake, flow: ChannelFlow, hanging: Receiver[]): Fix[] {
  const sends = flow.ops.filter((o) => o.item.kind === 'send');
  if (sends.length === 0 || sends.some((s) => s.file !== file) || !make.func) return [];
  const fix = singleSenderFix(file, pkg, make, sends) ?? waitGroupFix(file, make, sends, hanging) ?? ownFrameFix(file, make, sends, hanging);
  return fix ? [fix] : [];
}

/** `defer close(ch)` first thing in the one goroutine that sends. */
function singleSenderFix(file: FileFacts, pkg: PackageIndex, make: ChanMake, sends: Located<ChanOp>[]): Fix | undefined {
  const sender = sends[0].item.func;
  if (!sender || sends.some((s) => s.item.func !== sender) || sender === make.func) return undefined;
  const start = startOfGoroutine(file, pkg, sender);
  if (!start || !within(file.functionAt(start), make.func!) || inLoopWithout(start, make.node, make.func!)) return undefined;
  const body = sender.body;
  const channel = channelText(sends[0].item);
  if (!body || !channel || body.startPosition.row === body.endPosition.row) return undefined;
  if (receivesIn(sender, sends[0])) return undefined;
  const first = statementsOf(body)[0];
  const indent = first && first.startPosition.row > body.startPosition.row ? indentOf(file.lines, first) : `${indentOf(file.lines, sender.node)}\t`;
  return {
    title: `Close ${channel} when the sending goroutine returns`,
    edits: [insertAt({ line: body.startPosition.row + 1, character: 0 }, `${indent}defer close(${channel})\n`)],
    isPreferred: true,
  };
}

/**
 * The `go` statement (or `g.Go(func…)`) that runs `sender`, when it is the only way the
 * function runs: a literal started where it is written, or a declared function whose one call
 * in the package is a `go` statement.
 */
function startOfGoroutine(file: FileFacts, pkg: PackageIndex, sender: FuncInfo): Node | undefined {
  if (sender.kind === 'literal') {
    const parent = sender.node.parent;
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === sender.node.id) {
      return parent.parent?.type === 'go_statement' ? parent.parent : undefined;
    }
    const call = parent?.type === 'argument_list' ? parent.parent : undefined;
    return call && /\.Go$/.test(calleeText(call) ?? '') && namedChildren(parent!).length === 1 ? call : undefined;
  }
  const starts = startsOf(sender, pkg.goStarts(file));
  if (starts.length !== 1 || starts[0].file !== file || starts[0].item.via !== 'go') return undefined;
  const name = sender.declName!;
  const calls = pkg.visibleFrom(file).reduce((n, f) => n + callsNamed(f, name, sender.kind === 'method'), 0);
  return calls === 1 ? starts[0].item.node : undefined;
}

function callsNamed(file: FileFacts, name: string, method: boolean): number {
  const refs = method ? (file.references.selectors.get(name) ?? []) : (file.references.identifiers.get(name) ?? []);
  return refs.filter((r) => r.parent?.type === 'call_expression' && r.parent.childForFieldName('function')?.id === r.id).length;
}

/** A loop around `node` (up to `func`) that does not also hold the make: several goroutines. */
function inLoopWithout(node: Node, make: Node, func: FuncInfo): boolean {
  for (let p = node.parent; p && p.id !== func.node.id; p = p.parent) {
    if (p.type === 'for_statement' && !(p.startIndex <= make.startIndex && make.endIndex <= p.endIndex)) return true;
  }
  return false;
}

/** The sending goroutine also receives from the channel: closing it there could cut itself off. */
function receivesIn(sender: FuncInfo, send: Located<ChanOp>): boolean {
  const channel = channelText(send.item);
  let found = false;
  if (sender.body) {
    walkOwnCode(sender.body, (n) => {
      if ((n.type === 'unary_expression' && n.child(0)?.type === '<-') || n.type === 'range_clause') {
        const operand = n.type === 'range_clause' ? n.childForFieldName('right') : n.childForFieldName('operand');
        if (operand?.text === channel) found = true;
      }
      return !found;
    });
  }
  return found;
}

/** Several goroutines, each calling `wg.Done()` (or started by `wg.Go`): close after `wg.Wait()`. */
function waitGroupFix(file: FileFacts, make: ChanMake, sends: Located<ChanOp>[], hanging: Receiver[]): Fix | undefined {
  const literals = [...new Set(sends.map((s) => s.item.func))];
  if (literals.some((f) => f?.kind !== 'literal')) return undefined;
  const starts = literals.map((f) => goroutineStart(f!));
  if (starts.some((s) => !s)) return undefined;
  const host = file.functionAt(starts[0]!.node);
  if (!host || starts.some((s) => file.functionAt(s!.node) !== host) || !within(host, make.func!)) return undefined;
  const several = literals.length > 1 || starts.some((s) => inLoopWithout(s!.node, make.node, host));
  if (!several) return undefined;
  const groups = new Set(starts.map((s, i) => s!.group ?? doneGroup(literals[i]!)));
  const wg = groups.size === 1 ? [...groups][0] : undefined;
  if (!wg) return undefined;
  if (!starts.every((s) => s!.group) && !callsOn(host, `${wg}.Add`)) return undefined;
  const lastStart = Math.max(...starts.map((s) => s!.node.endIndex));
  const channel = nameIn(host, make, sends, hanging);
  if (!channel) return undefined;
  const ownRanges = hanging.filter((h) => h.op.item.func === host);
  let wait = waitStatement(host, `${wg}.Wait`, lastStart);
  // A Wait after a range of the same frame is never reached: the closer goroutine is needed.
  if (wait && ownRanges.some((h) => h.loop.startIndex < wait!.startIndex)) wait = undefined;
  if (wait) {
    const indent = indentOf(file.lines, wait);
    return {
      title: `Close ${channel} after ${wg}.Wait()`,
      edits: [insertAt({ line: wait.endPosition.row + 1, character: 0 }, `${indent}close(${channel})\n`)],
      isPreferred: true,
    };
  }
  const range = ownRanges.find((h) => h.loop.startIndex > lastStart && h.op.file === file);
  const statement = range && statementAt(range.loop);
  if (!statement || !startsLine(file, statement)) return undefined;
  // gofmt outdents a label by one level: the closer takes the loop's indentation.
  const indent = indentOf(file.lines, range.loop);
  const lines = ['go func() {', `\t${wg}.Wait()`, `\tclose(${channel})`, '}()'].map((l) => `${indent}${l}\n`).join('');
  return {
    title: `Close ${channel} once the senders are done (${wg}.Wait() in a goroutine)`,
    edits: [insertAt({ line: statement.startPosition.row, character: 0 }, lines)],
    isPreferred: true,
  };
}

interface Start {
  node: Node;
  /** `wg` for `wg.Go(func…)`. */
  group?: string;
}

function goroutineStart(literal: FuncInfo): Start | undefined {
  const parent = literal.node.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === literal.node.id) {
    return parent.parent?.type === 'go_statement' ? { node: parent.parent } : undefined;
  }
  const call = parent?.type === 'argument_list' ? parent.parent : undefined;
  const callee = call ? calleeText(call) : undefined;
  if (!call || !callee?.endsWith('.Go') || namedChildren(parent!).length !== 1) return undefined;
  return { node: call, group: callee.slice(0, -'.Go'.length) };
}

/** The `X` of a `X.Done()` call in the literal's own code (usually `defer wg.Done()`). */
function doneGroup(literal: FuncInfo): string | undefined {
  let group: string | undefined;
  if (literal.body) {
    walkOwnCode(literal.body, (n) => {
      const callee = n.type === 'call_expression' ? calleeText(n) : undefined;
      if (callee?.endsWith('.Done') && namedChildren(n.childForFieldName('arguments')!).length === 0) group ??= callee.slice(0, -'.Done'.length);
      return group === undefined;
    });
  }
  return group;
}

function callsOn(func: FuncInfo, callee: string): boolean {
  let found = false;
  if (func.body) {
    walkOwnCode(func.body, (n) => {
      if (n.type === 'call_expression' && calleeText(n) === callee) found = true;
      return !found;
    });
  }
  return found;
}

/** `wg.Wait()` as a statement of `func`'s own code after `after`. */
function waitStatement(func: FuncInfo, callee: string, after: number): Node | undefined {
  let found: Node | undefined;
  if (func.body) {
    walkOwnCode(func.body, (n) => {
      if (found) return false;
      if (n.type === 'expression_statement' && n.startIndex > after) {
        const call = n.namedChild(0);
        if (call?.type === 'call_expression' && calleeText(call) === callee) found = n;
      }
      return true;
    });
  }
  return found;
}

/**
 * The channel's own frame sends (a buffered channel filled before the range, or a receiver
 * goroutine fed by the maker): `close(ch)` after the statement holding the last send.
 */
function ownFrameFix(file: FileFacts, make: ChanMake, sends: Located<ChanOp>[], hanging: Receiver[]): Fix | undefined {
  const func = make.func!;
  if (sends.some((s) => s.item.func !== func) || !func.body) return undefined;
  const body = func.body;
  const last = sends.reduce((a, b) => (b.item.node.startIndex > a.item.node.startIndex ? b : a));
  const statement = topLevelStatement(body, last.item.node);
  if (!statement || statement.startIndex < make.node.endIndex) return undefined;
  const next = statement.nextNamedSibling;
  if (next && next.startPosition.row === statement.endPosition.row) return undefined;
  // A receiver in the same frame must come after the close; an early return would skip it.
  if (hanging.some((h) => h.op.item.func === func && h.loop.startIndex < statement.endIndex)) return undefined;
  if (returnsBetween(body, make.node.endIndex, statement.endIndex)) return undefined;
  const channel = nameIn(func, make, sends, hanging);
  if (!channel) return undefined;
  const indent = indentOf(file.lines, statement);
  return {
    title: `Close ${channel} after the last send`,
    edits: [insertAt({ line: statement.endPosition.row + 1, character: 0 }, `${indent}close(${channel})\n`)],
    isPreferred: true,
  };
}

/** The statement of the function body's own list that holds `node`. */
function topLevelStatement(body: Node, node: Node): Node | undefined {
  let child: Node | null = node;
  while (child && child.parent && child.parent.parent?.id !== body.id) child = child.parent;
  return child?.parent?.type === 'statement_list' ? child : undefined;
}

function returnsBetween(body: Node, from: number, to: number): boolean {
  let found = false;
  walkOwnCode(body, (n) => {
    if (n.type === 'return_statement' && n.startIndex >= from && n.startIndex < to) found = true;
    return !found;
  });
  return found;
}

/** An expression naming the channel inside `func`: its own receive or send, else the make's name. */
function nameIn(func: FuncInfo, make: ChanMake, sends: Located<ChanOp>[], hanging: Receiver[]): string | undefined {
  const own = hanging.find((h) => h.op.item.func === func)?.op.item ?? sends.find((s) => s.item.func === func)?.item;
  if (own) return channelText(own);
  if (make.func && within(func, make.func) && make.key && !make.key.startsWith('field:')) {
    const list = make.node.parent;
    const holder = list?.type === 'expression_list' ? list.parent : undefined;
    const left = holder?.type === 'var_spec' ? holder.childrenForFieldName('name')[0] : holder?.childForFieldName('left')?.namedChild(0);
    if (left?.type === 'identifier') return left.text;
  }
  // A send in a goroutine of `func` names the channel as `func` sees it, if the name is captured.
  for (const send of sends) {
    const expr = send.item.node.childForFieldName('channel');
    const root = expr?.type === 'selector_expression' ? expr.childForFieldName('operand') : expr;
    if (root?.type !== 'identifier' || !send.item.func || !within(send.item.func, func)) continue;
    const symbol = send.file.scopes.resolve(root);
    if (symbol && (!symbol.func || within(func, symbol.func))) return expr!.text;
  }
  return undefined;
}

function channelText(op: ChanOp): string | undefined {
  if (op.kind === 'send') return op.node.childForFieldName('channel')?.text;
  if (op.kind === 'range') return op.node.childForFieldName('right')?.text;
  if (op.kind === 'recv') return op.node.childForFieldName('operand')?.text;
  return undefined;
}

/** The statement a loop is: the loop itself, or its label on the line above. */
function statementAt(loop: Node): Node | undefined {
  if (loop.parent?.type !== 'labeled_statement') return loop;
  return loop.parent.startPosition.row < loop.startPosition.row ? loop.parent : undefined;
}

function startsLine(file: FileFacts, node: Node): boolean {
  return (file.lines[node.startPosition.row] ?? '').slice(0, node.startPosition.column).trim() === '';
}
