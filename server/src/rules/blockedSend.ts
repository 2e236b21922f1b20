// blocked-send: a goroutine sends on a channel its starter made, and the starter (the only
// receiver) can stop listening first: it selects on ctx.Done()/time.After/a done channel, or
// returns early on some path before receiving. The send then blocks forever: the forgotten-sender
// leak. The paths are counted by facts/sendPaths.ts; this file decides which channels it can
// follow (made here, used only by the starter and its goroutines) and words the finding.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { GoStart } from '../facts/goroutines';
import type { GoSymbol } from '../facts/scopes';
import { MANY, walkPaths, type CallEffect, type Outcome, type PathEvent, type PathQuestions } from '../facts/sendPaths';
import { calleeName, calleeReceiver, calleeText, FUNCTION_TYPES, firstChildOfType, namedChildren, rangeOf, receiveOperand, statementsOf, walkOwnCode } from '../facts/syntax';
import { isTerminatingCall } from '../facts/exits';
import type { ChanMake } from '../facts/channels';
import type { PackageIndex } from '../index/packageIndex';
import { bufferFix, contextAtSends, selectFix, type CancelAt } from './fixes/unblockSend';
import { ignoreCommentFix } from './fixes/edits';
import type { Finding, Fix, RelatedInfo, Rule } from './types';

const ID = 'blocked-send';

export const blockedSend: Rule = {
  id: ID,
  title: 'A goroutine sends on a channel whose only receiver can stop listening first: the sender blocks forever',
  docs:
    'A goroutine sends on an unbuffered (or too small) channel, and the function that started it, the only receiver, ' +
    'can stop listening first: it selects on `ctx.Done()`, `time.After` or a done channel, or returns on some path ' +
    'before receiving. The send then blocks forever and the goroutine leaks (the forgotten sender). Give the channel ' +
    'a buffer for every send that can run (`make(chan T, 1)` for one), or make the send a `select` with a ' +
    '`case <-ctx.Done():`. Silent when the sender selects, when the receiver drains the channel on its way out, ' +
    'and when the channel leaves the function (returned, stored, handed to a call).',
  example: {
    bad: `func Fetch(ctx context.Context, url string) (*Page, error) {
	ch := make(chan result)
	go func() {
		p, err := get(url)
		ch <- result{p, err} // blocks forever once Fetch has returned
	}()
	select {
	case r := <-ch:
		return r.page, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}`,
    good: `func Fetch(ctx context.Context, url string) (*Page, error) {
	ch := make(chan result, 1) // room for the one send
	go func() {
		p, err := get(url)
		ch <- result{p, err}
	}()
	select {
	case r := <-ch:
		return r.page, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}`,
  },
  defaultSeverity: 'warning',
  check(file, pkg) {
    if (file.goStarts.length === 0) return [];
    const candidates = file.channels.makes.filter((m) => m.capacity !== undefined && m.func && m.key?.startsWith(`${file.path}#`));
    if (candidates.length === 0) return [];
    const ctx = new FileContext(file, pkg);
    const channels = candidates.map((m) => channelOf(ctx, m)).filter((c): c is Channel => c !== undefined);
    return families(channels)
      .map((ch) => findingFor(ctx, ch))
      .filter((f): f is Finding => f !== undefined);
  },
};

/** Per-file lookups shared by the channels of one check. */
class FileContext {
  readonly funcs = new Map<number, FuncInfo>();
  readonly starts = new Map<number, GoStart>();

  constructor(
    readonly file: FileFacts,
    readonly pkg: PackageIndex,
  ) {
    for (const f of file.functions) this.funcs.set(f.node.id, f);
    for (const s of file.goStarts) if (s.literal) this.starts.set(s.literal.id, s);
  }

  /** The node where a func literal is started as a goroutine, when it is. */
  startOf(literal: FuncInfo): Node | undefined {
    if (literal.kind !== 'literal') return undefined;
    const start = this.starts.get(literal.node.id);
    if (start) return start.node;
    return this.startedByPackageHelper(literal.node);
  }

  /** `spawn(func(){…})` where the package's `spawn` does `go f()` on that parameter (any file). */
  private startedByPackageHelper(literal: Node): Node | undefined {
    const args = literal.parent;
    const call = args?.parent;
    if (args?.type !== 'argument_list' || call?.type !== 'call_expression') return undefined;
    const index = namedChildren(args).filter((a) => a.type !== 'comment').findIndex((a) => a.id === literal.id);
    for (const callee of this.pkg.callees(this.file, calleeText(call))) {
      const param = callee.item.params[index]?.name;
      if (!param) continue;
      const starts = callee.file.goStarts.filter(
        (s) => s.via === 'go' && s.calleeName === param && !s.viaSelector && callee.file.functionAt(s.node)?.node.id === callee.item.node.id,
      );
      if (starts.length > 0) return call;
    }
    return undefined;
  }

  isTestCode(func: FuncInfo): boolean {
    let top = func;
    while (top.parent) top = top.parent;
    return this.file.isTestFile || /^(Test|Benchmark|Example|Fuzz)/.test(top.declName ?? '');
  }
}

/** A channel made here (`ch := make(chan T)`). */
interface Member {
  make: ChanMake;
  name: string;
  symbol: GoSymbol;
}

