// Where a value goes, from syntax: the core of the heap-escape heuristics. Starting from an
// expression (an allocation, `&x`, a parameter), it walks up the tree to what consumes the value
// (a return, an assignment, a call argument, a send, a composite literal), follows local
// variables through their uses, and stops at the first place that keeps the value past the
// frame: a global, a field or map reached through a pointer, a channel, a goroutine, a callee
// whose parameter leaks, or code it cannot see (taken as leaking, as the compiler must).
//
// `level` counts dereferences between the traced expression and the value that matters: `&x`
// is traced at 0; an element stored in a slice literal is at level 1 of that literal. A callee
// that leaks only its parameter's content (json.Marshal) lets level ≥ 1 escape, not level 0.
import type { Node } from 'web-tree-sitter';
import { checkBudget } from '../facts/budget';
import type { FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { GoSymbol } from '../facts/scopes';
import { calleeText, insideLoop, namedChildren } from '../facts/syntax';
import { structFields } from '../facts/types';
import { deadBranches, packageFalseConstants } from '../facts/deadCode';
import { identifiersIn } from '../facts/references';
import { isStdlibPackage, isStdlibType, stdlibFunction, variadicElement, type ParamEscape } from '../data/stdlibEscapes';
import { RecursiveMemo } from './fixpoint';
import { functionKey, type Located, type PackageIndex } from './packageIndex';

export interface Escape {
  kind: 'heap';
  reason: string;
  /** Where the value leaves: the return, the store, the call. */
  at: Node;
  atFile: FileFacts;
}

export interface ToResult {
  kind: 'result';
  at: Node;
  atFile: FileFacts;
}

export type Sink = Escape | ToResult;

/**
 * Parameter tags, like the compiler's `leaking param` lines: the value itself leaks (heap), only
 * what it points to (content), it flows to a result (result), or what it points to does
 * (result-content: `strings.Builder.String` returns the buffer, not the builder).
 */
export type Leak = 'none' | 'heap' | 'content' | 'content+result' | 'result' | 'result-content';

const MAX_DEPTH = 24;
/**
 * Standard packages whose variadic parameters are `...any` (fmt.Printf, log.Printf, slog.Info,
 * t.Errorf): the table has tags, not types, and `strings.NewReplacer(...string)` boxes nothing.
 */
const BOXING_PACKAGES = new Set(['fmt', 'log', 'log/slog', 'testing']);
/**
 * A method of another module's type (`cryptobyte.String.ReadUint16(&x)`): the compiler has its
 * summary, goleash does not. Measured on the oracle's tune half, "flows to the result" beats
 * "leaks" (moved-to-heap precision 70 %) and "keeps nothing" (recall 88 %). Another module's
 * plain functions are taken as leaking, which measured better for them (metrics.AddSample keeps
 * its labels; constructors keep their arguments).
 */
const OTHER_PACKAGE: Leak = 'result';
const NO_ESCAPE_BUILTINS = new Set(['len', 'cap', 'delete', 'close', 'print', 'println', 'min', 'max', 'clear', 'complex', 'real', 'imag', 'copy', 'new', 'make']);
const BASIC_TYPES = new Set([
  'string', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'bool', 'complex64', 'complex128', 'error', 'any',
]);

interface Walk {
  file: FileFacts;
  depth: number;
  seen: Set<string>;
}

export class EscapeFlow {
  private readonly leaks = new RecursiveMemo<Leak>('none', (a, b) => strongest([a, b]));
  private readonly literalEscapes = new Map<number, Sink | null>();

  constructor(private readonly pkg: PackageIndex) {}

  private readonly deadByFile = new WeakMap<FileFacts, Node[]>();

  /** Blocks of `file` the compiler drops (`if debug {…}` with a false constant). */
  deadBranches(file: FileFacts): Node[] {
    let dead = this.deadByFile.get(file);
    if (!dead) {
      // The constants are the package's: computed once per visibility (test files see more).
      const key = file.isTestFile ? 'test' : 'code';
      let constants = this.falseConstants.get(key);
      if (!constants) {
        constants = packageFalseConstants(this.pkg, file);
        this.falseConstants.set(key, constants);
      }
      dead = deadBranches(file, constants);
      this.deadByFile.set(file, dead);
    }
    return dead;
  }

  private readonly falseConstants = new Map<string, Set<string>>();

  /** Package-wide memo for what rules derive from every file of the package (sizes, constants). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  private readonly memos = new Map<string, unknown>();

  isDead(file: FileFacts, node: Node): boolean {
    return this.deadBranches(file).some((b) => b.startIndex <= node.startIndex && node.endIndex <= b.endIndex);
  }

  /** Where the value of `expr` (in `file`) ends up, `level` dereferences down. */
  sinkOf(file: FileFacts, expr: Node, level: number): Sink | undefined {
    return this.destination(expr, level, { file, depth: 0, seen: new Set() });
  }

  /** Does this func literal outlive its frame (stored, returned, started with go)? */
  funcLiteralSink(file: FileFacts, lit: Node): Sink | undefined {
    const cached = this.literalEscapes.get(lit.id);
    if (cached !== undefined) return cached ?? undefined;
    this.literalEscapes.set(lit.id, null); // recursion guard: a literal that reaches itself stays
    const sink = this.destination(lit, 0, { file, depth: 0, seen: new Set() });
    this.literalEscapes.set(lit.id, sink ?? null);
    return sink;
  }

  /**
   * The tag of parameter `index` (-1: the receiver) of a package function, like `leaking param`.
   * Functions that reach each other (recursion, methods calling methods through the receiver)
   * start from "no leak" and are computed to a fixed point (index/fixpoint.ts).
   */
  leakOf(callee: Located<FuncInfo>, index: number): Leak {
    const key = `${functionKey(callee.item) ?? callee.item.name}#${index}`;
    return this.leaks.get(key, () => this.computeLeak(callee, index));
  }

  private computeLeak({ file, item: f }: Located<FuncInfo>, index: number): Leak {
    const symbol = index < 0 ? receiverSymbol(file, f) : file.scopes.paramsOf(f).find((s) => s.paramIndex === index);
    if (!symbol) return 'none'; // unnamed or `_`: the body cannot use it
    const walk = (): Walk => ({ file, depth: 0, seen: new Set() });
    const itself = this.followSymbol(symbol, 0, walk());
    if (itself?.kind === 'heap') return 'heap';
    const content = this.followSymbol(symbol, 1, walk());
    if (content?.kind === 'heap') return 'content';
    return itself ? 'result' : content ? 'result-content' : 'none';
  }

  /** Does `operand.method()` take `&operand` (a pointer-receiver method of operand's type)? */
  takesPointerReceiver(file: FileFacts, operand: Node, method: string): boolean {
    const type = this.typeOf(file, operand)?.replace(/\[.*\]$/, '');
    if (!type || type.startsWith('*')) return false;
    const dot = type.indexOf('.');
    if (dot > 0) {
      const path = this.imports(file).get(type.slice(0, dot));
      return !!path && isStdlibPackage(path) && stdlibFunction(path, `(*${type.slice(dot + 1)}).${method}`)?.pointerReceiver === true;
    }
    return this.methodsOf(file, operand, type, method).some((m) => m.item.receiver?.pointer);
  }

  /**
   * Does argument `index` of this call get boxed into an interface that leaks? True for a
   * standard-library parameter (or `...any` element) whose tag leaks to the heap, or a package
   * function's `...any` / `any` parameter that leaks: a non-pointer value there is boxed first.
   */
  boxesArgument(file: FileFacts, call: Node, index: number): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const stmt = call.parent;
    if (stmt?.type === 'go_statement' || stmt?.type === 'defer_statement') return false;
    if (fn.type === 'identifier') {
      return this.pkg.callees(file, fn.text, call.startIndex).some((c) => {
        const p = c.item.params[paramIndexFor(c.item, index)];
        return !!p && /^(\.\.\.)?(any|interface\{\})$/.test(p.type.replace(/\s+/g, '')) && this.leakOf(c, paramIndexFor(c.item, index)) !== 'none';
      });
    }
    if (fn.type !== 'selector_expression') return false;
    const operand = fn.childForFieldName('operand');
    const name = fn.childForFieldName('field')?.text ?? '';
    if (!operand) return false;
    const imports = this.imports(file);
    let std: ReturnType<typeof stdlibFunction>;
    let stdPath = '';
    if (isPackageName(file, operand, imports)) {
      stdPath = imports.get(operand.text)!;
      std = isStdlibPackage(stdPath) ? stdlibFunction(stdPath, name) : undefined;
    } else {
      const type = this.typeOf(file, operand)?.replace(/^\*/, '');
      const dot = type?.indexOf('.') ?? -1;
      stdPath = (type && dot > 0 ? imports.get(type.slice(0, dot)) : undefined) ?? '';
      std = stdPath && isStdlibPackage(stdPath) ? stdlibFunction(stdPath, `(*${type!.slice(dot + 1)}).${name}`) : undefined;
    }
    if (!std || !BOXING_PACKAGES.has(stdPath)) return false;
    // Only the `...` tail: a fixed parameter's tag does not say whether it is an interface
    // (Errorf's `format string` leaks too, unboxed).
    const last = std.params.length - 1;
    const param = std.params[last];
    if (!std.variadic || index < last || !param) return false;
    return variadicElement(param).leak === 'heap';
  }

  /** Where `&operand` goes when passed as the receiver of `operand.method()`. */
  receiverSink(file: FileFacts, operand: Node, method: string, call: Node): Sink | undefined {
    const w: Walk = { file, depth: 0, seen: new Set() };
    if (call.parent?.type === 'go_statement') return heap('passed to a goroutine', call.parent, w);
    return this.applyLeak(this.methodLeak(file, operand, method, -1), 0, call, w, `passed to ${method} as its receiver`);
  }

  private methodsOf(file: FileFacts, _operand: Node, type: string, method: string): Located<FuncInfo>[] {
    return this.pkg.methods(file, method, type);
  }

  // ---- walking up from an expression -------------------------------------------------------

  private destination(expr: Node, level: number, w: Walk): Sink | undefined {
    checkBudget();
    if (level < 0 || w.depth > MAX_DEPTH) return undefined;
    const key = `${w.file.path}:${expr.id}:${level}`;
    if (w.seen.has(key)) return undefined;
    w.seen.add(key);
    const parent = expr.parent;
    if (!parent) return undefined;
    const next = (n: Node, l: number) => this.destination(n, l, { ...w, depth: w.depth + 1 });
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'type_assertion_expression':
      case 'slice_expression':
        return parent.childForFieldName('operand')?.id === expr.id || parent.type === 'parenthesized_expression' ? next(parent, level) : undefined;
      case 'return_statement':
        return { kind: 'result', at: parent, atFile: w.file };
      case 'expression_list':
        return this.fromList(expr, parent, level, w);
      case 'unary_expression': {
        const sink = this.fromUnary(parent, level, next);
        // `&x` returned: x itself moves to the heap, and whatever is stored in it goes along.
        return sink?.kind === 'result' && addressesStorage(parent) ? heap('stored in a variable whose address is returned', sink.at, w) : sink;
      }
      case 'selector_expression':
        return this.fromSelector(expr, parent, level, w, next);
      case 'index_expression':
        return parent.childForFieldName('operand')?.id === expr.id && level >= 1 && !isLeftSide(parent) ? next(parent, level - 1) : undefined;
      case 'argument_list':
        return this.fromArgument(expr, parent, level, w);
      case 'variadic_argument':
        return parent.parent ? this.fromArgument(parent, parent.parent, level, w) : undefined;
      case 'call_expression':
        return this.fromCalled(expr, parent, w);
      case 'send_statement':
        return parent.childForFieldName('value')?.id === expr.id ? heap('sent on a channel', parent, w) : undefined;
      case 'literal_element':
      case 'keyed_element':
        return next(parent, level);
      case 'literal_value':
        return this.fromLiteralBody(parent, level, w, next);
      case 'composite_literal':
        return next(parent, level);
      case 'short_var_declaration':
      case 'assignment_statement':
      case 'var_spec':
        return this.fromAssignment(expr, parent, [expr], level, w);
      case 'range_clause':
        return this.fromRange(expr, parent, level, w);
      case 'go_statement':
      case 'defer_statement':
        return undefined;
      default:
        return undefined;
    }
  }

  /** `return a, b`, `x, y := a, b`, `f(a, b)` share expression_list; dispatch on the grandparent. */
  private fromList(expr: Node, list: Node, level: number, w: Walk): Sink | undefined {
    const owner = list.parent;
    if (!owner) return undefined;
    if (owner.type === 'return_statement') return { kind: 'result', at: owner, atFile: w.file };
    if (owner.type === 'short_var_declaration' || owner.type === 'assignment_statement' || owner.type === 'var_spec') {
      return this.fromAssignment(expr, owner, namedChildren(list), level, w);
    }
    if (owner.type === 'send_statement' && owner.childForFieldName('value')?.id === list.id) return heap('sent on a channel', owner, w);
    return this.destination(list, level, { ...w, depth: w.depth + 1 });
  }

  private fromUnary(parent: Node, level: number, next: (n: Node, l: number) => Sink | undefined): Sink | undefined {
    const op = parent.child(0)?.type;
    if (op === '&') return next(parent, level + 1); // &v.f / &local: v's content now reachable from a pointer
    if (op === '*') return level >= 1 && !isLeftSide(parent) ? next(parent, level - 1) : undefined;
    if (op === '<-') return level >= 1 ? next(parent, level - 1) : undefined;
    return undefined;
  }

  private fromSelector(expr: Node, sel: Node, level: number, w: Walk, next: (n: Node, l: number) => Sink | undefined): Sink | undefined {
    if (sel.childForFieldName('operand')?.id !== expr.id) return undefined;
    const call = sel.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === sel.id) return this.fromReceiver(expr, sel, call, level, w);
    if (isLeftSide(sel)) return undefined; // a write into the value, not a copy of it
    // `x.f` reads a field: through a pointer that is content; inside a value it is the same level.
    if (level >= 1) return next(sel, level - 1);
    // `&p.f`, `p.buf[:]`: an address inside what p points to is p itself, moved along.
    const address = fieldAddress(sel, (field) => /^\[[^\]]+\]/.test(this.typeOf(w.file, field) ?? ''));
    return address ? next(address, 0) : undefined;
  }

  /** The expression is the receiver of a method call `expr.m(…)`. */
  private fromReceiver(expr: Node, sel: Node, call: Node, level: number, w: Walk): Sink | undefined {
    const method = sel.childForFieldName('field')?.text ?? '';
    if (isPackageName(w.file, expr, this.imports(w.file))) return undefined;
    if (call.parent?.type === 'go_statement') return heap('passed to a goroutine', call.parent, w);
    const leak = this.receiverLeak(w.file, expr, method);
    return this.applyLeak(leak, level, call, w, `passed to ${shortCallee(sel.text)}`);
  }

  private fromCalled(expr: Node, call: Node, w: Walk): Sink | undefined {
    if (call.childForFieldName('function')?.id !== expr.id) return undefined;
    const stmt = call.parent;
    if (stmt?.type === 'go_statement') return heap('started as a goroutine', stmt, w);
    if (stmt?.type === 'defer_statement' && insideLoop(stmt)) return heap('deferred in a loop', stmt, w);
    return undefined; // called in place: the frame outlives the call
  }

  private fromLiteralBody(body: Node, level: number, w: Walk, next: (n: Node, l: number) => Sink | undefined): Sink | undefined {
    const lit = body.parent;
    if (!lit) return undefined;
    if (lit.type === 'literal_value' || lit.type === 'literal_element' || lit.type === 'keyed_element') {
      // An element of an implicit `{…}` inside another literal: it is that element's content.
      return next(lit, level + 1);
    }
    const type = lit.childForFieldName('type');
    // Slices and maps hold their elements behind a pointer; structs and arrays hold them inline.
    const indirect = type?.type === 'slice_type' || type?.type === 'map_type';
    const sink = next(lit, indirect ? level + 1 : level);
    // A new allocation (`&T{…}`, a slice or map literal) that is returned is on the heap, and so
    // is what it holds: `return &typeWriter{buf: buf}` leaks buf, not just to the result.
    if (sink?.kind === 'result' && (indirect || isAddressTaken(lit))) return heap('stored in a new value that is returned', sink.at, w);
    return sink;
  }

  private fromRange(expr: Node, clause: Node, level: number, w: Walk): Sink | undefined {
    if (clause.childForFieldName('right')?.id !== expr.id || level < 1) return undefined;
    const left = clause.childForFieldName('left');
    const names = left ? (left.type === 'expression_list' ? namedChildren(left) : [left]) : [];
    const value = names[1];
    if (!value || value.type !== 'identifier') return undefined;
    const symbol = w.file.scopes.resolve(value);
    return symbol ? this.followSymbol(symbol, level - 1, w) : undefined;
  }

  // ---- assignments and variables ------------------------------------------------------------

  private fromAssignment(expr: Node, stmt: Node, values: Node[], level: number, w: Walk): Sink | undefined {
    const right = stmt.type === 'var_spec' ? stmt.childForFieldName('value') : stmt.childForFieldName('right');
    const inRight = right && expr.startIndex >= right.startIndex && expr.endIndex <= right.endIndex;
    if (!inRight) return undefined;
    const leftNode = stmt.type === 'var_spec' ? null : stmt.childForFieldName('left');
    const targets = stmt.type === 'var_spec' ? stmt.childrenForFieldName('name').filter((n): n is Node => !!n) : leftNode ? (leftNode.type === 'expression_list' ? namedChildren(leftNode) : [leftNode]) : [];
    const index = values.length === targets.length ? values.findIndex((v) => v.startIndex <= expr.startIndex && v.endIndex >= expr.endIndex) : 0;
    const target = targets[Math.max(index, 0)];
    if (!target) return undefined;
    if (stmt.type === 'assignment_statement' && /^[^=]+=$/.test(stmt.child(1)?.text ?? '') && stmt.child(1)?.text !== '=') return undefined; // x += v
    return this.storeInto(target, level, w, stmt);
  }

  /** The value is stored into `target` (an identifier, `a.f`, `a[i]`, `*p`). */
  private storeInto(target: Node, level: number, w: Walk, at: Node): Sink | undefined {
    if (target.type === 'identifier') {
      if (target.text === '_') return undefined;
      const symbol = w.file.scopes.resolve(target);
      if (!symbol || symbol.kind === 'global') return heap('stored in a global', at, w);
      if (symbol.kind === 'result') return { kind: 'result', at, atFile: w.file };
      return this.followSymbol(symbol, level, w);
    }
    if (target.type === 'parenthesized_expression' && target.namedChild(0)) return this.storeInto(target.namedChild(0)!, level, w, at);
    const base = target.childForFieldName('operand');
    if (!base) return heap('stored through a pointer', at, w);
    const what = target.type === 'index_expression' ? 'stored in a map or slice' : 'stored in a field';
    const owner = base.type === 'identifier' ? w.file.scopes.resolve(base) : undefined;
    if (!owner || owner.kind === 'global') return heap(owner ? `${what} of a global` : what, at, w);
    if (owner.kind === 'param' || owner.kind === 'receiver') {
      if (isValueType(owner.type) && target.type === 'selector_expression') return undefined; // a copy of the struct: the store dies with it
      return heap(`${what} of ${owner.kind === 'receiver' ? 'the receiver' : `parameter ${owner.name}`}`, at, w);
    }
    // A local: the stored value lives as long as the local's value, inline or one level down.
    const inline = target.type === 'selector_expression' ? !pointsSomewhere(owner) : isArrayType(owner.type);
    return this.followSymbol(owner, inline ? level : level + 1, w);
  }

  /** Every read of a variable, each a flow of its value; a read inside an escaping closure escapes. */
  private followSymbol(symbol: GoSymbol, level: number, w: Walk): Sink | undefined {
    const file = w.file;
    // Each variable is followed once per walk: `s = append(s, …)` sixty times over must not
    // nest sixty deep and hit the depth limit before the one use that matters.
    const key = `symbol:${file.path}:${symbol.id}:${level}`;
    if (w.seen.has(key)) return undefined;
    w.seen.add(key);
    let result: Sink | undefined;
    for (const use of identifiersIn(file.references, symbol.name, symbol.scopeStart, symbol.scopeEnd)) {
      checkBudget();
      if (use.id === symbol.declNode.id) continue;
      if (file.scopes.resolve(use)?.id !== symbol.id || this.isDead(file, use)) continue;
      const captured = this.capturedBy(file, use, symbol);
      if (captured) return heap(`captured by a ${captured.goroutine ? 'goroutine' : 'closure that escapes'}`, captured.at, w);
      const sink = this.destination(use, level, { ...w, depth: w.depth + 1 });
      if (sink?.kind === 'heap') return sink;
      result ??= sink;
    }
    return result;
  }

  /** The innermost escaping func literal between a use and its variable's own function. */
  private capturedBy(file: FileFacts, use: Node, symbol: GoSymbol): { at: Node; goroutine: boolean } | undefined {
    const home = symbol.func?.node;
    for (let p = use.parent; p && p.id !== home?.id; p = p.parent) {
      if (p.type !== 'func_literal') continue;
      const sink = this.funcLiteralSink(file, p);
      if (sink?.kind === 'heap') return { at: sink.at, goroutine: sink.reason === 'started as a goroutine' };
    }
    return undefined;
  }

  // ---- calls -------------------------------------------------------------------------------

  private fromArgument(expr: Node, args: Node, level: number, w: Walk): Sink | undefined {
    const call = args.parent;
    if (!call || call.type !== 'call_expression') return undefined;
    const list = namedChildren(args);
    const index = list.findIndex((a) => a.id === expr.id);
    const spread = expr.type === 'variadic_argument';
    const stmt = call.parent;
    if (stmt?.type === 'go_statement') return heap('passed to a goroutine', stmt, w);
    if (stmt?.type === 'defer_statement' && insideLoop(stmt)) return heap('deferred in a loop', stmt, w);
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const callee = calleeText(call);
    if (callee === 'append') return this.fromAppend(index, spread, level, call, w);
    if (callee === 'panic') return heap('passed to panic', call, w);
    if (callee && NO_ESCAPE_BUILTINS.has(callee) && !w.file.scopes.lookup(callee, call.startIndex)) return undefined;
    if (isCopyingConversion(fn)) return undefined; // string(b), []byte(s): the data is copied
    if (fn.text === 'unsafe.Pointer') return this.destination(call, level, { ...w, depth: w.depth + 1 });
    if (this.isConversion(w.file, fn)) return this.destination(call, level, { ...w, depth: w.depth + 1 });
    const leak = this.argumentLeakOf(w.file, fn, index, spread);
    return this.applyLeak(leak, level, call, w, `passed to ${shortCallee(calleeText(call) ?? 'a function value')}`);
  }

  private fromAppend(index: number, spread: boolean, level: number, call: Node, w: Walk): Sink | undefined {
    const next = (l: number) => this.destination(call, l, { ...w, depth: w.depth + 1 });
    if (index === 0) return next(level); // the result shares the slice's backing array
    if (spread) return level >= 1 ? next(level) : undefined; // only the elements are copied
    const sink = next(level + 1); // an appended value lives in the backing array
    return sink?.kind === 'heap' ? { ...sink, reason: `appended to a slice ${sink.reason}` } : sink;
  }

  /** Apply a parameter tag to a value passed at `level`. */
  private applyLeak(leak: Leak, level: number, call: Node, w: Walk, what: string): Sink | undefined {
    switch (leak) {
      case 'heap':
        return heap(`${what}, which keeps it`, call, w);
      case 'content':
        return level >= 1 ? heap(`${what}, which keeps what it points to`, call, w) : undefined;
      case 'content+result': // big.Int's z.Exp(…) returns z and keeps what z points to
        return level >= 1 ? heap(`${what}, which keeps what it points to`, call, w) : this.destination(call, level, { ...w, depth: w.depth + 1 });
      case 'result':
        return this.destination(call, level, { ...w, depth: w.depth + 1 });
      case 'result-content':
        return level >= 1 ? this.destination(call, level - 1, { ...w, depth: w.depth + 1 }) : undefined;
      default:
        return undefined;
    }
  }

  private argumentLeakOf(file: FileFacts, fn: Node, index: number, spread: boolean): Leak {
    if (fn.type === 'identifier') {
      const local = file.scopes.resolve(fn);
      if (local && local.kind !== 'global') {
        // `extend := func(…) {…}; extend(&x)`: the literal's own summary; any other function value is unknown code.
        const literal = local.value?.type === 'func_literal' ? file.functions.find((f) => f.node.id === local.value!.id) : undefined;
        return literal ? this.leakOf({ file, item: literal }, paramIndexFor(literal, index)) : 'heap';
      }
      const callees = this.pkg.callees(file, fn.text);
      if (callees.length === 0) return 'heap';
      return strongest(callees.map((c) => this.argumentLeak(c, index, spread)));
    }
    if (fn.type !== 'selector_expression') return 'heap';
    const operand = fn.childForFieldName('operand');
    const name = fn.childForFieldName('field')?.text ?? '';
    if (!operand) return 'heap';
    const imports = this.imports(file);
    if (isPackageName(file, operand, imports)) {
      const path = imports.get(operand.text)!;
      if (!isStdlibPackage(path)) return 'heap'; // another module's function: unknown code, taken as keeping it
      return stdlibArgumentTag(path, name, index, spread);
    }
    return this.methodLeak(file, operand, name, index, spread);
  }

  /** The tag of argument `index` of a package function: for the `...` tail, of the slice's elements. */
  private argumentLeak(callee: Located<FuncInfo>, index: number, spread = true): Leak {
    if (index < 0) return this.leakOf(callee, -1);
    const param = paramIndexFor(callee.item, index);
    const leak = this.leakOf(callee, param);
    return !spread && callee.item.params[param]?.type.startsWith('...') ? elementLeak(leak) : leak;
  }

  /** The tag of argument `index` of method `name` called on `operand` (-1: the receiver). */
  private methodLeak(file: FileFacts, operand: Node, name: string, index: number, spread = true): Leak {
    if (this.isStdlibMember(file, operand)) return 'none'; // binary.BigEndian.PutUint32: a standard type's method
    const type = this.typeOf(file, operand);
    if (!type) {
      // `o.tx.QueryRow(…).Scan(&v)`: a method's result whose type the package does not declare
      // is most often an interface (Row, Result), whose methods the compiler cannot see through.
      if (this.isUntypedMethodResult(file, operand)) return 'heap';
      return this.fromOtherPackage(file, operand) ?? this.sameNameMethodsLeak(file, name, index);
    }
    const bare = type.replace(/^\*/, '');
    const dot = bare.indexOf('.');
    if (dot > 0) {
      const path = this.imports(file).get(bare.slice(0, dot));
      // A field of plain type `pkg.T` is most often an interface (a logger, a handler), whose
      // methods the compiler cannot see through either; `*pkg.T` and locals are concrete.
      const likelyInterface = !type.startsWith('*') && (operand.type === 'selector_expression' || this.isParameter(file, operand));
      if (!path || !isStdlibPackage(path)) return likelyInterface ? 'heap' : OTHER_PACKAGE;
      const fn = stdlibFunction(path, `(*${bare.slice(dot + 1)}).${name}`);
      if (!fn) return 'heap';
      const tag = index < 0 ? fn.receiver : fn.params[fn.variadic ? Math.min(index, fn.params.length - 1) : index];
      return tagOf(tag ?? undefined);
    }
    const methods = this.methodsOf(file, operand, bare.replace(/\[.*\]$/, ''), name);
    if (methods.length === 0) return 'heap';
    return strongest(methods.map((m) => this.argumentLeak(m, index, spread)));
  }

  /**
   * A method on a value whose type the syntax does not show: if the package declares methods of
   * that name, the call most likely reaches one of them; if not, the type is another package's
   * and the code is unknown.
   */
  private sameNameMethodsLeak(file: FileFacts, name: string, index: number): Leak {
    const methods = this.pkg.methods(file, name);
    if (methods.length === 0) return 'heap'; // often an interface: the compiler cannot see through it either
    return strongest(methods.map((m) => this.leakOf(m, index < 0 ? -1 : paramIndexFor(m.item, index))));
  }

  /** The type the syntax shows for an expression, fields of the package's structs included. */
  typeOf(file: FileFacts, expr: Node): string | undefined {
    const visible = this.pkg.visibleFrom(file);
    const fieldType = (type: string, field: string) => {
      for (const other of visible) {
        const found = structFields(other.types.get(type)).get(field);
        if (found) return found;
      }
      return undefined;
    };
    const results = (name: string, receiverType?: string) => {
      const found = receiverType ? this.pkg.methods(file, name, receiverType) : this.pkg.callees(file, name).filter((c) => c.item.kind === 'function');
      return found[0]?.item.results;
    };
    const types: PackageTypes = Object.assign(fieldType, { isType: (name: string) => visible.some((f) => f.types.has(name)), results });
    return typeOfExpression(file, expr, types);
  }

  /**
   * A value converted or returned by another module's code (`s := cryptobyte.String(b)`): its
   * methods are that package's, whose summaries the compiler has and goleash does not.
   */
  private fromOtherPackage(file: FileFacts, operand: Node): Leak | undefined {
    const base = baseIdentifier(operand);
    const value = base ? file.scopes.resolve(base)?.value : undefined;
    const fn = value?.type === 'call_expression' ? value.childForFieldName('function') : undefined;
    const pkgName = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : undefined;
    const imports = this.imports(file);
    if (!pkgName || !isPackageName(file, pkgName, imports) || isStdlibPackage(imports.get(pkgName.text)!)) return undefined;
    // Constructors (`codec.NewDecoder`) make objects whose methods keep things (Decode(&v)); a
    // conversion (`cryptobyte.String(b)`) makes a value whose methods mostly read.
    return /^New/.test(fn?.childForFieldName('field')?.text ?? '') ? 'heap' : OTHER_PACKAGE;
  }

  private isUntypedMethodResult(file: FileFacts, operand: Node): boolean {
    const fn = operand.type === 'call_expression' ? operand.childForFieldName('function') : undefined;
    const receiver = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : undefined;
    return !!receiver && !isPackageName(file, receiver, this.imports(file));
  }

  private isParameter(file: FileFacts, expr: Node): boolean {
    const kind = expr.type === 'identifier' ? file.scopes.resolve(expr)?.kind : undefined;
    return kind === 'param' || kind === 'receiver';
  }

  /** `pkg.Name` where pkg is a standard-library import. */
  private isStdlibMember(file: FileFacts, expr: Node): boolean {
    if (expr.type !== 'selector_expression') return false;
    const base = expr.childForFieldName('operand');
    const imports = this.imports(file);
    return !!base && isPackageName(file, base, imports) && isStdlibPackage(imports.get(base.text)!);
  }

  private receiverLeak(file: FileFacts, receiver: Node, method: string): Leak {
    return this.methodLeak(file, receiver, method, -1);
  }

  private isConversion(file: FileFacts, fn: Node): boolean {
    if (fn.type === 'parenthesized_type' || fn.type === 'slice_type' || fn.type === 'array_type' || fn.type === 'map_type' || fn.type === 'pointer_type') return true;
    if (fn.type === 'parenthesized_expression') return true; // `(*T)(p)`
    if (fn.type === 'identifier') return BASIC_TYPES.has(fn.text) && !file.scopes.lookup(fn.text, fn.startIndex) ? !isInterfaceName(fn.text) : file.types.has(fn.text) && !isInterfaceDecl(file, fn.text);
    return false;
  }

  private imports(file: FileFacts): Map<string, string> {
    return file.references.imports;
  }

}

