// What bounds the goroutines a loop starts. For each goroutine start inside a loop of its own
// function: what feeds the loop from outside (a channel, `rows.Next()`, `scanner.Scan()`, a
// read or decode per turn, an accept loop, a parameter slice), and what limits how many of its
// goroutines run at once (a semaphore, a limiter's Acquire, a wait in the same iteration, an
// exit right after the start, a budget counter). A loop that counts to a bound (a worker pool)
// or ranges over program data is not fed from outside and has no feed at all.
import type { Node } from 'web-tree-sitter';
import type { Exit } from './exits';
import type { FuncInfo } from './functions';
import type { GoStart } from './goroutines';
import type { LoopInfo } from './loops';
import { isTickerChannel } from './loops';
import type { GoSymbol, Scopes } from './scopes';
import { FUNCTION_TYPES, calleeName, calleeReceiver, calleeText, firstChildOfType, namedChildren, receiveOperand, statementsOf } from './syntax';

export interface GoInLoop {
  start: GoStart;
  /** The loops around the start in its own function, innermost first. */
  loops: LoopInfo[];
  /** The function the start (and its loops) sit in. */
  func: FuncInfo | undefined;
}

/**
 * Goroutine starts (`go`, `g.Go(func…)`, helpers) that sit in a loop of their own function. A
 * start inside a func literal that the loop only defines belongs to the literal, not the loop.
 */