/**
 * A channel made here, everything it is used for, and who sends on it. Channels that the same
 * goroutines send on (`resc` on success, `errc` on failure) are one family: a receive from any
 * of them takes one goroutine's value, so they are counted together.
 */
interface Channel {
  members: Member[];
  /** How the finding names it: the reported send's channel as written. */
  name: string;
  capacity: number;
  /** The function that makes it and receives from it. */
  owner: FuncInfo;
  /** The statements after the make, in its block: the channel's life. */
  region: Node[];
  receives: Node[];
  /** `for v := range ch` clauses. */
  ranges: Node[];
  /** Send statements, in goroutines started by the owner (directly or through each other). */
  sends: Node[];
  /** `close(ch)` calls in sending goroutines. */
  closes: Node[];
  /** Goroutine literals that send, by node id, with the node that starts each. */
  senders: Map<number, { func: FuncInfo; start: Node }>;
  /** Names of `ok` in `v, ok := <-ch`. */
  okNames: Set<string>;
  /** Which channel of the family each send (by node id) is on. */
  memberOf: Map<number, Member>;
}

function findingFor(ctx: FileContext, family: Channel): Finding | undefined {
  const ch = blockingPart(ctx, family);
  if (!ch) return undefined;
  const plainSends = ch.sends.filter((s) => s.parent?.type !== 'communication_case');
  if (plainSends.length === 0) return undefined; // the sender selects
  const sendsPer = sendsPerGoroutine(ctx, ch);
  if (!sendsPer) return undefined;
  // Goroutines that only close the channel (`wg.Wait(); close(ch)`) are not senders.
  for (const [id] of ch.senders) if (sendsPer.get(id) === 0) ch.senders.delete(id);
  if (roomForEverySend(ctx, ch, sendsPer)) return undefined;
  const outcomes = walkPaths(ch.region, ownerQuestions(ctx, ch, sendsPer));
  if (!outcomes) return undefined;
  const leaks = outcomes.filter((o) => leaksOn(o, ch) && !endsProcess(ctx, ch, o));
  if (leaks.length === 0) return undefined;
  const real = leaks.filter((o) => !testFailure(o));
  const shown = real[0] ?? leaks[0];
  const inTest = ctx.isTestCode(ch.owner);
  // Report a send on the smallest buffer of the family: that is the one that blocks first.
  const capacityOf = (send: Node) => ch.memberOf.get(send.id)?.make.capacity ?? ch.capacity;
  const send = plainSends.find((s) => capacityOf(s) === ch.capacity) ?? plainSends[0];
  ch.name = send.childForFieldName('channel')?.text ?? ch.name;
  return {
    rule: ID,
    severity: real.length === 0 ? 'hint' : inTest ? 'information' : 'warning',
    range: rangeOf(send),
    message: messageFor(ch, send, shown, real.length === 0, sendsPer),
    fixes: fixesFor(ctx, ch, plainSends, sendsPer, leaks, send),
    related: relatedFor(ch, real.length > 0 ? real : leaks),
  };
}

/**
 * The channels of a family whose sends can block, counted together. A channel whose buffer
 * holds all its own sends never blocks: its sends are left out, but receiving from it still
 * takes the place of a value (`errc` on failure, `imgc` on success: either one arrives). The
 * family's buffer is the smallest one left. Undefined when no channel can block.
 */
function blockingPart(ctx: FileContext, family: Channel): Channel | undefined {
  if (family.members.length === 1) return family;
  const fits = new Set(family.members.filter((m) => roomForEverySend(ctx, memberView(family, m))));
  const blocking = family.members.filter((m) => !fits.has(m));
  if (blocking.length === 0) return undefined;
  if (fits.size === 0) return family;
  return {
    ...family,
    senders: new Map(family.senders),
    members: blocking,
    capacity: Math.min(...blocking.map((m) => m.make.capacity!)),
    sends: family.sends.filter((s) => !fits.has(family.memberOf.get(s.id)!)),
  };
}

/**
 * The buffer holds every send that can run: no goroutine is started in a loop, and the sends
 * on any one path fit (a send in a loop counts once when the buffer has room for one, rules.md).
 */
function roomForEverySend(ctx: FileContext, ch: Channel, known?: Map<number, number>): boolean {
  if (goInLoop(ch)) return false;
  const sendsPer = known ?? sendsPerGoroutine(ctx, ch);
  if (!sendsPer) return false;
  const direct = [...ch.senders.values()].filter((s) => s.func.parent?.node.id === ch.owner.node.id);
  const total = direct.reduce((n, s) => n + (sendsPer.get(s.func.node.id) ?? 0), 0);
  if (total <= ch.capacity) return true;
  if (ch.capacity < 1) return false;
  const sites = sendsPerGoroutine(ctx, ch, true);
  return sites !== undefined && direct.reduce((n, s) => n + (sites.get(s.func.node.id) ?? 0), 0) <= ch.capacity;
}

/** One channel of a family, with its own sends and buffer. */
function memberView(ch: Channel, m: Member): Channel {
  return { ...ch, members: [m], capacity: m.make.capacity!, sends: ch.sends.filter((s) => ch.memberOf.get(s.id) === m) };
}

// ---------------------------------------------------------------------------------------------
// Which channels we can follow.