// ---- helpers --------------------------------------------------------------------------------

/** `x` of `x`, `(x)`, `&x`, `(&x)`: the variable a method is called on. */
function baseIdentifier(expr: Node): Node | undefined {
  let n: Node | null = expr;
  while (n && (n.type === 'parenthesized_expression' || (n.type === 'unary_expression' && n.child(0)?.type === '&'))) {
    n = n.type === 'parenthesized_expression' ? n.namedChild(0) : n.childForFieldName('operand');
  }
  return n?.type === 'identifier' ? n : undefined;
}

function heap(reason: string, at: Node, w: Walk): Escape {
  return { kind: 'heap', reason, at, atFile: w.file };
}

function strongest(leaks: Leak[]): Leak {
  for (const l of ['heap', 'content+result', 'content', 'result', 'result-content'] as const) if (leaks.includes(l)) return l;
  return 'none';
}

/**
 * The tag of a standard-library call argument. A package member the table does not know is a
 * type conversion (`http.HandlerFunc(f)`: the value flows to the result) or a generic or
 * pointer-free function (`slices.SortFunc`: taken as keeping nothing, like most of the library).
 */
function stdlibArgumentTag(path: string, name: string, index: number, spread: boolean): Leak {
  const fn = stdlibFunction(path, name);
  if (!fn) return isStdlibType(path, name) ? 'result' : 'none';
  if (index >= fn.params.length && !fn.variadic) return 'none';
  const param = fn.params[fn.variadic ? Math.min(index, fn.params.length - 1) : index];
  if (!param) return 'none';
  const tail = fn.variadic && index >= fn.params.length - 1 && !spread;
  return tagOf(tail ? variadicElement(param) : param);
}