export function collectGoInLoops(starts: readonly GoStart[], loops: readonly LoopInfo[], funcAt: (n: Node) => FuncInfo | undefined): GoInLoop[] {
  if (starts.length === 0 || loops.length === 0) return [];
  const byNode = new Map(loops.map((l) => [l.node.id, l]));
  const out: GoInLoop[] = [];
  for (const start of starts) {
    const around: LoopInfo[] = [];
    for (let p = start.node.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
      const loop = p.type === 'for_statement' ? byNode.get(p.id) : undefined;
      if (loop) around.push(loop);
    }
    if (around.length > 0) out.push({ start, loops: around, func: funcAt(start.node) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Feeds: what drives the loop from outside.

export type FeedKind = 'channel' | 'receive' | 'next' | 'read' | 'accept' | 'param';

export interface LoopFeed {
  kind: FeedKind;
  loop: LoopInfo;
  /** What feeds the loop, as written: `jobs`, `rows.Next()`, `conn.ReadFrom`, `urls`. */
  source: string;
  /** What one turn brings: item, row, token, packet, message, request, connection, element. */
  noun: string;
  /** Where the feed is: the range expression, the condition, the receive or the read call. */
  node: Node;
}

/** What a feed classification needs to know beyond the file: the package's types and functions. */
export interface FeedQuestions {
  /** Is the expression a channel (a declared chan, a `make(chan …)`, a field of chan type…)? */
  isChannel(expr: Node): boolean;
  /** Is a parameter's type a slice or a map (`[]T`, `...T`, `map[K]V`, a named slice type)? */
  isSliceOrMap(type: string): boolean;
  /**
   * Is the channel fed by program logic rather than input: made and fed by this function alone
   * (a work list), or relaying OS signals (`signal.Notify`)?
   */
  isInternal(channel: Node, start: GoStart): boolean;
}

/** A channel of connections (`conns`, `acceptCh`, `transport.StreamCh()`) feeds an accept loop. */
const CONN_ITEM = /^(conn|c|nc|rawConn|netConn|tcpConn|udpConn|newConn|sess|session)$/i;
const CONN_CHANNEL = /conn|accept|session|streamch/i;

function carriesConnections(channel: Node, items: Node[]): boolean {
  const last = channel.type === 'selector_expression' ? (channel.childForFieldName('field')?.text ?? '') : channel.type === 'call_expression' ? channel.text.replace(/\(.*$/s, '') : channel.text;
  return CONN_CHANNEL.test(last.replace(/^.*\./, '')) || items.some((v) => CONN_ITEM.test(v.text));
}

/** The loops around the start that are fed from outside, innermost first. */
export function feedsOf(site: GoInLoop, scopes: Scopes, ask: FeedQuestions): LoopFeed[] {
  return site.loops.map((loop) => loopFeed(loop, site.start, scopes, ask)).filter((f): f is LoopFeed => f !== undefined);
}

/** Method names whose call in a loop condition pulls the next item of outside input. */
const NEXT_CONDITION = /^(Next|Scan|More|NextResultSet)$/;
/** Receivers of `x.Next()` that are result sets or streams, not in-memory iterators. */
const ROWS_NAME = /^(rows|rs|cursor|cur|results?|res|records|stream|iter|it|msgs|messages|sub|subscription|consumer)$/i;
const ROWS_SOURCE = /(Query|Find|Aggregate|Select|Stream|Watch|Subscribe|Iter|Scan|Consume|Fetch|List)/;
/** Calls that bring one item of outside input per loop turn. */
const READ_CALL = /^([Rr]ead([A-Z]\w*)?|Recv\w*|Receive\w*|Decode|Fetch\w*|Poll\w*|Dequeue\w*|NextMessage|NextMsg|NextRequest|ReadMessage|Consume\w*)$/;
const ACCEPT_CALL = /^Accept\w*$/;
const PACKET_READS = /^(ReadFrom\w*|ReadMsg\w*|ReadPacket\w*|ReadUDP\w*|Read)$/;
const LINE_READS = /^(ReadString|ReadLine|ReadBytes|ReadSlice)$/;
const MESSAGE_READS = /^(Recv\w*|Receive\w*|ReadMessage|ReadJSON|NextMessage|NextMsg|Consume\w*|Poll\w*|Dequeue\w*|Fetch\w*)$/;

function loopFeed(loop: LoopInfo, start: GoStart, scopes: Scopes, ask: FeedQuestions): LoopFeed | undefined {
  if (loop.form === 'ticker-range') return undefined;
  const range = loop.rangeOver;
  if (range) return rangeFeed(loop, range, start, scopes, ask);
  const clause = firstChildOfType(loop.node, 'for_clause');
  const condition = clause ? clause.childForFieldName('condition') : bareCondition(loop.node);
  if (condition) {
    const next = nextFeed(loop, condition, scopes);
    if (next) return next;
    const byIndex = lenOfParamFeed(loop, condition, start, scopes, ask);
    if (byIndex) return byIndex;
    // A counted loop (`for i := 0; i < n; i++`) is a worker pool, whatever its body reads.
    if (clause && (clause.childForFieldName('initializer') || clause.childForFieldName('update'))) return undefined;
  }
  return receiveOrReadFeed(loop, start, scopes, ask);
}

function bareCondition(loop: Node): Node | undefined {
  const body = loop.childForFieldName('body');
  return namedChildren(loop).find((c) => c.id !== body?.id && c.type !== 'comment' && c.type !== 'for_clause' && c.type !== 'range_clause');
}

function rangeFeed(loop: LoopInfo, range: Node, start: GoStart, scopes: Scopes, ask: FeedQuestions): LoopFeed | undefined {
  const clause = range.parent!;
  const vars = clause.childForFieldName('left');
  const itemVars = vars ? namedChildren(vars).filter((v) => v.type === 'identifier' && v.text !== '_') : [];
  const body = loop.node.childForFieldName('body') ?? undefined;
  if (ask.isChannel(range)) {
    if (ask.isInternal(range, start) || !flowsInto(itemVars, start, scopes, body)) return undefined;
    if (carriesConnections(range, itemVars)) return { kind: 'accept', loop, source: range.text, noun: 'connection', node: range };
    return { kind: 'channel', loop, source: range.text, noun: 'item', node: range };
  }
  // A range over a parameter slice or map of an exported function: its callers decide how many.
  const param = range.type === 'identifier' ? scopes.resolve(range) : undefined;
  if (!isApiSlice(param, ask)) return undefined;
  if (!flowsInto(itemVars, start, scopes, body)) return undefined;
  return { kind: 'param', loop, source: range.text, noun: 'element', node: range };
}

/**
 * A slice or map parameter of an exported function or method: code outside the package chooses
 * its length. An unexported function's callers are the package's own logic (its listeners, its
 * configured servers, a package's files), which real code showed to be small lists.
 */
function isApiSlice(param: GoSymbol | undefined, ask: FeedQuestions): boolean {
  if (param?.kind !== 'param' || !param.type || !ask.isSliceOrMap(param.type)) return false;
  return param.func?.kind !== 'literal' && /^[A-Z]/.test(param.func?.declName ?? '');
}

/** `for rows.Next()`, `for scanner.Scan()`, `for dec.More()`: each turn reads outside input. */
function nextFeed(loop: LoopInfo, condition: Node, scopes: Scopes): LoopFeed | undefined {
  if (condition.type !== 'call_expression') return undefined;
  const name = calleeName(condition) ?? '';
  const receiver = calleeReceiver(condition);
  if (!NEXT_CONDITION.test(name) || !receiver) return undefined;
  const args = namedChildren(condition.childForFieldName('arguments') ?? condition).filter((a) => a.type !== 'comment');
  if (name === 'Scan' || name === 'More') {
    if (args.length > 0) return undefined;
    return { kind: 'next', loop, source: condition.text, noun: name === 'Scan' ? 'token' : 'value', node: condition };
  }
  if (args.length > 1 || !isResultSet(receiver, scopes)) return undefined;
  return { kind: 'next', loop, source: condition.text, noun: /rows|rs|cursor|cur|records/i.test(receiver.text) ? 'row' : 'item', node: condition };
}

function isResultSet(receiver: Node, scopes: Scopes): boolean {
  const name = receiver.type === 'selector_expression' ? receiver.childForFieldName('field')?.text : receiver.text;
  if (name && ROWS_NAME.test(name)) return true;
  if (receiver.type !== 'identifier') return false;
  const value = scopes.resolve(receiver)?.value;
  return value?.type === 'call_expression' && ROWS_SOURCE.test(calleeName(value) ?? '');
}

/** `for i := 0; i < len(urls); i++` over a parameter slice: the same as ranging over it. */
function lenOfParamFeed(loop: LoopInfo, condition: Node, start: GoStart, scopes: Scopes, ask: FeedQuestions): LoopFeed | undefined {
  if (condition.type !== 'binary_expression') return undefined;
  const op = condition.childForFieldName('operator')?.text;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  if ((op !== '<' && op !== '<=') || left?.type !== 'identifier' || right?.type !== 'call_expression' || calleeText(right) !== 'len') return undefined;
  const arg = namedChildren(right.childForFieldName('arguments') ?? right)[0];
  const param = arg?.type === 'identifier' ? scopes.resolve(arg) : undefined;
  if (!isApiSlice(param, ask)) return undefined;
  if (!flowsInto([left], start, scopes)) return undefined;
  return { kind: 'param', loop, source: arg.text, noun: 'element', node: arg };
}

/**
 * `for { … v := <-ch … go f(v) }`, `for { select { case v := <-ch: go f(v) } }`, a read or
 * decode per turn, an accept loop: the last receive or read before the start in the iteration
 * whose result the goroutine uses.
 */
function receiveOrReadFeed(loop: LoopInfo, start: GoStart, scopes: Scopes, ask: FeedQuestions): LoopFeed | undefined {
  const body = loop.node.childForFieldName('body');
  if (!body) return undefined;
  const candidates = ownNodesBefore(body, start.node, ['unary_expression', 'call_expression']);
  // Whatever else the turn reads, a turn that accepts a connection is an accept loop.
  const accept = candidates.find((n) => n.type === 'call_expression' && ACCEPT_CALL.test(calleeName(n) ?? '') && calleeReceiver(n) !== undefined);
  if (accept) {
    const name = calleeName(accept) ?? '';
    const noun = /Stream/.test(name) ? 'stream' : /Session/.test(name) ? 'session' : 'connection';
    return { kind: 'accept', loop, source: calleeText(accept) ?? name, noun, node: accept };
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    const n = candidates[i];
    if (n.type === 'unary_expression') {
      const operand = receiveOperand(n);
      if (!operand || isClockOrDone(operand) || !onPathTo(n, start.node, body) || ask.isInternal(operand, start)) continue;
      const items = boundBy(n);
      if (!flowsInto(items, start, scopes, body)) continue;
      if (carriesConnections(operand, items)) return { kind: 'accept', loop, source: operand.text, noun: 'connection', node: n };
      return { kind: 'receive', loop, source: operand.text, noun: 'value', node: n };
    }
    const name = calleeName(n) ?? '';
    if (!READ_CALL.test(name)) continue;
    if (!flowsInto(boundBy(n), start, scopes, body)) continue;
    const source = calleeText(n) ?? name;
    const noun = name === 'Decode' ? 'value' : /Request/.test(name) ? 'request' : PACKET_READS.test(name) ? 'packet' : MESSAGE_READS.test(name) ? 'message' : LINE_READS.test(name) ? 'line' : 'item';
    return { kind: 'read', loop, source, noun, node: n };
  }
  return undefined;
}

/** A timer, ticker or done channel: a loop driven by it starts goroutines by time, not by input. */
function isClockOrDone(operand: Node): boolean {
  if (isTickerChannel(operand)) return true;
  const text = operand.text;
  if (/^time\.(After|Tick)\b/.test(text) || /\.Done\(\)$/.test(text)) return true;
  const last = operand.type === 'selector_expression' ? operand.childForFieldName('field')?.text : operand.text;
  return /^(done|quit|stop|stopped|exit|closed?|closing|shutdown|die|dying|kill|cancel\w*|ctx)(C|Ch|Chan)?$/i.test(last ?? '');
}

/**
 * A receive in a select case that does not hold the start is on another branch: only the case
 * around the start (or receives outside any select) can feed it.
 */
function onPathTo(receive: Node, start: Node, stop: Node): boolean {
  for (let p = receive.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type !== 'communication_case') continue;
    const select = p.parent;
    const startInSelect = !!select && select.startIndex <= start.startIndex && start.endIndex <= select.endIndex;
    return !startInSelect || (p.startIndex <= start.startIndex && start.endIndex <= p.endIndex);
  }
  return true;
}

/** The variables a receive or a read call fills: `v, ok := <-ch`, `n, addr, err := c.ReadFrom(buf)`, `dec.Decode(&v)`. */
function boundBy(expr: Node): Node[] {
  const out: Node[] = [];
  let holder = expr.parent;
  if (holder?.type === 'expression_list') holder = holder.parent;
  if (holder && ['short_var_declaration', 'assignment_statement', 'receive_statement', 'var_spec'].includes(holder.type)) {
    const left = holder.type === 'var_spec' ? holder.childrenForFieldName('name').filter((x): x is Node => x !== null) : namedChildren(holder.childForFieldName('left') ?? holder);
    for (const v of left) if (v.type === 'identifier' && v.text !== '_' && v.text !== 'err' && v.text !== 'ok') out.push(v);
  }
  if (expr.type === 'call_expression') {
    // Read(buf), Decode(&v), ReadJSON(&msg): the argument is filled.
    for (const arg of namedChildren(expr.childForFieldName('arguments') ?? expr)) {
      const target = arg.type === 'unary_expression' && arg.child(0)?.type === '&' ? arg.childForFieldName('operand') : arg;
      if (target?.type === 'identifier') out.push(target);
    }
  }
  return out;
}

/**
 * Does the goroutine use one of these variables (its arguments, or what its literal captures),
 * or a variable computed from them before the start (`c := srv.newConn(rw)`; `go c.serve()`)?
 */
export function flowsInto(vars: Node[], start: GoStart, scopes: Scopes, body?: Node): boolean {
  if (vars.length === 0) return false;
  const symbols = new Set<number>();
  const names = new Set<string>();
  for (const v of vars) {
    const s = scopes.resolve(v);
    if (s) symbols.add(s.id);
    names.add(v.text);
  }
  const mentioned = (n: Node) => n.descendantsOfType('identifier').some((id) => id !== null && names.has(id.text) && symbols.has(scopes.resolve(id)?.id ?? -1));
  if (body) {
    const first = Math.min(...vars.map((v) => v.startIndex));
    // Type switches hold the start in a case, so they end after it: their value comes before.
    const inLiteral = insideLiteralOf(body);
    const switches = body
      .descendantsOfType('type_switch_statement', body.startPosition, start.node.startPosition)
      .filter((n): n is Node => n !== null && (n.childForFieldName('value')?.endIndex ?? Infinity) <= start.node.startIndex && !inLiteral(n));
    const steps = [...ownNodesBefore(body, start.node, ['short_var_declaration', 'assignment_statement']), ...switches].sort((a, b) => a.startIndex - b.startIndex);
    for (const stmt of steps) {
      const right = stmt.childForFieldName(stmt.type === 'type_switch_statement' ? 'value' : 'right');
      // `switch msg := msg.(type)`: the alias's scope covers its own value, so match by name.
      const fromItem = right && (stmt.type === 'type_switch_statement' ? names.has(right.text) : mentioned(right));
      if (stmt.startIndex < first || !fromItem) continue;
      for (const left of namedChildren(stmt.childForFieldName(stmt.type === 'type_switch_statement' ? 'alias' : 'left') ?? stmt)) {
        const s = left.type === 'identifier' && left.text !== '_' && left.text !== 'err' ? scopes.resolve(left) : undefined;
        if (s) {
          symbols.add(s.id);
          names.add(s.name);
        }
      }
    }
  }
  return mentioned(start.node);
}

// ---------------------------------------------------------------------------------------------
// Limits: what keeps the number of goroutines in check.

export type LimitKind = 'semaphore' | 'acquire' | 'wait' | 'exit' | 'budget' | 'limited-inside' | 'once-per-key';

export interface Limit {
  kind: LimitKind;
  node: Node;
}

/** Receivers of a call that paces the loop: a limiter, a semaphore, a pool of slots or tokens. */
const LIMITER_NAME = /limit|rate|throttl|bucket|sem|token|ticket|slot|pool|quota|budget|gate|guard/i;
const ACQUIRE_CALL = /^(Try)?Acquire\w*$/;
const PACING_CALL = /^(Wait\w*|Take\w*|Allow\w*|Reserve\w*|Get)$/;
const WAIT_CALL = /^(Wait\w*|wait\w*|Join)$/;
/** Names of counters and bounds that ration goroutines. */
const BUDGET_NAME = /max|limit|budget|quota|concurren|in_?flight|active|running|outstanding|capacity|slots|workers|busy|parallel|\bcap\(/i;
/** Backoff and retry bounds (`if tempDelay > max`) pace errors, not goroutines. */
const NOT_BUDGET = /delay|backoff|timeout|sleep|retr(y|ies)|interval|attempt|wait|time|dur/i;
const BUSY_NAME = /progress|busy|running|in_?flight|active|started|pending|outstanding/i;
const COMPARISON = new Set(['<', '<=', '>', '>=']);

/**
 * The first limit found for a start fed by `feedLoop`. `goroutineCode` are the bodies the
 * goroutine runs: its func literal, or the package functions `go f(x)` may call.
 */
export function limitOf(site: GoInLoop, feedLoop: LoopInfo, goroutineCode: readonly Node[]): Limit | undefined {
  const body = feedLoop.node.childForFieldName('body');
  if (!body) return undefined;
  const start = site.start.node;
  const before = ownNodesBefore(body, start, ['send_statement', 'unary_expression', 'call_expression']);
  const after = followingStatements(start, body);
  return (
    oncePerKey(start, body) ??
    semaphoreBefore(before, start, goroutineCode) ??
    acquireBefore(before) ??
    waitAfter(after, start, goroutineCode) ??
    exitAfter(after, feedLoop.exits) ??
    budgetCounter(start, body, feedLoop.node) ??
    limitedInside(goroutineCode)
  );
}

/**
 * `if !ok { …; go f() }` after `_, ok := m[k]`: one goroutine per new key of a table (a peer, a
 * client address), started once and recorded: the table, not the input, counts them.
 */
function oncePerKey(start: Node, body: Node): Limit | undefined {
  for (let p = start.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const consequence = p.childForFieldName('consequence');
    if (!consequence || start.startIndex < consequence.startIndex || start.endIndex > consequence.endIndex) continue;
    const condition = p.childForFieldName('condition');
    const absent = condition && testedForAbsence(condition);
    if (absent && fromMapLookup(absent, p, body)) return { kind: 'once-per-key', node: condition! };
    // `if !started { …; go run(); started = true }`, `if s.w == nil { s.w = newW(); go s.w.run() }`.
    if (absent && assignsIn(consequence, absent)) return { kind: 'once-per-key', node: condition! };
    // `if ok { delete(m, k); go stop(v) }`: once per entry, which the branch removes.
    const present = condition?.type === 'identifier' ? condition.text : undefined;
    const deletes = consequence.descendantsOfType('call_expression').some((c) => c !== null && calleeText(c) === 'delete');
    if (present && deletes && fromMapLookup(present, p, body)) return { kind: 'once-per-key', node: condition! };
  }
  return undefined;
}

/** `!ok`, `!found`, `x == nil`, `s.w == nil`: the variable or field tested for absence. */
function testedForAbsence(condition: Node): string | undefined {
  const named = (n: Node | null) => (n?.type === 'identifier' || n?.type === 'selector_expression' ? n.text : undefined);
  if (condition.type === 'unary_expression' && condition.child(0)?.type === '!') return named(condition.childForFieldName('operand'));
  if (condition.type === 'binary_expression' && condition.childForFieldName('operator')?.text === '==' && condition.childForFieldName('right')?.text === 'nil') {
    return named(condition.childForFieldName('left'));
  }
  return undefined;
}

/** Does the block assign `name` (`name = true`, `name = newWorker()`)? Then its test passes once. */
function assignsIn(block: Node, name: string): boolean {
  return block.descendantsOfType('assignment_statement').some((a) => a !== null && namedChildren(a.childForFieldName('left') ?? a).some((l) => l.text === name));
}

/** Was `name` set by a map lookup (`v, ok := m[k]`, `v := m[k]`) in the if's header or before it? */
function fromMapLookup(name: string, ifStatement: Node, body: Node): boolean {
  const condition = ifStatement.childForFieldName('condition') ?? ifStatement;
  const lookups = body.descendantsOfType(['short_var_declaration', 'assignment_statement'], body.startPosition, condition.startPosition);
  return lookups.some((n) => {
    if (!n || n.endIndex > condition.startIndex) return false;
    const left = namedChildren(n.childForFieldName('left') ?? n);
    const right = namedChildren(n.childForFieldName('right') ?? n);
    return right.length === 1 && right[0].type === 'index_expression' && left.some((l) => l.text === name);
  });
}

/**
 * `sem <- struct{}{}` before the start and `<-sem` in the goroutine (or the reverse: a token
 * taken from a pool and given back), or the channel handed to the goroutine.
 */
function semaphoreBefore(before: Node[], start: Node, goroutineCode: readonly Node[]): Limit | undefined {
  for (const n of before) {
    if (nonBlocking(n)) continue;
    const send = n.type === 'send_statement';
    const channel = send ? n.childForFieldName('channel') : receiveOperand(n);
    if (!channel || channel.type === 'call_expression' || isClockOrDone(channel)) continue;
    if (handedTo(channel.text, start) || goroutineCode.some((code) => usesChannel(code, channel.text, send ? 'recv' : 'send'))) {
      return { kind: 'semaphore', node: n };
    }
  }
  return undefined;
}

/** A send or receive in a select with a `default`: it never waits, so it limits nothing. */
function nonBlocking(op: Node): boolean {
  let p = op.parent;
  if (p?.type === 'expression_list') p = p.parent;
  if (p?.type === 'receive_statement' || p?.type === 'expression_statement') p = p.parent;
  if (p?.type !== 'communication_case') return false;
  return namedChildren(p.parent!).some((c) => c.type === 'default_case');
}

function acquireBefore(before: Node[]): Limit | undefined {
  for (const n of before) {
    if (n.type !== 'call_expression') continue;
    const name = calleeName(n) ?? '';
    const receiver = calleeReceiver(n)?.text ?? '';
    if (ACQUIRE_CALL.test(name) || (PACING_CALL.test(name) && LIMITER_NAME.test(receiver))) return { kind: 'acquire', node: n };
  }
  return undefined;
}

/** `wg.Wait()`, `g.Wait()` or a receive from a channel the goroutine signals, later in the same iteration. */
function waitAfter(after: Node[], start: Node, goroutineCode: readonly Node[]): Limit | undefined {
  for (const stmt of after) {
    for (const n of ownNodesIn(stmt, ['call_expression', 'unary_expression'])) {
      if (n.type === 'call_expression') {
        if (!WAIT_CALL.test(calleeName(n) ?? '')) continue;
        const receiver = calleeReceiver(n)?.text;
        if (!receiver || handedTo(receiver, start) || goroutineCode.some((c) => mentions(c, receiver))) return { kind: 'wait', node: n };
        continue;
      }
      const channel = receiveOperand(n);
      if (channel && (handedTo(channel.text, start) || goroutineCode.some((c) => mentions(c, channel.text)))) return { kind: 'wait', node: n };
    }
  }
  return undefined;
}

/**
 * A `return` or `break` that always follows the start in its block (or an enclosing one): the
 * loop starts at most one goroutine. An exit under a further condition does not count.
 */
function exitAfter(after: Node[], exits: readonly Exit[]): Limit | undefined {
  for (const stmt of after) {
    const exit = exits.find((e) => e.kind !== 'continue' && (e.node.id === stmt.id || (stmt.type === 'expression_statement' && stmt.namedChild(0)?.id === e.node.id)));
    if (exit) return { kind: 'exit', node: exit.node };
  }
  return undefined;
}

/**
 * `if active >= maxActive { … }`, `len(sem) < cap(sem)`, `for running < max`: a comparison
 * with a bound that guards the start or precedes it in the iteration rations the goroutines.
 */
function budgetCounter(start: Node, body: Node, loop: Node): Limit | undefined {
  const places: Node[] = [];
  const header = namedChildren(loop).filter((c) => c.id !== body.id);
  places.push(...header);
  for (let n: Node | null = start; n && n.id !== body.id; n = n.parent) {
    if (n.type === 'if_statement') {
      const condition = n.childForFieldName('condition');
      if (condition) places.push(condition);
    }
    if (n.parent?.type === 'statement_list') {
      for (let s = n.previousNamedSibling; s; s = s.previousNamedSibling) {
        if (s.type === 'comment') continue;
        if (busyGuard(s)) return { kind: 'budget', node: s };
        places.push(s);
      }
    }
  }
  for (const place of places) {
    for (const n of ownNodesIn(place, ['binary_expression'])) {
      if (!COMPARISON.has(n.childForFieldName('operator')?.text ?? '')) continue;
      // `active > 0` tells idle from busy; a budget compares with a bound.
      const sides = [n.childForFieldName('left'), n.childForFieldName('right')];
      if (sides.some((side) => side?.type === 'int_literal' && /^[01]$/.test(side.text))) continue;
      if (BUDGET_NAME.test(n.text) && !NOT_BUDGET.test(n.text)) return { kind: 'budget', node: n };
    }
  }
  return undefined;
}

/** `if r.transferInProgress() { …; continue }`: one at a time, the loop skips while one runs. */
function busyGuard(statement: Node): boolean {
  if (statement.type !== 'if_statement') return false;
  const condition = statement.childForFieldName('condition');
  const body = statementsOf(statement.childForFieldName('consequence'));
  const last = body[body.length - 1];
  return !!condition && BUSY_NAME.test(condition.text) && (last?.type === 'continue_statement' || last?.type === 'return_statement');
}

/** The goroutine acquires a semaphore or limiter itself before working. */
function limitedInside(goroutineCode: readonly Node[]): Limit | undefined {
  for (const code of goroutineCode) {
    for (const n of code.descendantsOfType(['call_expression', 'send_statement'])) {
      if (!n) continue;
      if (n.type === 'call_expression') {
        const name = calleeName(n) ?? '';
        const receiver = calleeReceiver(n)?.text ?? '';
        if (ACQUIRE_CALL.test(name) || (PACING_CALL.test(name) && name !== 'Get' && LIMITER_NAME.test(receiver))) return { kind: 'limited-inside', node: n };
        continue;
      }
      const channel = n.childForFieldName('channel');
      if (channel && channel.type !== 'call_expression' && usesChannel(code, channel.text, 'recv') && LIMITER_NAME.test(channel.text)) {
        return { kind: 'limited-inside', node: n };
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Regions of an iteration.

/** Nodes of the given types in `body`'s own code (not in func literals) that end before `at`. */
export function ownNodesBefore(body: Node, at: Node, types: string[]): Node[] {
  const inLiteral = insideLiteralOf(body);
  return body
    .descendantsOfType(types, body.startPosition, at.startPosition)
    .filter((n): n is Node => n !== null && n.endIndex <= at.startIndex && !inLiteral(n));
}

/** Nodes of the given types in `node` (itself included) outside func literals nested in it. */
function ownNodesIn(node: Node, types: string[]): Node[] {
  const inLiteral = insideLiteralOf(node);
  const found = node.descendantsOfType(types).filter((n): n is Node => n !== null && !inLiteral(n));
  return types.includes(node.type) ? [node, ...found] : found;
}

/**
 * A test for "inside a func literal nested in `within`", by position: climbing `parent` costs
 * the tree's depth in web-tree-sitter, which on deeply nested code made a climb per node
 * quadratic (a fuzzed file took minutes).
 */
function insideLiteralOf(within: Node): (node: Node) => boolean {
  const literals = within.descendantsOfType('func_literal').filter((l): l is Node => l !== null && l.id !== within.id);
  if (literals.length === 0) return () => false;
  return (node) => literals.some((l) => l.id !== node.id && node.startIndex >= l.startIndex && node.endIndex <= l.endIndex);
}

/** Statements that run after `node` in the same iteration: its following siblings, level by level up to the loop body. */
export function followingStatements(node: Node, body: Node): Node[] {
  const out: Node[] = [];
  for (let n: Node | null = node; n && n.id !== body.id; n = n.parent) {
    if (n.parent?.type === 'statement_list') {
      for (let s = n.nextNamedSibling; s; s = s.nextNamedSibling) if (s.type !== 'comment') out.push(s);
    }
  }
  return out;
}

/** The goroutine is handed `text` as an argument (`go worker(sem, job)`) or its call mentions it. */
function handedTo(text: string, start: Node): boolean {
  const call = start.type === 'go_statement' ? start.namedChild(0) : start;
  const args = call?.childForFieldName('arguments');
  return args ? namedChildren(args).some((a) => a.type !== 'func_literal' && mentionsText(a, text)) : false;
}

/** A send on (or a receive from) the channel written `text` in `code`. */
function usesChannel(code: Node, text: string, op: 'send' | 'recv'): boolean {
  const tail = lastName(text);
  const matches = (n: Node | null | undefined) => !!n && (n.text === text || (tail !== text && lastName(n.text) === tail && n.type === 'selector_expression'));
  if (op === 'send') return code.descendantsOfType('send_statement').some((s) => matches(s?.childForFieldName('channel')));
  return code.descendantsOfType('unary_expression').some((u) => matches(receiveOperand(u)));
}

function mentions(code: Node, text: string): boolean {
  return mentionsText(code, text);
}

function mentionsText(node: Node, text: string): boolean {
  if (node.text === text) return true;
  if (!node.text.includes(text)) return false;
  return node.descendantsOfType(['identifier', 'selector_expression']).some((n) => n?.text === text);
}

function lastName(text: string): string {
  const dot = text.lastIndexOf('.');
  return dot < 0 ? text : text.slice(dot + 1);
}

// ---------------------------------------------------------------------------------------------
// Groups: errgroup.Group and sync.WaitGroup starts.

export type GroupKind = 'errgroup' | 'waitgroup' | 'unknown';

/** What kind of group `g` is in `g.Go(…)`, from its declaration when the syntax shows it. */
export function groupKindOf(receiver: Node, scopes: Scopes, fieldType: (owner: GoSymbol, field: string) => string | undefined): GroupKind {
  let declared: string | undefined;
  if (receiver.type === 'identifier') {
    const s = scopes.resolve(receiver);
    // `g, ctx := errgroup.WithContext(ctx)` pairs no value with g: read the whole declaration.
    declared = s ? `${s.type ?? ''} ${s.value?.text ?? (s.kind === 'local' || s.kind === 'global' ? s.declaration.text : '')}` : undefined;
  } else if (receiver.type === 'selector_expression') {
    const operand = receiver.childForFieldName('operand');
    const field = receiver.childForFieldName('field')?.text;
    const owner = operand?.type === 'identifier' ? scopes.resolve(operand) : undefined;
    declared = owner && field ? fieldType(owner, field) : undefined;
  }
  if (!declared) return 'unknown';
  if (/\berrgroup\.(Group|WithContext)\b/.test(declared)) return 'errgroup';
  if (/\bsync\.WaitGroup\b/.test(declared)) return 'waitgroup';
  return 'unknown';
}
