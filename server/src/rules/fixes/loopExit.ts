// Quick fixes that give an exitless loop a way out: a `case <-ctx.Done(): return …` when a
// context is in scope, otherwise a `done <-chan struct{}` parameter with its case and the call
// sites updated. The case goes where the loop already waits, so it fires while the loop blocks.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../facts/fileFacts';
import type { FuncInfo } from '../../facts/functions';
import type { LoopInfo } from '../../facts/loops';
import { calleeName, indentOf, namedChildren, receiveOperand, statementsOf, walk } from '../../facts/syntax';
import { zeroValue } from '../../facts/types';
import type { Fix, TextEdit } from '../types';
import { hasMultilineRawString, indentBlock, insertAt, pointOf } from './edits';

/** `return` with the zero values of `func`'s results; `error` results get `errorValue`. */
export function zeroReturn(file: FileFacts, func: FuncInfo | undefined, errorValue: string): string {
  const values = (func?.results ?? []).map((t) => zeroValue(t, file.types, errorValue));
  return values.length > 0 ? `return ${values.join(', ')}` : 'return';
}

/** Edits adding `case <-channel: <ret>` to the place where the loop waits. */
export function exitCaseEdits(file: FileFacts, loop: LoopInfo, channel: string, ret: string): TextEdit[] | undefined {
  if (loop.firstSelect) return insertFirstCase(file, loop.firstSelect, channel, ret);
  const receive = loop.firstReceive;
  if (receive?.type === 'expression_statement') return wrapReceive(file, receive, channel, ret);
  if (receive) return wrapReceiveAndRest(file, receive, channel, ret);
  return checkAtLoopTop(file, loop, channel, ret);
}

function caseLines(channel: string, ret: string): string[] {
  return [`case <-${channel}:`, `\t${ret}`];
}

function insertFirstCase(file: FileFacts, select: Node, channel: string, ret: string): TextEdit[] | undefined {
  const existing = caseReceivingFrom(select, channel);
  if (existing) return returnAtEndOfCase(file, select, existing, ret);
  const firstCase = namedChildren(select).find((c) => c.type === 'communication_case' || c.type === 'default_case');
  if (!firstCase || firstCase.startPosition.row === select.startPosition.row) return undefined;
  const indent = indentOf(file.lines, select);
  const text = caseLines(channel, ret).map((l) => `${indent}${l}\n`).join('');
  return [insertAt({ line: firstCase.startPosition.row, character: 0 }, text)];
}

/** A `case <-channel:` the select already has (one that does not leave, or the loop would not be flagged). */
function caseReceivingFrom(select: Node, channel: string): Node | undefined {
  return namedChildren(select).find((c) => {
    const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
    const received = comm?.type === 'receive_statement' ? comm.childForFieldName('right') : comm?.type === 'expression_statement' ? comm.namedChild(0) : null;
    return receiveOperand(received)?.text === channel;
  });
}

/** Adds `return` as the last statement of an existing case. */
function returnAtEndOfCase(file: FileFacts, select: Node, existing: Node, ret: string): TextEdit[] {
  const indent = `${indentOf(file.lines, select)}\t`;
  const body = statementsOf(existing);
  const last = body[body.length - 1];
  const after = last ?? existing.childForFieldName('communication') ?? existing;
  return [insertAt({ line: after.endPosition.row + 1, character: 0 }, `${indent}${ret}\n`)];
}

