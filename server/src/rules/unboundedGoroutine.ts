// unbounded-goroutine: a goroutine started per item of a loop fed from outside (a channel,
// `rows.Next()`, `scanner.Scan()`, a read or decode per turn, a slice parameter of an exported
// function whose goroutines do I/O) with no limit in sight. The input decides how many goroutines run at once; a burst
// of input is a burst of goroutines. What feeds a loop and what limits it is facts/bounds.ts.
import type { Node } from 'web-tree-sitter';
import type { ChanOp } from '../facts/channels';
import type { GoStart } from '../facts/goroutines';
import { feedsOf, groupKindOf, limitOf, type FeedQuestions, type GoInLoop, type LoopFeed } from '../facts/bounds';
import { structTypeOf, type FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { GoSymbol } from '../facts/scopes';
import { structFields } from '../facts/types';
import { calleeName, calleeReceiver, calleeText, namedChildren, rangeOf } from '../facts/syntax';
import type { PackageIndex } from '../index/packageIndex';
import { ignoreCommentFix } from './fixes/edits';
import { limitFixes } from './fixes/semaphore';
import type { Finding, Range, Rule, Severity } from './types';

const ID = 'unbounded-goroutine';

export const unboundedGoroutine: Rule = {
  id: ID,
  title: 'A goroutine started per item of outside input, with nothing limiting how many run at once',
  docs:
    'A `go` statement (or `errgroup.Group.Go` without `SetLimit`) in a loop fed from outside — a range over a channel, ' +
    '`rows.Next()`, `scanner.Scan()`, a read, receive or decode per turn, a slice parameter of an exported function ' +
    'whose goroutines do I/O — ' +
    'with no semaphore, `SetLimit`, `semaphore.Weighted`, worker pool or wait in the same iteration. The input decides ' +
    'how many goroutines run at once: a burst of input is a burst of goroutines, memory and open connections. Limit ' +
    'them with a buffered channel used as a semaphore or `errgroup.Group.SetLimit`. An accept loop starting a ' +
    'goroutine per connection is the usual server idiom and is only a hint.',
  example: {
    bad: `func Dispatch(ctx context.Context, jobs <-chan Job) {
	for job := range jobs {
		go handle(ctx, job) // as many goroutines as jobs queued
	}
}`,
    good: `func Dispatch(ctx context.Context, jobs <-chan Job) {
	sem := make(chan struct{}, 8) // at most 8 at a time
	for job := range jobs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			handle(ctx, job)
		}()
	}
}`,
  },
  defaultSeverity: 'warning',
  check(file, pkg) {
    if (file.goStarts.length === 0) return [];
    const sites = file.goInLoops;
    if (sites.length === 0) return [];
    const ask = questionsFor(file, pkg);
    return sites.map((site) => findingFor(file, pkg, site, ask)).filter((f): f is Finding => f !== undefined);
  },
};

/** `go a.onStateChange(s)`: a callback told of an event, as often as the program's state changes. */
const EVENT_CALLBACK = /^on[A-Z]/;

function findingFor(file: FileFacts, pkg: PackageIndex, site: GoInLoop, ask: FeedQuestions): Finding | undefined {
  const group = groupOf(file, pkg, site);
  if (group === undefined || EVENT_CALLBACK.test(site.start.calleeName ?? '')) return undefined;
  const feeds = feedsOf(site, file.scopes, ask);
  if (feeds.length === 0) return undefined;
  const code = goroutineCode(file, pkg, site);
  // The innermost feed that counts: a parameter slice only when its goroutines do I/O.
  let io: boolean | undefined;
  const feed = feeds.find((f) => f.kind !== 'param' || (io ??= code.some((c) => doesIO(c.file, pkg, c.node, 1))));
  if (!feed || limitOf(site, feed.loop, code.map((c) => c.node)) !== undefined) return undefined;
  const test = isTestCode(file, site.func);
  if (feed.kind === 'accept' && test) return undefined;
  const severity: Severity = feed.kind === 'accept' ? 'hint' : test ? 'information' : 'warning';
  return {
    rule: ID,
    severity,
    range: startKeyword(site),
    message: messageFor(feed, group),
    fixes: [...limitFixes(file, site, feed, group), ignoreCommentFix(ID, statementOf(site.start.node), file.lines)],
    related: [{ range: rangeOf(feed.node), message: relatedMessage(feed) }],
  };
}

type GroupUse = 'go' | 'errgroup' | 'waitgroup';

/**
 * `g.Go(…)` counts as a `go` statement when g is a sync.WaitGroup, or an errgroup.Group with no
 * SetLimit call. Other `.Go` methods (pools with their own bound) are not ours to judge.
 */
function groupOf(file: FileFacts, pkg: PackageIndex, site: GoInLoop): GroupUse | undefined {
  const start = site.start;
  if (start.via !== 'group') return 'go';
  const receiver = calleeReceiver(start.node);
  if (!receiver) return undefined;
  const kind = groupKindOf(receiver, file.scopes, (owner, field) => fieldTypeOf(file, pkg, owner, field));
  if (kind === 'unknown') return undefined;
  if (kind === 'errgroup' && hasSetLimit(file, pkg, receiver)) return undefined;
  return kind;
}

function hasSetLimit(file: FileFacts, pkg: PackageIndex, receiver: Node): boolean {
  if (receiver.type === 'identifier') return new RegExp(`\\b${receiver.text}\\.SetLimit\\(`).test(file.text);
  const field = receiver.childForFieldName('field')?.text;
  return !!field && pkg.visibleFrom(file).some((f) => f.text.includes(`.${field}.SetLimit(`));
}

function fieldTypeOf(file: FileFacts, pkg: PackageIndex, owner: GoSymbol, field: string): string | undefined {
  const type = structTypeOf(owner);
  if (!type) return undefined;
  for (const f of pkg.visibleFrom(file)) {
    const t = structFields(f.types.get(type)).get(field);
    if (t) return t;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What the goroutine runs.

interface Code {
  file: FileFacts;
  node: Node;
}

/** The bodies the goroutine runs: its func literal, or the package functions its call may reach. */
function goroutineCode(file: FileFacts, pkg: PackageIndex, site: GoInLoop): Code[] {
  const start = site.start;
  if (start.literal) {
    const body = start.literal.childForFieldName('body');
    return body ? [{ file, node: body }] : [];
  }
  const callee = start.via === 'go' ? start.node.namedChild(0)?.childForFieldName('function') : undefined;
  return callee ? bodiesOf(file, pkg, callee) : [];
}

/** The result types of the package functions a callee may be. */
function resultsOf(file: FileFacts, pkg: PackageIndex, callee: Node): string[][] {
  return bodiesOf(file, pkg, callee).map((c) => c.file.functionAt(c.node)?.results ?? []);
}

/**
 * The package functions a callee may be: `f` a function of the package, `x.m` a method m of x's
 * struct type when the syntax shows it (any method m otherwise), nothing for `pkg.F`.
 */
function bodiesOf(file: FileFacts, pkg: PackageIndex, callee: Node, strict = false): Code[] {
  let match: (f: FuncInfo) => boolean;
  if (callee.type === 'identifier') {
    if (file.scopes.resolve(callee)) return []; // a func variable
    match = (f) => f.kind === 'function' && f.declName === callee.text;
  } else if (callee.type === 'selector_expression') {
    const operand = callee.childForFieldName('operand');
    const method = callee.childForFieldName('field')?.text;
    const owner = operand?.type === 'identifier' ? file.scopes.resolve(operand) : undefined;
    if (operand?.type === 'identifier' && !owner) return []; // another package's function
    const type = owner && structTypeOf(owner);
    if (strict && !type) return [];
    match = (f) => f.kind === 'method' && f.declName === method && (!type || f.receiver?.typeName === type);
  } else return [];
  const out: Code[] = [];
  for (const other of pkg.visibleFrom(file)) {
    for (const f of other.functions) if (f.body && match(f)) out.push({ file: other, node: f.body });
  }
  return out;
}

/** Package functions whose calls do I/O: network, disk, database, processes. */
const IO_FUNCS: Record<string, RegExp> = {
  http: /^(Get|Post|PostForm|Head|ReadRequest|ReadResponse|Serve\w*|ListenAndServe\w*|DefaultClient)$/,
  net: /^(Dial\w*|Listen\w*|Lookup\w*|Resolve\w*|FileConn|FileListener)$/,
  os: /^(Open|OpenFile|OpenRoot|Create|CreateTemp|ReadFile|WriteFile|ReadDir|Stat|Lstat|Remove|RemoveAll|Rename|Mkdir|MkdirAll|MkdirTemp|Chmod|Chown|Lchown|Chtimes|Symlink|Link|Readlink|Truncate|StartProcess|CopyFS)$/,
  ioutil: /^(ReadFile|WriteFile|ReadAll|ReadDir|TempFile|TempDir)$/,
  io: /^(Copy|CopyN|CopyBuffer|ReadAll|ReadFull|ReadAtLeast)$/,
  exec: /^(Command|CommandContext)$/,
  sql: /^(Open|OpenDB)$/,
  filepath: /^(Walk|WalkDir|Glob|EvalSymlinks)$/,
  tls: /^(Dial\w*)$/,
  rpc: /^(Dial\w*)$/,
  grpc: /^(Dial\w*|NewClient)$/,
  smtp: /^(SendMail|Dial)$/,
  websocket: /^(Dial\w*)$/,
};
/** Methods that do I/O whatever their receiver: database calls, dials, round trips, process output. */
const IO_METHODS = /^(Query|QueryContext|QueryRow|QueryRowContext|Exec|ExecContext|Prepare|PrepareContext|BeginTx|Ping|PingContext|Dial|DialContext|DialTimeout|RoundTrip|CombinedOutput|Output|ReadFrom\w*|WriteTo\w*|WriteMsg\w*|ReadMsg\w*|Download\w*|Upload\w*)$/;
/** Methods that do I/O on an HTTP client. */
const CLIENT_METHODS = /^(Do|Get|Post|PostForm|Head)$/;

/** Variables of these types do I/O with every method call. */
const IO_TYPES = /^\*?(http\.Client|sql\.(DB|Tx|Conn|Stmt)|net\.(Conn|TCPConn|UDPConn|UnixConn|PacketConn)|os\.File|exec\.Cmd|grpc\.ClientConn)$/;

/** Does the code (or a package function it calls, `depth` calls deep) do I/O? */
function doesIO(file: FileFacts, pkg: PackageIndex, code: Node, depth: number, seen = new Set<number>()): boolean {
  const calls = code.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
  for (const call of calls) {
    const text = calleeText(call) ?? '';
    const name = calleeName(call) ?? '';
    const dot = text.indexOf('.');
    if (dot > 0 && IO_FUNCS[text.slice(0, dot)]?.test(text.slice(dot + 1).split('.')[0])) return true;
    const receiver = calleeReceiver(call);
    if (!receiver) continue;
    if (IO_METHODS.test(name)) return true;
    if (CLIENT_METHODS.test(name) && /client|http/i.test(receiver.text)) return true;
    if (/^exec\.Command/.test(receiver.text)) return true;
    const type = receiver.type === 'identifier' ? file.scopes.resolve(receiver)?.type : undefined;
    if (type && IO_TYPES.test(type)) return true;
  }
  if (depth === 0) return false;
  for (const call of calls) {
    const fn = call.childForFieldName('function');
    for (const callee of fn ? bodiesOf(file, pkg, fn, true) : []) {
      if (seen.has(callee.node.id)) continue;
      seen.add(callee.node.id);
      if (doesIO(callee.file, pkg, callee.node, depth - 1, seen)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Channels, slices: what the syntax and the package show of a range expression.

function questionsFor(file: FileFacts, pkg: PackageIndex): FeedQuestions {
  let channelTexts: Set<string> | undefined;
  const usedAsChannel = (text: string) => {
    channelTexts ??= channelExpressions(file);
    return channelTexts.has(text);
  };
  const isChannel = (expr: Node, depth = 0): boolean => {
    if (depth > 2) return false;
    if (expr.type === 'parenthesized_expression') return expr.namedChild(0) ? isChannel(expr.namedChild(0)!, depth) : false;
    if (expr.type === 'identifier') {
      const s = file.scopes.resolve(expr);
      if (s?.type) return isChanType(file, pkg, s.type);
      if (s?.value) return isChannel(s.value, depth + 1);
      return usedAsChannel(expr.text);
    }
    if (expr.type === 'call_expression') {
      if (calleeText(expr) === 'make') {
        const first = namedChildren(expr.childForFieldName('arguments') ?? expr)[0];
        return first?.type === 'channel_type';
      }
      const fn = expr.childForFieldName('function');
      const results = (fn ? resultsOf(file, pkg, fn) : []).map((r) => r[0]);
      return results.length > 0 && results.every((r) => r !== undefined && isChanType(file, pkg, r));
    }
    if (expr.type === 'selector_expression') {
      const operand = expr.childForFieldName('operand');
      const field = expr.childForFieldName('field')?.text;
      const owner = operand?.type === 'identifier' ? file.scopes.resolve(operand) : undefined;
      const type = owner && field ? fieldTypeOf(file, pkg, owner, field) : undefined;
      if (type) return isChanType(file, pkg, type);
      return usedAsChannel(expr.text);
    }
    return false;
  };
  return {
    isChannel: (expr) => isChannel(expr),
    isSliceOrMap: (type) => isSliceOrMapType(file, pkg, type),
    isInternal: (expr, start) => isInternalChannel(file, pkg, expr, start),
  };
}

/**
 * A channel relaying OS signals (handed to `signal.Notify`), or a work list: made by its
 * function, never handed to other code, and fed only by the function itself or by the
 * goroutines the loop starts (a parallel graph walk). A channel fed by another goroutine (a
 * reader, an accept loop) carries input.
 */
function isInternalChannel(file: FileFacts, pkg: PackageIndex, expr: Node, start: GoStart): boolean {
  const key = file.channels.keyOf(expr);
  if (!key) return false;
  const ops = pkg.opsOnChannel(file, key);
  if (ops.some((op) => op.item.kind === 'arg' && /signal\.Notify(Context)?$/i.test(op.item.callee ?? ''))) return true;
  const symbol = expr.type === 'identifier' ? file.scopes.resolve(expr) : undefined;
  const home = outermost(symbol?.func);
  if (!home || symbol?.value?.type !== 'call_expression' || calleeText(symbol.value) !== 'make') return false;
  const selfFed = (op: { item: ChanOp }) => op.item.kind !== 'send' || sendsFromWithin(op.item.func, home, start);
  return ops.every((op) => op.file === file && outermost(op.item.func) === home && ['send', 'recv', 'range', 'close'].includes(op.item.kind) && selfFed(op));
}

/**
 * Does a send in `func` run in the loop's own goroutine or in one the loop starts, rather than
 * in another goroutine of `home` (a reader feeding the loop)?
 */
function sendsFromWithin(func: FuncInfo | undefined, home: FuncInfo, start: GoStart): boolean {
  for (let f = func; f && f !== home; f = f.parent) {
    if (f.kind !== 'literal' || !startedAsGoroutine(f.node)) continue;
    if (f.node.id === start.literal?.id) return true;
    const containsLoop = f.node.startIndex <= start.node.startIndex && start.node.endIndex <= f.node.endIndex;
    if (!containsLoop) return false;
  }
  return true;
}

function startedAsGoroutine(literal: Node): boolean {
  const parent = literal.parent;
  if (parent?.type === 'call_expression') return parent.parent?.type === 'go_statement';
  return parent?.type === 'argument_list' && /\.Go$/.test(parent.parent?.childForFieldName('function')?.text ?? '');
}

function outermost(func: FuncInfo | undefined): FuncInfo | undefined {
  let f = func;
  while (f?.parent) f = f.parent;
  return f;
}

/** Expressions the file sends on, receives from or closes: channels, whatever their declaration. */
function channelExpressions(file: FileFacts): Set<string> {
  const out = new Set<string>();
  for (const n of file.nodesOf(['send_statement', 'unary_expression', 'call_expression'])) {
    if (n.type === 'send_statement') {
      const ch = n.childForFieldName('channel');
      if (ch) out.add(ch.text);
    } else if (n.type === 'unary_expression') {
      if (n.child(0)?.type === '<-') {
        const ch = n.childForFieldName('operand');
        if (ch) out.add(ch.text);
      }
    } else if (calleeText(n) === 'close') {
      const ch = namedChildren(n.childForFieldName('arguments') ?? n)[0];
      if (ch) out.add(ch.text);
    }
  }
  return out;
}

function isChanType(file: FileFacts, pkg: PackageIndex, type: string): boolean {
  const t = type.trim();
  if (/^(<-\s*)?chan\b/.test(t)) return !/^chan\s*<-/.test(t);
  return underlyingKind(file, pkg, t) === 'channel_type';
}

function isSliceOrMapType(file: FileFacts, pkg: PackageIndex, type: string): boolean {
  const t = type.trim();
  if (/^(\[\]|\.\.\.|map\[)/.test(t)) return true;
  const kind = underlyingKind(file, pkg, t);
  return kind === 'slice_type' || kind === 'map_type';
}

/** The node type of a named type's declaration in the package: `type Jobs chan Job` gives channel_type. */
function underlyingKind(file: FileFacts, pkg: PackageIndex, type: string): string | undefined {
  const name = type.replace(/^\*/, '');
  if (!/^\w+$/.test(name)) return undefined;
  for (const f of pkg.visibleFrom(file)) {
    const decl = f.types.get(name);
    if (decl) return decl.type.type;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wording and positions.

function messageFor(feed: LoopFeed, group: GroupUse): string {
  const what = group === 'errgroup' ? 'goroutine (errgroup without SetLimit)' : 'goroutine';
  switch (feed.kind) {
    case 'channel':
      return `${what} started per item of an unbounded range over ${feed.source} with no limit`;
    case 'receive':
      return `${what} started per value received from ${feed.source} with no limit`;
    case 'next':
      return `${what} started per ${feed.noun} of ${feed.source} with no limit`;
    case 'read':
      return `${what} started per ${feed.noun} read by ${feed.source} with no limit`;
    case 'param':
      return `${what} doing I/O started per element of parameter ${feed.source} with no limit`;
    case 'accept': {
      const how = feed.node.type === 'call_expression' ? 'accepted by' : 'received from';
      return `${what} started per ${feed.noun} ${how} ${feed.source} with no limit: the usual server idiom, but a flood of ${feed.noun}s is a flood of goroutines`;
    }
  }
}

function relatedMessage(feed: LoopFeed): string {
  switch (feed.kind) {
    case 'channel':
      return `the loop runs once per value received from ${feed.source}`;
    case 'param':
      return `the loop runs once per element of ${feed.source}, which the caller chooses`;
    case 'accept':
      return `each accepted ${feed.noun} starts a goroutine`;
    default:
      return `the loop runs once per ${feed.noun} of outside input`;
  }
}

/** The `go` keyword, or the `g.Go` of a group start, or the helper's name. */
function startKeyword(site: GoInLoop): Range {
  const node = site.start.node;
  if (node.type === 'go_statement') {
    const r = rangeOf(node);
    return { start: r.start, end: { line: r.start.line, character: r.start.character + 2 } };
  }
  const fn = node.childForFieldName('function');
  return rangeOf(fn ?? node);
}

function statementOf(node: Node): Node {
  return node.parent?.type === 'expression_statement' ? node.parent : node;
}

/** Tests, benchmarks and examples: a burst of goroutines there hurts less. */
function isTestCode(file: FileFacts, func: FuncInfo | undefined): boolean {
  let top = func;
  while (top?.parent) top = top.parent;
  return file.isTestFile || /^(Test|Benchmark|Example|Fuzz)/.test(top?.declName ?? '');
}
