// The package index: the facts of every .go file of one directory, merged. It answers the
// questions a single file cannot: is this channel closed anywhere in the package (another
// method, another file, a function it is passed to), which functions close, send on or range
// over their i-th parameter, and where is a function started as a goroutine.
import type { ChanOp } from '../facts/channels';
import { structTypeOf, type FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { GoStart } from '../facts/goroutines';

export interface Located<T> {
  file: FileFacts;
  item: T;
}

export interface FunctionSummary {
  /** Parameter indexes the function (or a goroutine or callee it hands them to) closes. */
  closes: Set<number>;
  sends: Set<number>;
  receives: Set<number>;
}

/** How many calls deep a parameter is followed into package functions. */
const MAX_HOPS = 3;

export class PackageIndex {
  private readonly functionsByKey = new Map<string, Located<FuncInfo>[]>();
  private readonly aliasClasses = new UnionFind();
  private summaries?: Map<string, FunctionSummary>;

  constructor(readonly files: readonly FileFacts[]) {
    for (const file of files) {
      for (const f of file.functions) {
        const key = functionKey(f);
        if (key) push(this.functionsByKey, key, { file, item: f });
      }
    }
  }

  /** An index of one file alone (the file is its own package). */
  static of(file: FileFacts): PackageIndex {
    return new PackageIndex([file]);
  }

  /** Files whose declarations may speak for `file`: test files see everything, others no tests. */
  visibleFrom(file: FileFacts): FileFacts[] {
    return file.isTestFile ? [...this.files] : this.files.filter((f) => !f.isTestFile);
  }

  goStarts(from: FileFacts): Located<GoStart>[] {
    return this.visibleFrom(from).flatMap((file) => file.goStarts.map((item) => ({ file, item })));
  }

  /** Package functions or methods a call may reach, by what the call's syntax shows. */
  callees(file: FileFacts, callee: string | undefined, at = Number.MAX_SAFE_INTEGER): Located<FuncInfo>[] {
    if (!callee) return [];
    const visible = new Set(this.visibleFrom(file));
    const found = this.functionsByKey.get(this.calleeKey(file, callee, at)) ?? [];
    return found.filter((f) => visible.has(f.file));
  }

  /** The package's methods named `method`, of type `typeName` when given, visible from `file`. */
  methods(file: FileFacts, method: string, typeName?: string): Located<FuncInfo>[] {
    const visible = new Set(this.visibleFrom(file));
    const found = typeName ? (this.functionsByKey.get(`${typeName}.${method}`) ?? []) : (this.methodsByName().get(method) ?? []);
    return found.filter((f) => visible.has(f.file) && f.item.kind === 'method');
  }

  private byMethodName?: Map<string, Located<FuncInfo>[]>;
  private methodsByName(): Map<string, Located<FuncInfo>[]> {
    if (!this.byMethodName) {
      this.byMethodName = new Map();
      for (const defs of this.functionsByKey.values()) {
        for (const d of defs) if (d.item.kind === 'method' && d.item.declName) push(this.byMethodName, d.item.declName, d);
      }
    }
    return this.byMethodName;
  }

  /** Every operation, in every visible file, on the channel `key` or a key it was copied to or from. */
  opsOnChannel(file: FileFacts, key: string): Located<ChanOp>[] {
    this.buildAliases();
    const cls = this.aliasClasses.find(key);
    return this.visibleFrom(file).flatMap((f) =>
      f.channels.ops.filter((op) => this.aliasClasses.find(op.key) === cls).map((item) => ({ file: f, item })),
    );
  }

  summaryOf(f: FuncInfo): FunctionSummary | undefined {
    const key = functionKey(f);
    return key ? this.buildSummaries().get(key) : undefined;
  }

  /**
   * `f`, `T.m` for `x.m` when x's struct type shows, else `.m` (any method named m). `at` is where
   * the call is, so a local `x` resolves (callers that omit it see only package-level names).
   */
  private calleeKey(file: FileFacts, callee: string, at: number): string {
    const dot = callee.lastIndexOf('.');
    if (dot < 0) return callee;
    const operand = callee.slice(0, dot);
    const method = callee.slice(dot + 1);
    if (/^\w+$/.test(operand)) {
      const symbol = file.scopes.lookup(operand, at);
      const type = symbol && structTypeOf(symbol);
      if (type) return `${type}.${method}`;
      if (!symbol) return `pkg:${callee}`; // another package's function: not ours
    }
    return `.${method}`;
  }

  private builtAliases = false;
  private buildAliases(): void {
    if (this.builtAliases) return;
    this.builtAliases = true;
    for (const file of this.files) {
      for (const op of file.channels.ops) {
        if (op.kind === 'alias' && op.target) this.aliasClasses.union(op.key, op.target);
        // `return ch` in function f: ch is what `f(…)` gives its callers.
        // Only a single returned value: `return a, b` must not merge a and b into one channel.
        const single = op.node.parent?.type !== 'expression_list' || op.node.parent.namedChildCount === 1;
        if (single && op.kind === 'return' && op.func?.kind === 'function' && op.func.declName) {
          this.aliasClasses.union(op.key, `result:${op.func.declName}`);
        }
      }
    }
  }

  /** Per-function parameter summaries, followed through calls up to MAX_HOPS deep. */
  private buildSummaries(): Map<string, FunctionSummary> {
    if (this.summaries) return this.summaries;
    const summaries = new Map<string, FunctionSummary>();
    for (const [key, defs] of this.functionsByKey) summaries.set(key, directSummary(defs));
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      for (const [key, defs] of this.functionsByKey) {
        const summary = summaries.get(key)!;
        for (const { file, item: f } of defs) this.followCalls(file, f, summary, summaries);
      }
    }
    this.summaries = summaries;
    return summaries;
  }

  /** A parameter handed to a callee that closes (sends on, receives from) that argument. */
  private followCalls(file: FileFacts, f: FuncInfo, summary: FunctionSummary, summaries: Map<string, FunctionSummary>): void {
    const params = paramKeys(file, f);
    for (const op of file.channels.ops) {
      if (op.kind !== 'arg' || op.argIndex === undefined || !params.has(op.key) || !within(op.func, f)) continue;
      const index = params.get(op.key)!;
      for (const callee of this.callees(file, op.callee)) {
        const s = summaries.get(functionKey(callee.item)!);
        if (!s) continue;
        if (s.closes.has(op.argIndex)) summary.closes.add(index);
        if (s.sends.has(op.argIndex)) summary.sends.add(index);
        if (s.receives.has(op.argIndex)) summary.receives.add(index);
      }
    }
  }
}