/** `<-x` becomes a select on `<-x` and the exit channel. */
function wrapReceive(file: FileFacts, statement: Node, channel: string, ret: string): TextEdit[] {
  const indent = indentOf(file.lines, statement);
  const lines = ['select {', ...caseLines(channel, ret), `case ${statement.text}:`, '}'];
  return [{ range: rangeOfNode(statement), newText: lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n') }];
}

/** `v := <-x; rest…` becomes `select { case <-exit: return; case v := <-x: rest… }`. */
function wrapReceiveAndRest(file: FileFacts, receive: Node, channel: string, ret: string): TextEdit[] | undefined {
  const row = receive.startPosition.row;
  if (receive.endPosition.row !== row) return undefined;
  const list = receive.parent!;
  const rest = namedChildren(list).filter((s) => s.startIndex >= receive.endIndex);
  if (rest.some(hasMultilineRawString) || list.hasError || rest[0]?.startPosition.row === row) return undefined;
  const indent = indentOf(file.lines, receive);
  const head = ['select {', ...caseLines(channel, ret), `case ${receive.text}:`].map((l, i) => (i === 0 ? l : indent + l));
  const last = rest.length > 0 ? rest[rest.length - 1] : receive;
  const restText = rest.length > 0 ? file.text.slice(file.lineOffset(row + 1), last.endIndex) : '';
  const body = restText ? [indentBlock(restText)] : [];
  const newText = [...head, ...body, `${indent}}`].join('\n');
  return [{ range: { start: pointOf(receive), end: pointOf(last, true) }, newText }];
}

/** A non-blocking check at the top of the body: the loop stops at its next turn. */
function checkAtLoopTop(file: FileFacts, loop: LoopInfo, channel: string, ret: string): TextEdit[] | undefined {
  const body = loop.node.childForFieldName('body');
  if (!body) return undefined;
  const forIndent = indentOf(file.lines, loop.node);
  const indent = `${forIndent}\t`;
  const lines = ['select {', ...caseLines(channel, ret), 'default:', '}'].map((l) => indent + l);
  if (body.startPosition.row === body.endPosition.row) {
    // `for range t.C {}`: open the body up.
    const at = { line: body.startPosition.row, character: body.startPosition.column + 1 };
    return [insertAt(at, `\n${lines.join('\n')}\n${forIndent}`)];
  }
  // Insert on the line after `{`, so a comment trailing the `for` line stays where it is.
  return [insertAt({ line: body.startPosition.row + 1, character: 0 }, `${lines.join('\n')}\n`)];
}

/**
 * The done-channel fix: a `done <-chan struct{}` first parameter, its case, and call sites.
 * The parameter goes to the function whose callers this file can update: a literal invoked in
 * place (`go func(){…}()`), or else the declared function around it (a literal handed to
 * `wg.Go` or a helper keeps its signature and captures `done`).
 */
export function doneChannelFix(file: FileFacts, loop: LoopInfo): Fix | undefined {
  const host = parameterHost(loop.func);
  if (!host?.paramList || host.params.some((p) => p.name === 'done')) return undefined;
  if (host.params.length > 0 && host.params.some((p) => !p.name)) return undefined; // unnamed params cannot mix with named
  const caseEdits = exitCaseEdits(file, loop, 'done', zeroReturn(file, loop.func, 'nil'));
  const callEdits = callSitesOf(file, host);
  if (!caseEdits || !callEdits) return undefined;
  const param = host.params.length > 0 ? 'done <-chan struct{}, ' : 'done <-chan struct{}';
  const paramEdit = insertAt({ line: host.paramList.startPosition.row, character: host.paramList.startPosition.column + 1 }, param);
  return {
    title: `Add a done channel parameter to ${host.name} and return when it is closed`,
    edits: [paramEdit, ...caseEdits, ...callEdits.map((args) => insertArgument(args, 'done'))],
  };
}

function parameterHost(func: FuncInfo | undefined): FuncInfo | undefined {
  let f = func;
  while (f?.kind === 'literal' && !invocationOf(f)) f = f.parent;
  return f;
}

/** The argument list of `func(){…}(args)` for a literal invoked where it is written. */
function invocationOf(func: FuncInfo): Node | undefined {
  const call = func.node.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== func.node.id) return undefined;
  return call.childForFieldName('arguments') ?? undefined;
}

/** Argument lists of the calls of `func` in this file. */
function callSitesOf(file: FileFacts, func: FuncInfo): Node[] | undefined {
  if (func.kind === 'literal') {
    const args = invocationOf(func);
    return args ? [args] : undefined;
  }
  const calls: Node[] = [];
  walk(file.root, (n) => {
    if (n.type !== 'call_expression' || calleeName(n) !== func.declName) return;
    const fn = n.childForFieldName('function');
    if ((fn?.type === 'selector_expression') !== (func.kind === 'method')) return;
    const args = n.childForFieldName('arguments');
    if (args) calls.push(args);
  });
  return calls;
}

function insertArgument(args: Node, value: string): TextEdit {
  const hasArgs = namedChildren(args).some((a) => a.type !== 'comment');
  return insertAt({ line: args.startPosition.row, character: args.startPosition.column + 1 }, hasArgs ? `${value}, ` : value);
}

function rangeOfNode(node: Node) {
  return { start: pointOf(node), end: pointOf(node, true) };
}
