// Counting, along the paths of structured Go code, how many values are sent on one channel and
// how many are received from it. No control-flow graph: statements are walked in order, with a
// small set of abstract states per point (`if`, `switch` and `select` fork them, loops run their
// body twice: once, then "many times"). Each way out of the walked code (falling off its end, a
// `return`, a `break`/`continue` that leaves it, a test stopping) is an Outcome with the counts
// of its path. Paths that end the process (`panic`, `os.Exit`, `log.Fatal`) and `goto` are dropped:
// staying silent is the safe side.
import type { Node } from 'web-tree-sitter';
import { BREAKABLE_TYPES, firstChildOfType, namedChildren, statementsOf } from './syntax';

/** More than any literal count: "one per iteration of a loop whose trip count is unknown". */
export const MANY = Infinity;

export interface PathState {
  /** Values sent on the channel so far (for words: how many senders). */
  sent: number;
  /** Values received so far. */
  recv: number;
  /** Values sent and not yet received: the senders still blocked (or buffered). Never below 0. */
  pending: number;
  /** The path called t.Error/t.Fatal/…: the test has failed. */
  failed: boolean;
  /** The last `select` case taken that did not receive from the channel. */
  via?: Node;
  /** This turn went through a select case that disables itself (`tick = nil`) until re-armed. */
  oneShot?: boolean;
}

export type OutcomeKind = 'normal' | 'return' | 'break' | 'continue' | 'stop';

export interface Outcome {
  /** `stop`: a test stops its goroutine (t.Fatal, t.FailNow, t.Skip, require.…). */
  kind: OutcomeKind;
  /** For break/continue: the id of the statement they leave or continue. */
  target?: number;
  state: PathState;
  /** The statement that leaves (return, break, the stopping call). */
  at?: Node;
}

/** Something that happens at a node: a receive (+1 recv), a send (+1 sent), a goroutine start (+its sends). */
export interface PathEvent {
  node: Node;
  sent: number;
  recv: number;
}

export type CallEffect = 'terminate' | 'stop' | 'fail' | undefined;

export interface PathQuestions {
  /** Sorted by start index. Only events of the walked function's own code. */
  events: readonly PathEvent[];
  /** What a call statement does to the path. */
  callEffect(call: Node): CallEffect;
  /** A select case whose firing means every sender is done (a done channel the sender closes). */
  senderDone(communicationCase: Node): boolean;
  /** A condition that holds only once every send was received: `!ok` after a receive, a progress counter at its goal. */
  allReceivedWhen(condition: Node): boolean;
  /** A `for … range` over the channel itself. */
  rangesOverChannel(loop: Node): boolean;
  /** Known trip count of a loop (`for range 3`, `for i := 0; i < 3; i++`). */
  tripCount(loop: Node): number | undefined;
  /** A case that sets its own channel to nil (`case <-tick: tick = nil`): it fires once until re-armed. */
  disablesItself(communicationCase: Node): boolean;
  /** Walk each loop body once, as if every loop ran at most one turn. */
  onePass?: boolean;
}

/** How much walking one question may cost before giving up (and staying silent). */
const BUDGET = 50_000;
const MAX_STATES = 24;

class OutOfBudget extends Error {}

/**
 * Walks `statements` (in order) starting from one state; returns every way out, or undefined
 * when the code is too large or too deeply nested to walk.
 */
export function walkPaths(statements: readonly Node[], q: PathQuestions, start: PathState = { sent: 0, recv: 0, pending: 0, failed: false }): Outcome[] | undefined {
  const walker = new Walker(q);
  try {
    return walker.list(statements, [start]);
  } catch (err) {
    if (err instanceof OutOfBudget) return undefined;
    throw err;
  }
}

/** The pending count a probe pass starts from: large enough that receives never hit zero. */
const PROBE = 1_000_000;

interface LoopDeltas {
  /** The most one turn can add to `pending` (negative: every turn receives more than it sends). */
  pending: number;
  /** The most a turn through a self-disabling case adds: it cannot pile up. */
  oneShot: number;
  sent: number;
  /** The fewest values one turn receives. */
  recv: number;
  /** Some turn receives. */
  receives: boolean;
}