function tagOf(param: ParamEscape | undefined): Leak {
  if (!param) return 'none';
  if (param.leak === 'heap') return 'heap';
  if (param.leak === 'content') return param.results.some((r) => r.level === 0) ? 'content+result' : 'content';
  if (param.leak === 'result') return param.results.some((r) => r.level === 0) ? 'result' : 'result-content';
  return 'none';
}

/** A standard-library tag; a known function whose parameter has no tag holds no pointers. */

/**
 * The expression that takes an address inside a field chain: `&p.a.b`, or `p.buf[:]` slicing an
 * array field. Its value points into the same object as p.
 */
function fieldAddress(sel: Node, isArrayField: (field: Node) => boolean): Node | undefined {
  let top = sel;
  while (top.parent?.type === 'selector_expression' && top.parent.childForFieldName('operand')?.id === top.id && !isLeftSide(top.parent)) top = top.parent;
  const up = top.parent;
  if (up?.type === 'unary_expression' && up.child(0)?.type === '&') return up;
  if (up?.type === 'slice_expression' && up.childForFieldName('operand')?.id === top.id && isArrayField(top)) return up;
  return undefined;
}

/** `db.QueryRow("select …", id).Scan` → `db.QueryRow(…).Scan`: a callee named without its inner arguments. */
function shortCallee(text: string): string {
  let out = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') {
      if (depth++ === 0) out += '(…';
    } else if (ch === ')') {
      if (--depth === 0) out += ')';
    } else if (depth === 0) out += ch;
  }
  return out.replace(/\s+/g, ' ');
}

