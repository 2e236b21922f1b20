// unclosed-channel: a channel that a receiver ranges over (or receives from in a loop that ends
// only when the channel is closed) and that nothing can close. Once its senders are done, the
// receiver waits forever. Also the generator that returns a receive-only channel fed by a finite
// loop and never closes it: every caller that ranges over the result hangs.
import type { Node } from 'web-tree-sitter';
import type { ChanMake, ChanOp } from '../facts/channels';
import type { FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { LoopInfo } from '../facts/loops';
import { basename } from 'node:path';
import { calleeText, namedChildren, rangeOf } from '../facts/syntax';
import { channelFlow, isExported, returnValues, type ChannelFlow } from '../index/channelFlow';
import type { Located, PackageIndex } from '../index/packageIndex';
import { ignoreCommentFix } from './fixes/edits';
import { closeFixes } from './fixes/closeChannel';
import type { Finding, RelatedInfo, Rule } from './types';

const ID = 'unclosed-channel';
const MAKES_CHANNEL = /\bmake\(\s*(?:<-\s*)?chan\b/;

export const unclosedChannel: Rule = {
  id: ID,
  title: 'A channel ranged over (or received from until closed) that nothing closes: the receiver waits forever',
  docs:
    'A `for v := range ch` loop, or a `v, ok := <-ch; if !ok { return }` loop, ends only when `ch` is closed. When no code ' +
    'in the package closes the channel (not the function, not a goroutine it starts, not a function it is passed to, not ' +
    'another method closing the same field) the receiver blocks forever once the senders are done: a goroutine leak, or a ' +
    'function that never returns. Also reported: a function returning a receive-only channel fed by a finite loop that is ' +
    'never closed, so callers ranging over the result hang. Close the channel where the last send is done: ' +
    '`defer close(ch)` in the single sending goroutine, or `wg.Wait(); close(ch)` after several senders.',
  example: {
    bad: `func Crawl(urls []string) (pages []Page) {
	results := make(chan Page)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() { defer wg.Done(); results <- fetch(u) }()
	}
	for p := range results { // never ends: nothing closes results
		pages = append(pages, p)
	}
	return pages
}`,
    good: `func Crawl(urls []string) (pages []Page) {
	results := make(chan Page)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() { defer wg.Done(); results <- fetch(u) }()
	}
	go func() { wg.Wait(); close(results) }()
	for p := range results {
		pages = append(pages, p)
	}
	return pages
}`,
  },
  defaultSeverity: 'warning',
  check(file, pkg) {
    // Most files make no channel: a text search spares them the channel facts.
    if (!MAKES_CHANNEL.test(file.text)) return [];
    const makes = file.channels.makes;
    if (makes.length === 0) return [];
    return makes.map((make) => findingFor(file, pkg, make)).filter((f): f is Finding => f !== undefined);
  },
};

/** A loop over the channel that ends only when the channel is closed. */
export interface HangingReceiver {
  op: Located<ChanOp>;
  loop: Node;
  /** `range` over the channel, or a receive with an ok check. */
  form: 'range' | 'ok-loop';
}

function findingFor(file: FileFacts, pkg: PackageIndex, make: ChanMake): Finding | undefined {
  if (!make.key) return undefined;
  const flow = channelFlow(pkg, file, make.key);
  if (flow.closed || flow.escape || flow.global) return undefined;
  // Returned where callers we cannot see may close it (a bidirectional `chan T`): theirs to close.
  if (!flow.returnedOutside.every(returnedReceiveOnly)) return undefined;
  const senders = flow.ops.filter((o) => o.item.kind === 'send');
  // Nobody we can see sends: it is fed by code out of sight. Senders that loop forever are
  // for-select-no-done's business: the range waiting forever is then by design.
  if (!senders.some((s) => canFinish(s.file, s.item))) return undefined;
  const hanging = flow.ops.map(hangingReceiver).filter((h): h is HangingReceiver => h !== undefined);
  if (hanging.length > 0) {
    if (processLifetime(file, make) && !hanging.some((h) => h.op.item.func === make.func)) return undefined;
    return report(file, pkg, make, flow, hanging, senders, receiverMessage(file, make, hanging[0]));
  }
  const generator = generatorReturn(pkg, make, flow, senders);
  if (!generator) return undefined;
  const name = channelName(make);
  const message = `channel ${name} is returned receive-only but never closed: a caller ranging over it hangs once the sender's loop ends`;
  const finding = report(file, pkg, make, flow, [], senders, message);
  if (generator.file === file) finding.related!.unshift({ range: rangeOf(generator.item.node), message: 'returned to the caller here' });
  return finding;
}

function report(
  file: FileFacts,
  pkg: PackageIndex,
  make: ChanMake,
  flow: ChannelFlow,
  hanging: HangingReceiver[],
  senders: Located<ChanOp>[],
  message: string,
): Finding {
  const related: RelatedInfo[] = [];
  // Related locations name lines of this file only.
  for (const h of hanging.filter((x) => x.op.file === file).slice(0, 3)) {
    const what = h.form === 'range' ? 'ranged over here' : 'received from here';
    related.push({ range: rangeOf(h.op.item.node), message: `${what}: the loop ends only when the channel is closed` });
  }
  for (const s of senders.filter((x) => x.file === file).slice(0, 2)) {
    related.push({ range: rangeOf(s.item.node), message: 'sent on here; no close follows the last send' });
  }
  const fixes = closeFixes(file, pkg, make, flow, hanging);
  fixes.push(ignoreCommentFix(ID, make.node, file.lines));
  return { rule: ID, severity: isTestCode(file, make.func) ? 'information' : 'warning', range: rangeOf(make.node), message, fixes, related };
}

function receiverMessage(file: FileFacts, make: ChanMake, h: HangingReceiver): string {
  const name = channelName(make);
  const func = h.op.item.func?.name ?? 'package scope';
  const where = h.op.file === file ? func : `${func} (${basename(h.op.file.path)})`;
  if (h.form === 'range') return `channel ${name} is ranged over but never closed: the range in ${where} never ends`;
  return `channel ${name} is never closed: the loop in ${where} waits for it to be closed and never ends`;
}

/** The channel as its make names it: `ch`, `w.out`, or `Pool.jobs` for a field in a literal. */
export function channelName(make: ChanMake): string {
  const list = make.node.parent;
  const holder = list?.type === 'expression_list' ? list.parent : list;
  if (holder?.type === 'literal_element' && holder.parent?.type === 'keyed_element') {
    const field = holder.parent.childForFieldName('key')?.text;
    const type = holder.parent.parent?.parent?.childForFieldName('type')?.text;
    return type ? `${type}.${field}` : (field ?? 'channel');
  }
  if (list?.type === 'expression_list' && holder) {
    const index = namedChildren(list).findIndex((c) => c.id === make.node.id);
    const left = holder.type === 'var_spec' ? holder.childrenForFieldName('name').filter((x): x is Node => x !== null) : namedChildren(holder.childForFieldName('left') ?? holder);
    const target = left[index];
    if (target) return target.text;
  }
  return 'channel';
}

/** A `return ch` whose result type is `<-chan T`: only the package can close what it returns. */
function returnedReceiveOnly(ret: Located<ChanOp>): boolean {
  const op = ret.item;
  const values = returnValues(op);
  const results = op.func?.results ?? [];
  if (results.length !== values.length) return false;
  const type = results[values.findIndex((v) => v.id === op.node.id)] ?? '';
  return /^<-\s*chan\b/.test(type.trim());
}

/** A range over the channel, or an ok-checked receive, in a loop nothing else can end. */
export function hangingReceiver(op: Located<ChanOp>): HangingReceiver | undefined {
  const { file, item } = op;
  if (item.kind === 'range') {
    const loop = item.node.parent;
    if (loop?.type !== 'for_statement') return undefined;
    const info = loopOf(file, loop);
    if (!info || info.form !== 'range' || info.exits.length > 0) return undefined;
    return { op, loop, form: 'range' };
  }
  if (item.kind !== 'recv') return undefined;
  const ok = okVariable(item.node);
  if (!ok) return undefined;
  const loop = enclosingLoop(item.node);
  const info = loop && loopOf(file, loop);
  if (!loop || !info || info.form !== 'infinite' || info.exits.length === 0) return undefined;
  if (!info.exits.every((e) => guardedByNotOk(e.node, ok, loop))) return undefined;
  return { op, loop, form: 'ok-loop' };
}

/** `v, ok := <-ch` (or `=`, or a select case): the name of ok. */
function okVariable(recv: Node): string | undefined {
  let holder = recv.parent;
  if (holder?.type === 'expression_list') {
    if (namedChildren(holder).length !== 1) return undefined;
    holder = holder.parent;
  }
  if (holder?.type !== 'receive_statement' && holder?.type !== 'short_var_declaration' && holder?.type !== 'assignment_statement') return undefined;
  const left = holder.childForFieldName('left');
  const names = left ? namedChildren(left) : [];
  if (names.length !== 2 || names[1].type !== 'identifier' || names[1].text === '_') return undefined;
  return names[1].text;
}

/** Inside `if !ok { … }` (or `if ok == false`), below `loop`. */
function guardedByNotOk(exit: Node, ok: string, loop: Node): boolean {
  let child = exit;
  for (let p = exit.parent; p && p.id !== loop.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement' || p.childForFieldName('consequence')?.id !== child.id) continue;
    const cond = p.childForFieldName('condition')?.text.replace(/\s+/g, '');
    if (cond === `!${ok}` || cond === `${ok}==false` || cond === `false==${ok}`) return true;
  }
  return false;
}

/** The nearest loop around a node in the same function. */
function enclosingLoop(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'for_statement') return p;
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return undefined;
  }
  return undefined;
}