function channelOf(ctx: FileContext, make: ChanMake): Channel | undefined {
  const owner = make.func!;
  const target = declaredBy(make.node);
  if (!target) return undefined;
  const symbol = ctx.file.scopes.resolve(target.ident);
  if (!symbol || symbol.declNode.id !== target.ident.id) return undefined;
  const list = target.statement.parent;
  if (list?.type !== 'statement_list') return undefined;
  const region = namedChildren(list).filter((s) => s.startIndex >= target.statement.endIndex && s.type !== 'comment');
  const ch: Channel = {
    members: [{ make, name: symbol.name, symbol }],
    name: symbol.name,
    capacity: make.capacity!,
    owner,
    region,
    receives: [],
    ranges: [],
    sends: [],
    closes: [],
    senders: new Map(),
    okNames: new Set(),
    memberOf: new Map(),
  };
  if (!collectUses(ctx, ch, symbol, owner.node, undefined)) return undefined;
  for (const send of ch.sends) ch.memberOf.set(send.id, ch.members[0]);
  return ch;
}

/**
 * Joins channels of one function and one block that share a sending goroutine. The family's
 * buffer is the smallest: a path that sends on it is the one that can block.
 */
function families(channels: Channel[]): Channel[] {
  const out: Channel[] = [];
  for (const ch of channels) {
    const kin = ch.sends.length === 0 ? undefined : out.find(
      (f) =>
        f.owner.node.id === ch.owner.node.id &&
        f.region[0]?.parent?.id === ch.region[0]?.parent?.id &&
        f.sends.length > 0 &&
        [...ch.senders.keys()].some((id) => f.senders.has(id)),
    );
    if (!kin) {
      out.push(ch);
      continue;
    }
    if (ch.region.length > kin.region.length) kin.region = ch.region; // from the first make on
    kin.capacity = Math.min(kin.capacity, ch.capacity); // a send on the smallest buffer blocks first
    kin.members.push(...ch.members);
    kin.receives.push(...ch.receives);
    kin.ranges.push(...ch.ranges);
    kin.sends.push(...ch.sends);
    kin.closes.push(...ch.closes);
    for (const [id, s] of ch.senders) kin.senders.set(id, s);
    for (const ok of ch.okNames) kin.okNames.add(ok);
    for (const [id, m] of ch.memberOf) kin.memberOf.set(id, m);
  }
  for (const f of out) {
    f.receives.sort((a, b) => a.startIndex - b.startIndex);
    f.sends.sort((a, b) => a.startIndex - b.startIndex);
  }
  return out;
}

/** `ch := make(…)` / `var ch = make(…)`: the identifier and the statement that declares it. */
function declaredBy(make: Node): { ident: Node; statement: Node } | undefined {
  const list = make.parent;
  const holder = list?.parent;
  if (list?.type !== 'expression_list' || !holder) return undefined;
  const values = namedChildren(list);
  const index = values.findIndex((v) => v.id === make.id);
  if (holder.type === 'short_var_declaration') {
    // `ch := make(…)`, `in, out := make(…), make(…)`
    const left = namedChildren(holder.childForFieldName('left')!);
    const ident = left.length === values.length ? left[index] : undefined;
    return ident?.type === 'identifier' ? { ident, statement: holder } : undefined;
  }
  if (holder.type === 'var_spec') {
    // `var ch = make(…)`, `var ( stop = make(…); syn = make(…) )`
    const statement = holder.parent?.type === 'var_spec_list' ? holder.parent.parent : holder.parent;
    const names = holder.childrenForFieldName('name').filter((n): n is Node => n !== null);
    const ident = names.length === values.length ? names[index] : undefined;
    return ident && statement?.type === 'var_declaration' ? { ident, statement } : undefined;
  }
  return undefined;
}

/**
 * Classifies every use of `symbol` inside `scope`. The channel stays ours only when the owner
 * receives from it in its own code and goroutines it starts send on it (or close it); anything
 * else (returned, stored, compared, handed to a call, used by a callback) means other code may
 * receive, and we stay silent. `alias` is set when `symbol` is a parameter of a sender literal.
 */