/** `&x`, `&x.f`, `&x[i]`, `&T{…}`: an address of a variable or a new value, which then moves. */
function addressesStorage(unary: Node): boolean {
  if (unary.child(0)?.type !== '&') return false;
  let n = unary.childForFieldName('operand');
  while (n && (n.type === 'parenthesized_expression' || n.type === 'selector_expression' || n.type === 'index_expression')) {
    n = n.type === 'parenthesized_expression' ? n.namedChild(0) : n.childForFieldName('operand');
  }
  return n?.type === 'identifier' || n?.type === 'composite_literal';
}

/** `&T{…}`: the literal's address is taken, so it is an allocation of its own. */
function isAddressTaken(lit: Node): boolean {
  let p = lit.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'unary_expression' && p.child(0)?.type === '&';
}

/**
 * A value passed in a `...` tail is an element of the slice the parameter receives: what the
 * function does with the slice's content, it does with the value.
 */
function elementLeak(sliceLeak: Leak): Leak {
  if (sliceLeak === 'heap' || sliceLeak === 'content' || sliceLeak === 'content+result') return 'heap';
  return sliceLeak === 'none' ? 'none' : 'result';
}

function paramIndexFor(f: FuncInfo, argIndex: number): number {
  const last = f.params.length - 1;
  return last >= 0 && f.params[last].type.startsWith('...') ? Math.min(argIndex, last) : argIndex;
}