class Walker {
  private steps = 0;
  private readonly deltas = new Map<number, LoopDeltas | undefined>();

  constructor(private readonly q: PathQuestions) {}

  list(statements: readonly Node[], states: PathState[]): Outcome[] {
    const out: Outcome[] = [];
    let current = states;
    for (const s of statements) {
      if (current.length === 0) break;
      const results = this.statement(s, current);
      current = [];
      for (const r of results) {
        if (r.kind === 'normal') current.push(r.state);
        else out.push(r);
      }
      current = dedupeStates(current);
    }
    for (const state of current) out.push({ kind: 'normal', state });
    return dedupeOutcomes(out);
  }

  private statement(s: Node, states: PathState[]): Outcome[] {
    if (++this.steps > BUDGET) throw new OutOfBudget();
    switch (s.type) {
      case 'block':
        return this.list(statementsOf(s), states);
      case 'labeled_statement': {
        const inner = namedChildren(s).find((c) => c.type !== 'label_name' && c.type !== 'comment');
        return inner ? this.statement(inner, states) : normal(states);
      }
      case 'if_statement':
        return this.ifStatement(s, states);
      case 'for_statement':
        return this.forStatement(s, states);
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return this.switchStatement(s, states);
      case 'select_statement':
        return this.selectStatement(s, states);
      case 'return_statement':
        return this.apply(s, states).map((state) => ({ kind: 'return', state, at: s }));
      case 'break_statement':
      case 'continue_statement': {
        const target = jumpTarget(s);
        if (target === undefined) return []; // cannot tell where it goes: drop the path
        return states.map((state) => ({ kind: s.type === 'break_statement' ? 'break' : 'continue', target, state, at: s }));
      }
      case 'goto_statement':
        return [];
      case 'defer_statement':
        return normal(states); // runs at the function's end, not here
      case 'expression_statement':
        return this.expressionStatement(s, states);
      default:
        return normal(this.apply(s, states));
    }
  }

  private expressionStatement(s: Node, states: PathState[]): Outcome[] {
    const after = this.apply(s, states);
    const call = s.namedChild(0);
    const effect = call?.type === 'call_expression' ? this.q.callEffect(call) : undefined;
    if (effect === 'terminate') return [];
    if (effect === 'stop') return after.map((state) => ({ kind: 'stop', state: { ...state, failed: true }, at: s }));
    if (effect === 'fail') return normal(after.map((state) => ({ ...state, failed: true })));
    return normal(after);
  }

  private ifStatement(s: Node, states: PathState[]): Outcome[] {
    let current = this.apply(s.childForFieldName('initializer'), states);
    const condition = s.childForFieldName('condition');
    current = this.apply(condition, current);
    const thenStates = condition && this.q.allReceivedWhen(condition) ? current.map(allReceived) : current;
    const out = this.statement(s.childForFieldName('consequence')!, thenStates);
    const alternative = s.childForFieldName('alternative');
    return out.concat(alternative ? this.statement(alternative, current) : normal(current));
  }

  private switchStatement(s: Node, states: PathState[]): Outcome[] {
    let current = this.apply(s.childForFieldName('initializer'), states);
    current = this.apply(s.childForFieldName('value'), current);
    const cases = namedChildren(s).filter((c) => c.type === 'expression_case' || c.type === 'type_case' || c.type === 'default_case');
    const out: Outcome[] = [];
    for (const c of cases) out.push(...this.list(statementsOf(c), this.apply(c.type === 'expression_case' ? c.childForFieldName('value') : null, current)));
    if (!cases.some((c) => c.type === 'default_case')) out.push(...normal(current));
    return resolveBreaks(out, s);
  }

  private selectStatement(s: Node, states: PathState[]): Outcome[] {
    const cases = namedChildren(s).filter((c) => c.type === 'communication_case' || c.type === 'default_case');
    const out: Outcome[] = [];
    for (const c of cases) {
      const communication = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
      let entry = this.apply(communication, states);
      const receives = communication !== null && this.eventsIn(communication).recv > 0;
      if (!receives) {
        entry = this.q.senderDone(c) ? entry.map(allReceived) : entry.map((st) => ({ ...st, via: c }));
      }
      if (this.q.disablesItself(c)) entry = entry.map((st) => ({ ...st, oneShot: true }));
      out.push(...this.list(statementsOf(c), entry));
    }
    // `select {}` blocks forever: no way out.
    return resolveBreaks(out, s);
  }