/** `run` for a function, `T.run` for a method of T or *T. */
export function functionKey(f: FuncInfo): string | undefined {
  if (f.kind === 'function') return f.declName;
  if (f.kind === 'method' && f.receiver) return `${f.receiver.typeName}.${f.declName}`;
  return undefined;
}

/** What a function does to its channel parameters in its own body and its literals. */
function directSummary(defs: Located<FuncInfo>[]): FunctionSummary {
  const summary: FunctionSummary = { closes: new Set(), sends: new Set(), receives: new Set() };
  for (const { file, item: f } of defs) {
    const params = paramKeys(file, f);
    if (params.size === 0) continue;
    for (const op of file.channels.ops) {
      const index = params.get(op.key);
      if (index === undefined || !within(op.func, f)) continue;
      if (op.kind === 'close') summary.closes.add(index);
      else if (op.kind === 'send') summary.sends.add(index);
      else if (op.kind === 'recv' || op.kind === 'range') summary.receives.add(index);
    }
  }
  return summary;
}

/** Channel keys of f's parameters → parameter index. */
export function paramKeys(file: FileFacts, f: FuncInfo): Map<string, number> {
  return new Map(file.scopes.paramsOf(f).map((s) => [`${file.path}#${s.id}`, s.paramIndex!]));
}

/** Does code of `inner` run as part of `outer` (itself or a literal nested in it)? */
export function within(inner: FuncInfo | undefined, outer: FuncInfo): boolean {
  for (let f = inner; f; f = f.parent) if (f === outer) return true;
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(x, root);
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}