function receiverSymbol(file: FileFacts, f: FuncInfo): GoSymbol | undefined {
  const name = f.receiver?.name;
  if (!name || !f.body) return undefined;
  const symbol = file.scopes.lookup(name, f.body.startIndex);
  return symbol?.kind === 'receiver' ? symbol : undefined;
}

function isLeftSide(node: Node): boolean {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent?.type === 'expression_list' ? n.parent.parent : n.parent;
  const list = n.parent?.type === 'expression_list' ? n.parent : n;
  if (p?.type === 'assignment_statement' || p?.type === 'short_var_declaration') return p.childForFieldName('left')?.id === list.id;
  if (p?.type === 'inc_statement' || p?.type === 'dec_statement') return true;
  return false;
}


function isPackageName(file: FileFacts, node: Node, imports: Map<string, string>): boolean {
  return node.type === 'identifier' && imports.has(node.text) && !file.scopes.lookup(node.text, node.startIndex);
}


/** What the package declares, for typing expressions beyond one file. */
export interface PackageTypes {
  (structType: string, field: string): string | undefined;
  isType(name: string): boolean;
  /** Result types of the package function `name`, or of method `name` of `receiverType`. */
  results(name: string, receiverType?: string): string[] | undefined;
}

/** The type the syntax shows for an expression: a variable's declared or initial type. */