  private forStatement(loop: Node, states: PathState[]): Outcome[] {
    const clause = firstChildOfType(loop, 'for_clause');
    const range = firstChildOfType(loop, 'range_clause');
    const body = loop.childForFieldName('body');
    const condition = clause ? clause.childForFieldName('condition') : range ? null : bareCondition(loop);
    const overChannel = range !== undefined && this.q.rangesOverChannel(loop);
    const infinite = !range && !condition;
    const counted = !infinite && !overChannel && (range !== undefined || Boolean(clause?.childForFieldName('initializer') || clause?.childForFieldName('update')));
    let entry = this.apply(clause?.childForFieldName('initializer') ?? null, states);
    entry = this.apply(range?.childForFieldName('right') ?? null, entry);
    const out: Outcome[] = [];
    if (this.q.onePass) {
      for (const s0 of entry) {
        const again = this.iteration(loop, body, s0, overChannel, out);
        if (!infinite) out.push(...normal([s0, ...again]));
      }
      return dedupeOutcomes(out);
    }
    const deltas = this.loopDeltas(loop, body, overChannel);
    for (const s0 of entry) {
      const again = this.iteration(loop, body, s0, overChannel, out);
      if (again.length === 0 || !deltas) {
        // Every turn leaves: the loop ends by its exits, or runs zero times.
        if (!infinite) out.push({ kind: 'normal', state: overChannel ? allReceived(s0) : s0 });
        continue;
      }
      const many: PathState = { ...manyTurns(s0, deltas, this.q.tripCount(loop)), via: again.find((s) => s.via)?.via ?? s0.via };
      this.iteration(loop, body, many, overChannel, out);
      if (infinite) continue;
      let end = many;
      if (overChannel) end = allReceived(many); // the range ends when the senders close the channel
      else if (!counted && deltas.receives) end = { ...many, pending: 0 }; // `for !done`: runs until it receives
      out.push({ kind: 'normal', state: end });
    }
    return dedupeOutcomes(out);
  }

  /**
   * What one turn of the body does to the counts, from a probe state whose pending count never
   * reaches zero (so receives are not clamped). Control flow does not depend on the counts, so
   * this is computed once per loop.
   */
  private loopDeltas(loop: Node, body: Node | null, overChannel: boolean): LoopDeltas | undefined {
    if (this.deltas.has(loop.id)) return this.deltas.get(loop.id);
    const probe: PathState = { sent: 0, recv: 0, pending: PROBE, failed: false };
    const again = this.iteration(loop, body, probe, overChannel, []);
    const delta = (s: PathState) => (s.pending === MANY ? MANY : s.pending - PROBE);
    const most = (list: PathState[]) => (list.length > 0 ? Math.max(...list.map(delta)) : Number.NEGATIVE_INFINITY);
    const d =
      again.length === 0
        ? undefined
        : {
            pending: most(again.filter((s) => !s.oneShot)),
            oneShot: most(again.filter((s) => s.oneShot)),
            sent: Math.max(...again.map((s) => s.sent)),
            recv: Math.min(...again.map((s) => s.recv)),
            receives: again.some((s) => s.recv > 0),
          };
    this.deltas.set(loop.id, d);
    return d;
  }

  /** One pass of the body from `s0`: pushes the ways out of the loop, returns the states that go round again. */
  private iteration(loop: Node, body: Node | null, s0: PathState, overChannel: boolean, out: Outcome[]): PathState[] {
    const start = overChannel ? received(s0, 1) : s0;
    const results = body ? this.statement(body, [start]) : normal([start]);
    const again: PathState[] = [];
    for (const r of results) {
      if (r.kind === 'normal' || (r.kind === 'continue' && r.target === loop.id)) again.push(r.state);
      else if (r.kind === 'break' && r.target === loop.id) out.push({ kind: 'normal', state: r.state });
      else out.push(r);
    }
    return dedupeStates(again);
  }