const loopIndexes = new WeakMap<FileFacts, Map<number, LoopInfo>>();

function loopOf(file: FileFacts, node: Node): LoopInfo | undefined {
  let index = loopIndexes.get(file);
  if (!index) {
    index = new Map(file.loops.map((l) => [l.node.id, l]));
    loopIndexes.set(file, index);
  }
  return index.get(node.id);
}

/** A send that can be the last: not trapped in a loop that never ends. */
function canFinish(file: FileFacts, send: ChanOp): boolean {
  for (let p = send.node.parent; p; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return true;
    if (p.type !== 'for_statement') continue;
    const info = loopOf(file, p);
    if (info && (info.form === 'infinite' || info.form === 'ticker-range') && info.exits.length === 0) return false;
  }
  return true;
}

/**
 * The generator: an exported function makes the channel, returns it receive-only, and a loop
 * that ends (a range, a condition, a `for {}` left by a break or return outside a select case)
 * sends on it. Unexported generators are judged by their callers' ranges, which are in view.
 */
function generatorReturn(pkg: PackageIndex, make: ChanMake, flow: ChannelFlow, senders: Located<ChanOp>[]): Located<ChanOp> | undefined {
  const func = make.func;
  if (!func || func.kind === 'literal' || !func.declName || !isExported(func.declName)) return undefined;
  const ret = flow.returnedOutside.find((r) => r.item.func === func);
  if (!ret || !senders.some((s) => inFiniteLoop(s.file, s.item))) return undefined;
  // `return events, errs` with errs closed at the end: the caller learns the end from errs.
  const others = returnValues(ret.item).filter((v) => v.id !== ret.item.node.id);
  const companion = others.some((v) => {
    const key = ret.file.channels.keyOf(v);
    return key !== undefined && channelFlow(pkg, ret.file, key).closed;
  });
  return companion ? undefined : ret;
}