export function typeOfExpression(file: FileFacts, expr: Node, fields?: PackageTypes): string | undefined {
  if (expr.type === 'parenthesized_expression' && expr.namedChild(0)) return typeOfExpression(file, expr.namedChild(0)!, fields);
  if (expr.type === 'unary_expression' && expr.child(0)?.type === '&') {
    const inner = expr.childForFieldName('operand');
    const t = inner ? typeOfExpression(file, inner, fields) : undefined;
    return t ? `*${t}` : undefined;
  }
  if (expr.type === 'selector_expression' && fields) {
    // `x.f` where x's struct type is the package's: the field's declared type.
    const operand = expr.childForFieldName('operand');
    const owner = operand ? typeOfExpression(file, operand, fields)?.replace(/^\*/, '') : undefined;
    const field = expr.childForFieldName('field')?.text;
    return owner && field && /^\w+$/.test(owner) ? fields(owner, field)?.replace(/\s+/g, '') : undefined;
  }
  if (expr.type === 'composite_literal') return expr.childForFieldName('type')?.text;
  if (expr.type === 'unary_expression' && expr.child(0)?.type === '*') {
    const inner = expr.childForFieldName('operand');
    const t = inner ? typeOfExpression(file, inner, fields) : undefined;
    return t?.startsWith('*') ? t.slice(1) : undefined;
  }
  if (expr.type === 'index_expression') {
    const inner = expr.childForFieldName('operand');
    const t = inner ? typeOfExpression(file, inner, fields) : undefined;
    return t ? /^(\[\]|\[[^\]]+\]|map\[[^\]]+\])(.+)$/.exec(t)?.[2] : undefined;
  }
  if (expr.type === 'call_expression') return callResultType(file, expr, 0, fields);
  if (expr.type !== 'identifier') return undefined;
  const symbol = file.scopes.resolve(expr);
  if (!symbol) return undefined;
  if (symbol.type) return symbol.type.replace(/\s+/g, '');
  if (symbol.kind === 'receiver') return undefined;
  if (symbol.declaration.type === 'range_clause') return rangeVariableType(file, symbol, fields);
  if (symbol.value) return typeOfExpression(file, symbol.value, fields);
  return multiValueType(file, symbol, fields);
}

