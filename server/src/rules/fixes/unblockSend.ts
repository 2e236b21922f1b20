// Quick fixes for a send that can block forever: give the channel a buffer for every send that
// can run, or make each send a `select` that also gives up when a context is done. Edits keep
// gofmt's layout (cases at the select's indentation, tabs) and never leave code that cannot parse.
import type { Node } from 'web-tree-sitter';
import type { ChanMake } from '../../facts/channels';
import { contextInScope } from '../../facts/context';
import type { FileFacts } from '../../facts/fileFacts';
import type { FuncInfo } from '../../facts/functions';
import { indentOf, namedChildren, statementsOf } from '../../facts/syntax';
import type { TypeDecl } from '../../facts/types';
import type { PackageIndex } from '../../index/packageIndex';
import type { Fix, TextEdit } from '../types';
import { pointOf } from './edits';
import { zeroReturn } from './loopExit';

/** `make(chan T)` becomes `make(chan T, size)`, for each of the channels. */
export function bufferFix(makes: ChanMake[], name: string, size: string | undefined): Fix | undefined {
  if (!size) return undefined;
  const edits: TextEdit[] = [];
  for (const make of makes) {
    const args = make.node.childForFieldName('arguments');
    const chanType = args && namedChildren(args).find((a) => a.type === 'channel_type');
    if (!chanType || args!.descendantsOfType('comment').length > 0) return undefined;
    edits.push({ range: { start: pointOf(make.node), end: pointOf(make.node, true) }, newText: `make(${chanType.text}, ${size})` });
  }
  const one = size === '1';
  return {
    title: one ? `Make ${name} buffered (capacity 1) so the send cannot block` : `Give ${name} a buffer of ${size}, one slot per send`,
    edits,
    isPreferred: one || undefined,
  };
}

/** Where the receiver must cancel the context so that senders waiting on it stop. */
export interface CancelAt {
  /** The statement the `ctx, cancel := context.WithCancel(ctx)` line goes before. */
  before: Node;
  /** The function returning, for the title. */
  ownerName: string;
}

/**
 * Each send `ch <- v` becomes
 *
 *     select {
 *     case ch <- v:
 *     case <-ctx.Done():
 *     }
 *
 * with a `return` in the ctx case when code after the send would otherwise still run (the
 * send is not the goroutine's last word, or sits in a loop). When the receiver gives up for
 * reasons other than ctx ending (a timeout, an early return), `cancel` says where it derives a
 * cancelable ctx that it cancels on return; without it the fix would not stop the sender.
 * Undefined when some send cannot be rewritten.
 */
export function selectFix(file: FileFacts, ctx: string, sends: Node[], funcAt: (n: Node) => FuncInfo | undefined, cancel?: CancelAt): Fix | undefined {
  const edits: TextEdit[] = [];
  if (cancel) {
    const indent = indentOf(file.lines, cancel.before);
    const text = `${indent}${ctx}, cancel := context.WithCancel(${ctx})\n${indent}defer cancel()\n`;
    edits.push({ range: { start: { line: cancel.before.startPosition.row, character: 0 }, end: { line: cancel.before.startPosition.row, character: 0 } }, newText: text });
  }
  for (const send of sends) {
    const func = funcAt(send);
    const ret = needsReturn(send, func) ? zeroReturn(file, func, `${ctx}.Err()`) : undefined;
    const edit = wrapSend(file, send, ctx, ret);
    if (!edit) return undefined;
    edits.push(edit);
  }
  const title = cancel ? `Stop the send when ${ctx} is done, and cancel ${ctx} when ${cancel.ownerName} returns` : `Stop the send when ${ctx} is done`;
  return { title, edits };
}

/** The context visible at every send, when it is the same one. */
export function contextAtSends(file: FileFacts, pkg: PackageIndex, sends: Node[], funcAt: (n: Node) => FuncInfo | undefined): string | undefined {
  const types = packageTypes(file, pkg);
  let found: string | undefined;
  for (const send of sends) {
    const ctx = contextInScope(send, funcAt(send), types);
    if (!ctx || (found !== undefined && ctx !== found)) return undefined;
    found = ctx;
  }
  return found;
}

/** Types of every file the checked file may see: a receiver's ctx field may be declared elsewhere. */
function packageTypes(file: FileFacts, pkg: PackageIndex): Map<string, TypeDecl> {
  const files = pkg.visibleFrom(file);
  if (files.length <= 1) return file.types;
  const merged = new Map<string, TypeDecl>();
  for (const f of files) for (const [k, v] of f.types) if (!merged.has(k)) merged.set(k, v);
  for (const [k, v] of file.types) merged.set(k, v);
  return merged;
}

function selectLines(send: Node, ctx: string, ret: string | undefined): string[] {
  return ['select {', `case ${send.text}:`, `case <-${ctx}.Done():`, ...(ret ? [`\t${ret}`] : []), '}'];
}

function wrapSend(file: FileFacts, send: Node, ctx: string, ret: string | undefined): TextEdit | undefined {
  if (send.parent?.type !== 'statement_list') return undefined;
  const row = send.startPosition.row;
  const line = file.lines[row] ?? '';
  const indent = indentOf(file.lines, send);
  if (line.slice(0, send.startPosition.column).trim() === '') {
    // The send starts its line: the select takes its place, at its indentation.
    const rest = (file.lines[send.endPosition.row] ?? '').slice(send.endPosition.column).trim();
    if (rest !== '' && !rest.startsWith('//')) return undefined;
    const lines = selectLines(send, ctx, ret);
    return { range: { start: pointOf(send), end: pointOf(send, true) }, newText: lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n') };
  }
  // `go func() { ch <- v }()`: open the one-line body up.
  const block = send.parent.parent;
  if (block?.type !== 'block' || block.startPosition.row !== block.endPosition.row || statementsOf(block).length !== 1) return undefined;
  if (block.descendantsOfType('comment').length > 0) return undefined;
  const inner = `${indent}\t`;
  const body = selectLines(send, ctx, ret).map((l) => inner + l);
  return { range: { start: pointOf(block), end: pointOf(block, true) }, newText: ['{', ...body, `${indent}}`].join('\n') };
}

/**
 * After the ctx case the goroutine must stop when more of its code would run: the send is in a
 * loop, or statements other than a `return` follow it on the way to the goroutine's end.
 */
function needsReturn(send: Node, func: FuncInfo | undefined): boolean {
  if (!func?.body) return true;
  let node = send;
  while (node.id !== func.body.id) {
    const list = node.parent;
    if (list?.type === 'statement_list') {
      const siblings = namedChildren(list).filter((s) => s.type !== 'comment');
      const next = siblings[siblings.findIndex((s) => s.id === node.id) + 1];
      if (next) return next.type !== 'return_statement';
    }
    const parent = node.parent;
    if (!parent) return true;
    if (parent.type === 'for_statement') return true;
    node = parent;
  }
  return false;
}