function inFiniteLoop(file: FileFacts, send: ChanOp): boolean {
  const loop = enclosingLoop(send.node);
  const info = loop && loopOf(file, loop);
  if (!info) return false;
  if (info.form === 'range' || info.form === 'conditional') return true;
  if (info.form !== 'infinite') return false;
  return info.exits.some((e) => !insideCommunicationCase(e.node, loop!));
}

function insideCommunicationCase(node: Node, stop: Node): boolean {
  for (let p = node.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'communication_case') return true;
  return false;
}

/** A channel made by main() of package main, an init(), or a sync.Once: it lives with the process. */
function processLifetime(file: FileFacts, make: ChanMake): boolean {
  for (let p = make.node.parent; p; p = p.parent) {
    if (p.type === 'call_expression' && /\.Do$/.test(calleeText(p) ?? '')) return true;
  }
  const top = outermost(make.func);
  if (top?.kind !== 'function') return false;
  return top.declName === 'init' || (top.declName === 'main' && file.packageName === 'main');
}

function outermost(func: FuncInfo | undefined): FuncInfo | undefined {
  let top = func;
  while (top?.parent) top = top.parent;
  return top;
}

/** Tests, benchmarks and examples: a stuck receiver there hurts less. */
function isTestCode(file: FileFacts, func: FuncInfo | undefined): boolean {
  return file.isTestFile || /^(Test|Benchmark|Example|Fuzz)/.test(outermost(func)?.declName ?? '');
}