/** `v, err := f()`: v's type is f's first result. */
function multiValueType(file: FileFacts, symbol: GoSymbol, fields?: PackageTypes): string | undefined {
  const decl = symbol.declaration;
  if (decl.type !== 'short_var_declaration' && decl.type !== 'var_spec') return undefined;
  const right = decl.type === 'var_spec' ? decl.childForFieldName('value') : decl.childForFieldName('right');
  const values = right ? (right.type === 'expression_list' ? namedChildren(right) : [right]) : [];
  if (values.length !== 1 || values[0].type !== 'call_expression') return undefined;
  const left = decl.type === 'var_spec' ? decl.childrenForFieldName('name').filter((n): n is Node => !!n) : namedChildren(decl.childForFieldName('left') ?? decl);
  const index = left.findIndex((n) => n.id === symbol.declNode.id);
  return index >= 0 ? callResultType(file, values[0], index, fields) : undefined;
}

/** The type of result `index` of a call: `new(T)`, a conversion to a package type, a package function or method. */
function callResultType(file: FileFacts, call: Node, index: number, fields?: PackageTypes): string | undefined {
  const callee = calleeText(call);
  const first = call.childForFieldName('arguments')?.namedChild(0)?.text;
  if (callee === 'new' && first) return index === 0 ? `*${first}` : undefined;
  if (!callee || !fields || (!callee.includes('.') && file.scopes.lookup(callee, call.startIndex))) return undefined;
  // `writeBuf(b)`: a conversion to one of the package's types.
  if (fields.isType(callee)) return index === 0 ? callee : undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fields.results(callee)?.[index]?.replace(/\s+/g, '');
  const operand = fn?.childForFieldName('operand');
  const method = fn?.childForFieldName('field')?.text;
  const receiver = operand ? typeOfExpression(file, operand, fields)?.replace(/^\*/, '') : undefined;
  return receiver && method && /^\w+$/.test(receiver) ? fields.results(method, receiver)?.[index]?.replace(/\s+/g, '') : undefined;
}