  /** States after running the events of `node` (a simple statement or a header expression). */
  private apply(node: Node | null, states: PathState[]): PathState[] {
    if (!node) return states;
    const { sent, recv } = this.eventsIn(node);
    if (sent === 0 && recv === 0) return states;
    return states.map((s) => received({ ...s, sent: s.sent + sent, pending: s.pending + sent }, recv));
  }

  private eventsIn(node: Node): { sent: number; recv: number } {
    let sent = 0;
    let recv = 0;
    for (const e of this.q.events) {
      if (e.node.startIndex >= node.endIndex) break;
      if (e.node.startIndex >= node.startIndex && e.node.endIndex <= node.endIndex) {
        sent += e.sent;
        recv += e.recv;
      }
    }
    return { sent, recv };
  }
}

/**
 * After many turns of a loop: pending values pile up when some turn sends more than it receives,
 * drain when every turn receives more than it sends, and stay put otherwise.
 */
function manyTurns(s0: PathState, d: LoopDeltas, trips: number | undefined): PathState {
  const times = trips ?? MANY;
  const grow = (base: number, delta: number) => (delta > 0 ? base + delta * times : base);
  let pending = s0.pending;
  if (d.pending > 0) pending = s0.pending + d.pending * times;
  else if (d.pending < 0) pending = trips === undefined ? 0 : Math.max(0, s0.pending + d.pending * trips);
  if (d.oneShot > 0 && d.pending <= 0) pending = s0.pending + d.oneShot; // one outstanding at a time
  return { ...s0, sent: grow(s0.sent, d.sent), recv: grow(s0.recv, d.recv), pending };
}

/** `n` more receives: pending values are taken first; a receive with nothing pending waits for a later send. */
function received(s: PathState, n: number): PathState {
  if (n === 0) return s;
  return { ...s, via: undefined, recv: s.recv + n, pending: s.pending === MANY ? MANY : Math.max(0, s.pending - n) };
}

/** Every sender is done (the channel is closed, or a done signal fired after the last send). */
function allReceived(s: PathState): PathState {
  return { ...s, recv: MANY, pending: 0 };
}

/** `for cond { … }`: the condition is a bare expression child before the body. */
function bareCondition(loop: Node): Node | null {
  const body = loop.childForFieldName('body');
  return namedChildren(loop).find((c) => c.id !== body?.id && c.type !== 'comment') ?? null;
}

/** The statement a break or continue leaves (or continues): by label, or the nearest one. */
function jumpTarget(jump: Node): number | undefined {
  const label = firstChildOfType(jump, 'label_name')?.text;
  for (let p = jump.parent; p; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return undefined;
    if (label !== undefined) {
      if (p.type === 'labeled_statement' && p.childForFieldName('label')?.text === label) {
        return namedChildren(p).find((c) => c.type !== 'label_name' && c.type !== 'comment')?.id;
      }
      continue;
    }
    if (jump.type === 'continue_statement' ? p.type === 'for_statement' : BREAKABLE_TYPES.has(p.type)) return p.id;
  }
  return undefined;
}

function resolveBreaks(out: Outcome[], statement: Node): Outcome[] {
  return dedupeOutcomes(out.map((o) => (o.kind === 'break' && o.target === statement.id ? { kind: 'normal', state: o.state } : o)));
}

function normal(states: PathState[]): Outcome[] {
  return states.map((state) => ({ kind: 'normal', state }));
}

function stateKey(s: PathState): string {
  return `${s.sent}/${s.recv}/${s.pending}/${s.failed ? 1 : 0}/${s.oneShot ? 1 : 0}`;
}

function dedupeStates(states: PathState[]): PathState[] {
  const seen = new Map<string, PathState>();
  for (const s of states) if (!seen.has(stateKey(s))) seen.set(stateKey(s), s);
  return [...seen.values()].slice(0, MAX_STATES);
}

function dedupeOutcomes(out: Outcome[]): Outcome[] {
  const seen = new Map<string, Outcome>();
  for (const o of out) {
    const key = `${o.kind}:${o.target ?? ''}:${stateKey(o.state)}:${o.at?.id ?? ''}`;
    if (!seen.has(key)) seen.set(key, o);
  }
  return [...seen.values()];
}