function collectUses(ctx: FileContext, ch: Channel, symbol: GoSymbol, scope: Node, alias: FuncInfo | undefined): boolean {
  for (const ref of scope.descendantsOfType('identifier')) {
    if (!ref || ref.text !== symbol.name || ref.id === symbol.declNode.id) continue;
    if (ctx.file.scopes.resolve(ref)?.id !== symbol.id) continue;
    const parent = ref.parent;
    const func = ctx.file.functionAt(ref);
    if (!parent || !func) return false;
    if (parent.type === 'send_statement' && parent.childForFieldName('channel')?.id === ref.id) {
      if (!senderChain(ctx, ch, func)) return false;
      ch.sends.push(parent);
    } else if (receiveOperand(parent)?.id === ref.id) {
      if (alias || func.node.id !== ch.owner.node.id) return false;
      ch.receives.push(parent);
      const ok = okNameOf(parent);
      if (ok) ch.okNames.add(ok);
    } else if (parent.type === 'range_clause' && parent.childForFieldName('right')?.id === ref.id) {
      if (alias || func.node.id !== ch.owner.node.id) return false;
      ch.ranges.push(parent);
    } else if (parent.type === 'argument_list') {
      if (!argumentUse(ctx, ch, parent, ref, func)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function argumentUse(ctx: FileContext, ch: Channel, args: Node, ref: Node, func: FuncInfo): boolean {
  const call = args.parent!;
  const callee = calleeText(call);
  if (callee === 'len' || callee === 'cap') return true;
  if (callee === 'close') {
    if (!senderChain(ctx, ch, func)) return false;
    ch.closes.push(call);
    return true;
  }
  // `go func(out chan<- T) { out <- v }(ch)`: the parameter is the channel.
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'func_literal' || call.parent?.type !== 'go_statement') return false;
  const literal = ctx.funcs.get(fn.id);
  const index = namedChildren(args).filter((a) => a.type !== 'comment').findIndex((a) => a.id === ref.id);
  const param = literal && ctx.file.scopes.paramsOf(literal).find((p) => p.paramIndex === index);
  if (!literal || !param || !senderChain(ctx, ch, literal)) return false;
  return collectUses(ctx, ch, param, literal.node, literal);
}

/**
 * Is `func` a goroutine started by the owner, directly or through goroutines it starts? Records
 * each link.
 */
function senderChain(ctx: FileContext, ch: Channel, func: FuncInfo): boolean {
  const chain: { func: FuncInfo; start: Node }[] = [];
  for (let f: FuncInfo | undefined = func; f && f.node.id !== ch.owner.node.id; f = f.parent) {
    const start = ctx.startOf(f);
    if (!start) return false;
    chain.push({ func: f, start });
    if (!f.parent) return false;
  }
  if (chain.length === 0) return false; // the owner sends itself
  for (const link of chain) ch.senders.set(link.func.node.id, link);
  return true;
}

/** `v, ok := <-ch` (or `case v, ok := <-ch:`): the name of `ok`. */
function okNameOf(receive: Node): string | undefined {
  const list = receive.parent;
  const holder = list?.type === 'expression_list' ? list.parent : list;
  if (!holder || !['short_var_declaration', 'assignment_statement', 'receive_statement'].includes(holder.type)) return undefined;
  const left = holder.childForFieldName('left');
  const names = left ? namedChildren(left) : [];
  return names.length === 2 && names[1].type === 'identifier' && names[1].text !== '_' ? names[1].text : undefined;
}

// ---------------------------------------------------------------------------------------------
// Counting sends and receives.

/** The most values each sending goroutine can send (MANY for a send in a loop). */
function sendsPerGoroutine(ctx: FileContext, ch: Channel, onePass = false): Map<number, number> | undefined {
  const result = new Map<number, number>();
  const visit = (literal: FuncInfo): number | undefined => {
    const known = result.get(literal.node.id);
    if (known !== undefined) return known;
    const events: PathEvent[] = ch.sends.filter((s) => ctx.file.functionAt(s)?.node.id === literal.node.id).map((node) => ({ node, sent: 1, recv: 0 }));
    for (const sender of ch.senders.values()) {
      if (sender.func.parent?.node.id !== literal.node.id) continue;
      const n = visit(sender.func);
      if (n === undefined) return undefined;
      events.push({ node: sender.start, sent: n, recv: 0 });
    }
    events.sort((a, b) => a.node.startIndex - b.node.startIndex);
    const outcomes = walkPaths(statementsOf(literal.body), { ...goroutineQuestions(ctx, events), onePass });
    if (!outcomes) return undefined;
    const most = Math.max(0, ...outcomes.map((o) => o.state.sent));
    result.set(literal.node.id, most);
    return most;
  };
  for (const sender of ch.senders.values()) if (visit(sender.func) === undefined) return undefined;
  return result;
}

function goroutineQuestions(ctx: FileContext, events: PathEvent[]): PathQuestions {
  return {
    events,
    callEffect: (call) => callEffect(ctx, call, false),
    senderDone: () => false,
    allReceivedWhen: () => false,
    rangesOverChannel: () => false,
    tripCount,
    disablesItself: () => false,
  };
}

function ownerQuestions(ctx: FileContext, ch: Channel, sendsPer: Map<number, number>): PathQuestions {
  const events: PathEvent[] = ch.receives.map((node) => ({ node, sent: 0, recv: 1 }));
  for (const sender of ch.senders.values()) {
    if (sender.func.parent?.node.id === ch.owner.node.id) events.push({ node: sender.start, sent: sendsPer.get(sender.func.node.id)!, recv: 0 });
  }
  events.sort((a, b) => a.node.startIndex - b.node.startIndex);
  const ranges = new Set(ch.ranges.map((r) => r.id));
  const inTest = ctx.isTestCode(ch.owner);
  const progress = progressNames(ch);
  return {
    events,
    callEffect: (call) => callEffect(ctx, call, inTest),
    senderDone: (c) => senderDone(ctx, ch, c),
    allReceivedWhen: (cond) => closedCondition(cond, ch.okNames) || progressCondition(cond, progress),
    rangesOverChannel: (loop) => ranges.has(firstChildOfType(loop, 'range_clause')?.id ?? -1),
    tripCount,
    disablesItself,
  };
}

const TEST_STOP = /^(Fatal|Fatalf|Fatalln|FailNow|Skip|Skipf|SkipNow)$/;
const TEST_FAIL = /^(Error|Errorf|Fail)$/;

function callEffect(ctx: FileContext, call: Node, inTest: boolean): CallEffect {
  const callee = calleeText(call) ?? '';
  const name = calleeName(call) ?? '';
  const receiver = calleeReceiver(call)?.text;
  // A *testing.T (B, F, TB) anywhere, and any receiver but `log` in test code.
  const testing = receiver !== undefined && (isTestingValue(ctx, calleeReceiver(call)!) || (inTest && receiver !== 'log'));
  if (testing && TEST_STOP.test(name)) return 'stop';
  if (testing && TEST_FAIL.test(name) && (inTest ? isTestingValue(ctx, calleeReceiver(call)!) : true)) return 'fail';
  if (inTest && /^require\.Fail/.test(callee)) return 'stop';
  if (inTest && /^assert\.Fail/.test(callee)) return 'fail';
  return isTerminatingCall(call) ? 'terminate' : undefined;
}

/** `t`, `b`, `tb`… declared as *testing.T/B/F or testing.TB. */
function isTestingValue(ctx: FileContext, expr: Node): boolean {
  if (expr.type !== 'identifier') return false;
  const type = ctx.file.scopes.resolve(expr)?.type ?? '';
  return /testing\.(T|B|F|TB)\b/.test(type);
}

/**
 * A case that fires only once the senders are done: its channel is closed (or sent on) by a
 * sending goroutine after its last send or in a defer, or by a goroutine that waits for a group.
 */
function senderDone(ctx: FileContext, ch: Channel, c: Node): boolean {
  const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
  if (comm?.type !== 'receive_statement') return false;
  const key = ctx.file.channels.keyOf(receiveOperand(comm.childForFieldName('right')));
  if (!key) return false;
  for (const op of ctx.file.channels.ops) {
    if (op.key !== key || (op.kind !== 'close' && op.kind !== 'send') || !op.func) continue;
    const sender = ch.senders.get(op.func.node.id);
    if (sender) {
      const lastSend = Math.max(...ch.sends.filter((s) => ctx.file.functionAt(s)?.node.id === op.func!.node.id).map((s) => s.startIndex));
      if (op.node.startIndex > lastSend || inDefer(op.node, op.func.node)) return true;
    } else if (op.func.kind === 'literal' && ctx.startOf(op.func) && waitsBefore(op.func, op.node)) {
      return true;
    }
  }
  return false;
}

function inDefer(node: Node, func: Node): boolean {
  for (let p = node.parent; p && p.id !== func.id; p = p.parent) if (p.type === 'defer_statement') return true;
  return false;
}

/**
 * A goroutine that calls `x.Wait()` before `at` (anywhere, when `at` is deferred): it signals
 * when a group of goroutines is done.
 */
function waitsBefore(func: FuncInfo, at: Node): boolean {
  let found = false;
  const deferred = inDefer(at, func.node);
  if (func.body) {
    walkOwnCode(func.body, (n) => {
      if (!deferred && n.startIndex >= at.startIndex) return false;
      if (n.type === 'call_expression' && calleeName(n) === 'Wait') found = true;
      return !found;
    });
  }
  return found;
}

/** Variables that record the receiver's progress; `kept` ones hold what a case received. */
interface Progress {
  counters: Set<string>;
  kept: Set<string>;
}

/**
 * Variables that count the receiver's progress: set by the cases of a select that receives from
 * the channel (`case a0done = <-ch0:`, `done++`, `active--`, `n += 1`, `got = append(got, v)`,
 * `ok = true`), and variables that keep what a case received (`case r := <-ch: conn = r.conn`).
 */
function progressNames(ch: Channel): Progress {
  const progress: Progress = { counters: new Set(), kept: new Set() };
  const selects = new Set<Node>();
  for (const r of ch.receives) {
    let p = r.parent;
    while (p && (p.type === 'expression_list' || p.type === 'receive_statement')) p = p.parent;
    if (p?.type === 'communication_case' && p.parent) selects.add(p.parent);
  }
  for (const select of selects) {
    for (const c of namedChildren(select)) {
      const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
      const received = new Set<string>();
      if (comm?.type === 'receive_statement') {
        const lefts = namedChildren(comm.childForFieldName('left') ?? comm).filter((l) => l.type === 'identifier' && l.id !== comm.childForFieldName('right')?.id);
        for (const left of lefts) (comm.text.includes(':=') ? received : progress.counters).add(left.text);
      }
      for (const st of statementsOf(c)) {
        if (st.type === 'inc_statement' || st.type === 'dec_statement') progress.counters.add(st.namedChild(0)?.text ?? '');
        if (st.type !== 'assignment_statement') continue;
        const left = namedChildren(st.childForFieldName('left')!);
        const right = namedChildren(st.childForFieldName('right')!);
        if (left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier') continue;
        const op = st.child(1)?.type;
        const value = right[0];
        const appends = value.type === 'call_expression' && calleeText(value) === 'append';
        if (op === '+=' || op === '-=' || appends || value.text === 'true') progress.counters.add(left[0].text);
        else if (op === '=' && value.descendantsOfType('identifier').some((id) => id !== null && received.has(id.text))) progress.kept.add(left[0].text);
      }
    }
  }
  progress.counters.delete('');
  return progress;
}

/**
 * `if done == 3`, `if len(got) >= n`, `if active == 0`, `if a0done && a1done`, `if conn != nil`
 * (conn kept from a received value): the receiver reached its goal.
 */
function progressCondition(cond: Node, names: Progress): boolean {
  if (names.counters.size === 0 && names.kept.size === 0) return false;
  let c = cond;
  while (c.type === 'parenthesized_expression' && c.namedChild(0)) c = c.namedChild(0)!;
  if (c.type === 'identifier') return names.counters.has(c.text);
  if (c.type !== 'binary_expression') return false;
  const op = c.child(1)?.type;
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (!left || !right) return false;
  if (op === '&&') return progressCondition(left, names) && progressCondition(right, names);
  if (op === '!=') return right.text === 'nil' && left.type === 'identifier' && names.kept.has(left.text);
  if (op !== '==' && op !== '>=' && op !== '>' && op !== '<=' && op !== '<') return false;
  const counted = left.type === 'call_expression' && calleeText(left) === 'len' ? left.childForFieldName('arguments')?.namedChild(0) : left;
  return counted?.type === 'identifier' && names.counters.has(counted.text) && right.text !== 'nil';
}

/** `case <-tick: tick = nil`: the case cannot fire again until something re-arms it. */
function disablesItself(c: Node): boolean {
  const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
  const operand = comm?.type === 'receive_statement' ? receiveOperand(comm.childForFieldName('right')) : undefined;
  if (operand?.type !== 'identifier') return false;
  return statementsOf(c).some((st) => {
    if (st.type !== 'assignment_statement') return false;
    const left = namedChildren(st.childForFieldName('left')!);
    const right = namedChildren(st.childForFieldName('right')!);
    return left.length === 1 && left[0].text === operand.text && right[0]?.text === 'nil';
  });
}

/** `!ok` or `ok == false`, where ok comes from a receive on the channel: it is closed. */
function closedCondition(cond: Node, okNames: Set<string>): boolean {
  if (okNames.size === 0) return false;
  let c = cond;
  while (c.type === 'parenthesized_expression' && c.namedChild(0)) c = c.namedChild(0)!;
  if (c.type === 'unary_expression' && c.child(0)?.type === '!') {
    const operand = c.childForFieldName('operand');
    return operand?.type === 'identifier' && okNames.has(operand.text);
  }
  if (c.type === 'binary_expression' && c.child(1)?.type === '==') {
    const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
    return Boolean(l && r && okNames.has(l.text) && r.text === 'false');
  }
  return false;
}

/** `for range 3`, `for i := range 3`, `for i := 0; i < 3; i++`: a literal trip count. */
function tripCount(loop: Node): number | undefined {
  const range = firstChildOfType(loop, 'range_clause');
  if (range) {
    const right = range.childForFieldName('right');
    if (right?.type === 'int_literal') return Number(right.text.replace(/_/g, ''));
    if (right?.type === 'composite_literal') {
      const body = right.childForFieldName('body');
      return body ? namedChildren(body).filter((c) => c.type !== 'comment').length : undefined;
    }
    return undefined;
  }
  const clause = firstChildOfType(loop, 'for_clause');
  const init = clause?.childForFieldName('initializer');
  const cond = clause?.childForFieldName('condition');
  const start = init?.type === 'short_var_declaration' ? init.childForFieldName('right')?.namedChild(0) : undefined;
  if (start?.type !== 'int_literal' || cond?.type !== 'binary_expression') return undefined;
  const bound = cond.childForFieldName('right');
  const op = cond.child(1)?.type;
  if (bound?.type !== 'int_literal') return undefined;
  const n = Number(bound.text.replace(/_/g, '')) - Number(start.text.replace(/_/g, ''));
  if (op === '<') return Math.max(0, n);
  if (op === '<=') return Math.max(0, n + 1);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Deciding and wording.

/** More values can be sent than the buffer and the path's receives take. */
function leaksOn(o: Outcome, ch: Channel): boolean {
  const { pending } = o.state;
  if (pending === MANY) return ch.capacity <= 1; // a larger literal buffer was sized for the senders
  return pending > ch.capacity;
}

/** Returning from main() ends the process, and every goroutine with it. */
function endsProcess(ctx: FileContext, ch: Channel, o: Outcome): boolean {
  if (ch.owner.kind !== 'function' || ch.owner.declName !== 'main' || ctx.file.packageName !== 'main') return false;
  if (o.kind === 'return' || o.kind === 'stop') return true;
  return o.kind === 'normal' && ch.region[0]?.parent?.parent?.id === ch.owner.body?.id;
}

function testFailure(o: Outcome): boolean {
  return o.kind === 'stop' || o.state.failed;
}

/** Some sending goroutine is started once per turn of a loop inside the channel's life. */
function goInLoop(ch: Channel): boolean {
  return [...ch.senders.values()].some((s) => s.func.parent?.node.id === ch.owner.node.id && loopsAround(s.start, regionBlock(ch)).length > 0);
}

/** The statement list the channel lives in. */
function regionBlock(ch: Channel): Node {
  return ch.region[0]?.parent ?? ch.owner.node;
}

function messageFor(ch: Channel, reported: Node, o: Outcome, onlyOnFailure: boolean, sendsPer: Map<number, number>): string {
  const capacity = ch.memberOf.get(reported.id)?.make.capacity ?? ch.capacity;
  const what = capacity === 0 ? `unbuffered channel ${ch.name}` : `channel ${ch.name} (buffer ${capacity})`;
  const suffix = onlyOnFailure ? ' (leaks only on test failure)' : '';
  return `send on ${what} may block forever: ${reasonFor(ch, o, sendsPer)}${suffix}`;
}

function reasonFor(ch: Channel, o: Outcome, sendsPer: Map<number, number>): string {
  const owner = ch.owner.name;
  const via = o.state.via;
  if (via) {
    if (via.type === 'default_case') return `the receiver in ${owner} does not wait: its select has a default case`;
    const comm = via.childForFieldName('communication');
    if (comm?.type === 'send_statement') return `the receiver in ${owner} can take another case of its select first`;
    const label = caseLabel(comm);
    const leavesInCase = o.at !== undefined && o.at.startIndex >= via.startIndex && o.at.endIndex <= via.endIndex;
    if (leavesInCase && (o.kind === 'return' || o.kind === 'stop')) return `the receiver in ${owner} can return on ${label} first`;
    return `the receiver in ${owner} can stop waiting on ${label} first`;
  }
  const { sent, recv } = o.state;
  if (sent > 1 && recv > 0) return `${sendersPhrase(ch, sendsPer)}, but ${owner} can stop after receiving ${recv === 1 ? 'one value' : `${recv} values`}`;
  if (o.kind === 'return' || o.kind === 'stop') return `the receiver in ${owner} can return before receiving`;
  return `${owner} can go on without receiving from ${ch.name}`;
}

function sendersPhrase(ch: Channel, sendsPer: Map<number, number>): string {
  if (goInLoop(ch)) return 'goroutines started in a loop send on it';
  if ([...sendsPer.values()].some((n) => n === MANY)) return 'the goroutine sends in a loop';
  const n = [...ch.senders.values()].filter((s) => s.func.parent?.node.id === ch.owner.node.id).length;
  return n > 1 ? `${n} goroutines send on it` : 'the goroutine sends more than once';
}

/** `ctx.Done()`, `time.After(d)`, `t.C`, `done`: what a case waits for, short. */
function caseLabel(comm: Node | null): string {
  const right = comm?.type === 'receive_statement' ? comm.childForFieldName('right') : null;
  const operand = receiveOperand(right) ?? right;
  if (!operand) return 'another case';
  const text = operand.text.replace(/\s+/g, ' ');
  if (text.length <= 40) return text;
  // Long arguments fold: `time.NewTimer(…).C`, `time.After(…)`.
  let short = '';
  let last = operand.startIndex;
  for (const args of operand.descendantsOfType('argument_list')) {
    if (!args || args.startIndex < last || args.namedChildCount === 0) continue;
    short += operand.text.slice(last - operand.startIndex, args.startIndex - operand.startIndex) + '(…)';
    last = args.endIndex;
  }
  short = (short + operand.text.slice(last - operand.startIndex)).replace(/\s+/g, ' ');
  return short.length <= 40 ? short : 'another case';
}

function relatedFor(ch: Channel, leaks: Outcome[]): RelatedInfo[] {
  const related: RelatedInfo[] = [];
  const seen = new Set<number>();
  const owner = ch.owner.name;
  for (const o of leaks) {
    const via = o.state.via;
    if (via && !seen.has(via.id)) {
      seen.add(via.id);
      const head = via.type === 'communication_case' ? via.childForFieldName('communication') ?? via : via;
      related.push({ range: rangeOf(head.type === 'default_case' ? firstLine(via) : head), message: `${owner} stops waiting for ${ch.name} here` });
    } else if (!via && o.at && !seen.has(o.at.id)) {
      seen.add(o.at.id);
      const message =
        o.kind === 'stop'
          ? `the test stops here without receiving from ${ch.name}`
          : o.state.recv > 0
            ? `${owner} returns here after receiving ${o.state.recv === 1 ? 'one value' : `${o.state.recv} values`}` : `${owner} returns here without receiving from ${ch.name}`;
      related.push({ range: rangeOf(o.at), message });
    }
    if (related.length >= 3) break;
  }
  for (const s of ch.senders.values()) {
    if (related.length >= 4) break;
    if (s.func.parent?.node.id === ch.owner.node.id && goInLoop({ ...ch, senders: new Map([[s.func.node.id, s]]) })) {
      related.push({ range: rangeOf(firstLine(s.start)), message: `goroutines sending on ${ch.name} are started in a loop here` });
    }
  }
  return related;
}

/** A node's range cut to its first line. */
function firstLine(node: Node): Node {
  return node.childCount > 0 && node.endPosition.row !== node.startPosition.row ? (node.child(0) ?? node) : node;
}

// ---------------------------------------------------------------------------------------------
// Fixes: a buffer, a select on ctx.Done(), the ignore comment.

function fixesFor(ctx: FileContext, ch: Channel, plainSends: Node[], sendsPer: Map<number, number>, leaks: Outcome[], reported: Node): Fix[] {
  const fixes: Fix[] = [];
  const size = bufferSize(ctx, ch, sendsPer);
  const grow = ch.members.filter((m) => !size || !/^\d+$/.test(size) || m.make.capacity! < Number(size));
  const buffer = bufferFix(
    grow.map((m) => m.make),
    grow.map((m) => m.name).join(' and '),
    size,
  );
  if (buffer) fixes.push(buffer);
  const funcAt = (n: Node) => ctx.file.functionAt(n);
  const context = contextAtSends(ctx.file, ctx.pkg, plainSends, funcAt);
  if (context) {
    // When the receiver only leaves on this ctx's Done, the sender sees the same signal; else the
    // receiver must cancel a ctx of its own on the way out.
    const viaDone = leaks.every((o) => o.state.via && caseLabel(o.state.via.childForFieldName('communication')) === `${context}.Done()`);
    const cancel = viaDone ? undefined : cancelPoint(ctx, ch, context);
    const select = viaDone || cancel ? selectFix(ctx.file, context, plainSends, funcAt, cancel) : undefined;
    if (select) fixes.push(select);
  }
  fixes.push(ignoreCommentFix(ID, reported, ctx.file.lines));
  return fixes;
}

/**
 * Where the owner can derive `ctx, cancel := context.WithCancel(ctx)` and `defer cancel()`: before
 * its first make, in the function's own body (a defer in a loop body would pile up), when ctx is
 * a plain name and `cancel` is not a name the function uses.
 */
function cancelPoint(ctx: FileContext, ch: Channel, context: string): CancelAt | undefined {
  if (!/^\w+$/.test(context) || !ch.owner.body) return undefined;
  const first = ch.members.map((m) => m.make.node).sort((a, b) => a.startIndex - b.startIndex)[0];
  let statement: Node | null = first;
  while (statement && statement.parent?.type !== 'statement_list') statement = statement.parent;
  if (!statement || statement.parent?.parent?.id !== ch.owner.body.id) return undefined;
  if (ch.owner.node.descendantsOfType('identifier').some((id) => id?.text === 'cancel')) return undefined;
  if (ctx.file.scopes.lookup('cancel', statement.startIndex)) return undefined;
  return { before: statement, ownerName: ch.owner.name };
}

/**
 * The buffer that holds every send: the count when it is a number, `len(xs)` / `n` when the
 * sending goroutines are started once per turn of a loop over xs / up to n, else none.
 */
function bufferSize(ctx: FileContext, ch: Channel, sendsPer: Map<number, number>): string | undefined {
  const direct = [...ch.senders.values()].filter((s) => s.func.parent?.node.id === ch.owner.node.id);
  const perGoroutine = direct.map((s) => sendsPer.get(s.func.node.id)!);
  if (perGoroutine.some((n) => n === MANY)) return undefined; // a stream: no buffer is big enough
  const looped = direct.filter((s) => loopsAround(s.start, regionBlock(ch)).length > 0);
  if (looped.length === 0) {
    const total = perGoroutine.reduce((a, b) => a + b, 0);
    return total > ch.capacity ? String(total) : undefined;
  }
  if (direct.length !== 1 || perGoroutine[0] !== 1) return undefined;
  const loops = loopsAround(direct[0].start, regionBlock(ch));
  if (loops.length !== 1) return undefined;
  const trips = tripCount(loops[0]);
  if (trips !== undefined) return String(trips);
  const count = loopCountExpr(loops[0]);
  return count && ch.members.every((m) => visibleAt(ctx, count, m.make.node)) ? count.text : undefined;
}

function loopsAround(node: Node, stop: Node): Node[] {
  const loops: Node[] = [];
  for (let p = node.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'for_statement') loops.push(p);
    if (FUNCTION_TYPES.has(p.type)) break;
  }
  return loops;
}

/** The expression giving a loop's trip count: `len(xs)` for `range xs`, `n` for `i < n`. Returned as a node whose text is the count. */
function loopCountExpr(loop: Node): { text: string; names: Node[] } | undefined {
  const range = firstChildOfType(loop, 'range_clause');
  const simple = (e: Node | null | undefined) => e && (e.type === 'identifier' || (e.type === 'selector_expression' && e.childForFieldName('operand')?.type === 'identifier'));
  if (range) {
    const right = range.childForFieldName('right');
    if (!simple(right)) return undefined;
    const left = range.childForFieldName('left');
    // `for i := range n` over an int is n itself; we cannot tell an int from a slice, so only ranges that bind a value.
    if (left && namedChildren(left).length === 2) return { text: `len(${right!.text})`, names: [rootIdent(right!)] };
    return undefined;
  }
  const cond = firstChildOfType(loop, 'for_clause')?.childForFieldName('condition');
  if (cond?.type !== 'binary_expression' || cond.child(1)?.type !== '<') return undefined;
  const init = firstChildOfType(loop, 'for_clause')?.childForFieldName('initializer');
  if (init?.childForFieldName('right')?.namedChild(0)?.text !== '0') return undefined;
  const bound = cond.childForFieldName('right');
  if (simple(bound)) return { text: bound!.text, names: [rootIdent(bound!)] };
  if (bound?.type === 'call_expression' && calleeText(bound) === 'len') {
    const arg = namedChildren(bound.childForFieldName('arguments')!)[0];
    if (simple(arg)) return { text: bound.text, names: [rootIdent(arg)] };
  }
  return undefined;
}

function rootIdent(e: Node): Node {
  return e.type === 'selector_expression' ? e.childForFieldName('operand')! : e;
}

/** The names a count uses mean the same at the make as in the loop. */
function visibleAt(ctx: FileContext, count: { names: Node[] }, at: Node): boolean {
  return count.names.every((n) => {
    const inLoop = ctx.file.scopes.resolve(n);
    const atMake = ctx.file.scopes.lookup(n.text, at.startIndex);
    return inLoop === atMake && (inLoop === undefined || inLoop.declNode.startIndex < at.startIndex);
  });
}