/** `for k, v := range xs`: v is an element of xs's type (`[]T`, `...T`, `[N]T`, `map[K]T`). */
function rangeVariableType(file: FileFacts, symbol: GoSymbol, fields?: PackageTypes): string | undefined {
  const clause = symbol.declaration;
  const left = clause.childForFieldName('left');
  const names = left ? (left.type === 'expression_list' ? namedChildren(left) : [left]) : [];
  if (names[1]?.id !== symbol.declNode.id) return undefined; // the key: an int or a map key
  const right = clause.childForFieldName('right');
  const ranged = right ? typeOfExpression(file, right, fields) : undefined;
  const element = ranged && /^(\[\]|\.\.\.|\[[^\]]+\]|map\[[^\]]+\])(.+)$/.exec(ranged);
  return element?.[2];
}

/** `string(…)`, `[]byte(…)`, `[]rune(…)` copy their operand's data. */
function isCopyingConversion(fn: Node): boolean {
  const text = fn.text.replace(/[\s()]/g, '');
  return text === 'string' || text === '[]byte' || text === '[]rune';
}

function isValueType(type: string | undefined): boolean {
  return !!type && /^[\w.]+$/.test(type) && !BASIC_TYPES.has(type);
}

function isArrayType(type: string | undefined): boolean {
  return !!type && /^\[[^\]]+\]/.test(type);
}

/** A local holding a pointer (`p := &T{}`, `var p *T`, `p := new(T)`): stores through it go one level down. */
function pointsSomewhere(symbol: GoSymbol): boolean {
  if (symbol.type) return symbol.type.startsWith('*');
  const v = symbol.value;
  if (!v) return true;
  if (v.type === 'composite_literal') return false;
  return true;
}

function isInterfaceName(name: string): boolean {
  return name === 'error' || name === 'any';
}

function isInterfaceDecl(file: FileFacts, name: string): boolean {
  return file.types.get(name)?.type.type === 'interface_type';
}
