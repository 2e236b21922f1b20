// heap-escape: which values the Go compiler will move to the heap, predicted from syntax and
// phrased as `go build -gcflags=-m` phrases it: `moved to heap: x` on the declaration of a
// variable, `<expr> escapes to heap` on an allocation site, each with a short reason and the
// place where the value leaves the frame. The flow analysis is index/escapeFlow.ts; this file
// decides which sites and variables to ask about.
import type { Node } from 'web-tree-sitter';
import type { AllocationSite } from '../facts/allocations';
import { sizeContextOf, sizeOfType, type SizeContext } from '../facts/allocations';
import type { FileFacts } from '../facts/fileFacts';
import type { GoSymbol } from '../facts/scopes';
import { namedChildren, rangeOf, walkOwnCode } from '../facts/syntax';
import { structFields } from '../facts/types';
import { identifiersIn } from '../facts/references';
import { EscapeFlow, typeOfExpression, type Sink } from '../index/escapeFlow';
import type { PackageIndex } from '../index/packageIndex';
import { rangeFuncLoops, type RangeFuncLoop } from '../index/rangeFunc';
import { ignoreCommentFix } from './fixes/edits';
import type { Finding, RelatedInfo, Rule } from './types';

const ID = 'heap-escape';
/** The compiler keeps explicit variables up to 128 KiB and implicit allocations up to 64 KiB on the stack. */
const MAX_STACK_VARIABLE = 128 * 1024;
const MAX_IMPLICIT_ALLOCATION = 64 * 1024;
/** Allocation kinds the compiler still reports at package level (the rest are static data). */
const PACKAGE_LEVEL_ALLOCATIONS = new Set(['map-literal', 'make', 'new']);

const flows = new WeakMap<PackageIndex, EscapeFlow>();

/** Is this node in a branch the compiler drops (`if debug {…}` with a false constant)? */
type Dead = (node: Node | undefined) => boolean;

export const heapEscape: Rule = {
  id: ID,
  title: 'A value the Go compiler will allocate on the heap (escape analysis, predicted from syntax)',
  docs:
    'Predicts `go build -gcflags=-m`: `moved to heap: x` when the address of a variable outlives its function ' +
    '(returned, stored in a global or a field, sent on a channel, captured by a goroutine, passed to code that keeps it), ' +
    'and `<expr> escapes to heap` for allocations (`&T{}`, `new`, `make`, slice and map literals, func literals, `append`) ' +
    'that do. Each finding says why and points at where the value leaves. Heap allocations cost GC time; in hot paths, ' +
    'keep values on the stack by not letting their address escape.',
  example: {
    bad: `func NewConfig(addr string) *Config {
	c := Config{Addr: addr} // moved to heap: c
	return &c
}`,
    good: `func NewConfig(addr string) Config {
	c := Config{Addr: addr}
	return c // a copy: c stays on the stack
}`,
  },
  defaultSeverity: 'hint',
  check(file, pkg, options) {
    const flow = flowFor(pkg);
    const deadBlocks = flow.deadBranches(file);
    const dead: Dead = (n) => n !== undefined && flow.isDead(file, n);
    const loops = escapingRangeFuncLoops(file, pkg, flow).filter((l) => !dead(l.loop));
    const findings = [...siteFindings(file, flow, dead), ...variableFindings(file, pkg, flow, dead, loops), ...rangeFuncFindings(file, loops)];
    const all = options.escapeInterfaces ? [...findings, ...interfaceFindings(file, flow)] : findings;
    return deadBlocks.length === 0 ? all : all.filter((f) => !deadBlocks.some((b) => contains(b, f.range.start)));
  },
};

function flowFor(pkg: PackageIndex): EscapeFlow {
  let flow = flows.get(pkg);
  if (!flow) {
    flow = new EscapeFlow(pkg);
    flows.set(pkg, flow);
  }
  return flow;
}

// ---- allocation sites ---------------------------------------------------------------------------

function siteFindings(file: FileFacts, flow: EscapeFlow, dead: Dead): Finding[] {
  const findings: Finding[] = [];
  for (const site of file.allocations) {
    if (dead(site.node)) continue;
    const why = siteEscape(file, flow, site);
    if (!why || dead(why.sink?.at)) continue;
    const loop = site.inLoop ? ', in a loop' : '';
    findings.push(finding(file, siteRange(site), `${site.phrase} escapes to heap (${why.reason}${loop})`, site.node, why.sink));
  }
  return findings;
}

function siteEscape(file: FileFacts, flow: EscapeFlow, site: AllocationSite): { reason: string; sink?: Sink } | undefined {
  if (!site.func) return PACKAGE_LEVEL_ALLOCATIONS.has(site.kind) || inPackageMap(site) ? { reason: 'package-level variable' } : undefined;
  if (site.bytes !== undefined && site.bytes > MAX_IMPLICIT_ALLOCATION) return { reason: 'too large for the stack' };
  const sink = site.kind === 'func-literal' ? flow.funcLiteralSink(file, site.node) : flow.sinkOf(file, site.node, 0);
  if (!sink) return undefined;
  return { reason: sink.kind === 'result' ? 'returned' : sink.reason, sink };
}

/** An implicit `&T{…}` element of a package-level map literal: the map is built at run time. */
function inPackageMap(site: AllocationSite): boolean {
  if (site.kind !== 'implicit-address') return false;
  for (let p = site.node.parent; p; p = p.parent) {
    if (p.type === 'composite_literal') return p.childForFieldName('type')?.type === 'map_type';
  }
  return false;
}

/** The compiler's column: `&` for `&T{}`, `func` for literals, `(` for calls, `{` for literals. */
function siteRange(site: AllocationSite) {
  const node = site.node;
  if (site.kind === 'make' || site.kind === 'new' || site.kind === 'append') {
    return rangeOf(node.childForFieldName('arguments') ?? node);
  }
  if (site.kind === 'slice-literal' || site.kind === 'map-literal') return rangeOf(node.childForFieldName('body') ?? node);
  return rangeOf(node);
}

// ---- variables ----------------------------------------------------------------------------------

interface Moved {
  symbol: GoSymbol;
  reason: string;
  sink?: Sink;
  /** Where the compiler reports it: the declaration, or for `switch t := x.(type)` the case. */
  at?: Node;
}

function variableFindings(file: FileFacts, pkg: PackageIndex, flow: EscapeFlow, dead: Dead, loops: readonly RangeFuncLoop[]): Finding[] {
  const moved = new Map<string, Moved>();
  const note = (m: Moved) => {
    const key = `${m.symbol.id}:${m.at?.id ?? ''}`;
    if (!moved.has(key)) moved.set(key, m);
  };
  const sizes = sizeContextOf(file.nodesOf);
  for (const symbol of file.scopes.all()) {
    if (symbol.kind === 'global') continue;
    const type = symbol.type ?? (symbol.value ? typeOfExpression(file, symbol.value) : undefined);
    const size = type ? sizeOfType(type.replace(/\s+/g, ''), sizes) : undefined;
    if (size !== undefined && size > MAX_STACK_VARIABLE) note({ symbol, reason: 'too large for the stack' });
  }
  const arrays = flow.memo(`arrays:${file.isTestFile}`, () => namedArrayTypes(pkg, file));
  const arrayField = (sel: Node) => /^\[[^\]]+\]/.test(flow.typeOf(file, sel) ?? '');
  for (const taken of addressesTaken(file, arrays, arrayField)) {
    if (dead(taken.node)) continue;
    const sink = taken.via === 'receiver' ? receiverSink(file, flow, taken) : flow.sinkOf(file, taken.node, 0);
    const at = typeSwitchCase(taken.symbol, taken.node);
    if (sink && !dead(sink.at)) note({ symbol: taken.symbol, reason: sink.kind === 'result' ? 'its address is returned' : `its address is ${sink.reason}`, sink, ...(at ? { at } : {}) });
  }
  for (const captured of capturedByReference(file, pkg, flow)) if (!dead(captured.sink?.at)) note(captured);
  for (const captured of capturedByLoopBodies(file, pkg, flow, loops)) note(captured);
  return [...moved.values()].map((m) => {
    const at = m.at ?? m.symbol.declNode;
    // For a type-switch case, the compiler points at the case's type.
    const where = m.at?.type === 'type_case' ? (m.at.childForFieldName('type') ?? m.at.namedChild(0) ?? m.at) : at;
    return finding(file, rangeOf(where), `moved to heap: ${m.symbol.name} (${m.reason})`, at, m.sink);
  });
}

/** `switch t := x.(type)` declares one t per case: the compiler reports the case's. */
function typeSwitchCase(symbol: GoSymbol, use: Node): Node | undefined {
  if (symbol.declaration.type !== 'type_switch_statement') return undefined;
  for (let p = use.parent; p && p.id !== symbol.declaration.id; p = p.parent) {
    if (p.type === 'type_case' || p.type === 'default_case') return p;
  }
  return undefined;
}

interface AddressTaken {
  symbol: GoSymbol;
  /** The expression whose value is the address: `&x`, `x[:]`, or the call `x.m()`. */
  node: Node;
  via: 'operator' | 'slice' | 'receiver';
  method?: string;
}

/** `&x`, `&x.f`, `&x[i]` on arrays, `x[:]` on arrays, and `x.m()` where m takes a pointer receiver. */
function addressesTaken(file: FileFacts, arrays: Set<string>, arrayField: (selector: Node) => boolean): AddressTaken[] {
  const found: AddressTaken[] = [];
  for (const n of file.nodesOf('unary_expression')) {
    if (n.child(0)?.type !== '&') continue;
    const symbol = addressedVariable(file, n.childForFieldName('operand'), arrays);
    if (symbol) found.push({ symbol, node: n, via: 'operator' });
  }
  for (const n of file.nodesOf('slice_expression')) {
    const operand = n.childForFieldName('operand');
    const symbol = operand?.type === 'identifier' ? frameVariable(file, operand) : undefined;
    if (n && symbol && (isArray(file, symbol, arrays) || (wholeSlice(n) && unknownType(file, symbol)))) found.push({ symbol, node: n, via: 'slice' });
    // `x.buf[:]` slices an array field inside the value x.
    const owner = operand?.type === 'selector_expression' && arrayField(operand) ? addressedVariable(file, operand, arrays) : undefined;
    if (n && owner) found.push({ symbol: owner, node: n, via: 'slice' });
  }
  for (const call of file.nodesOf('call_expression')) {
    const fn = call.childForFieldName('function');
    const operand = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
    const symbol = operand?.type === 'identifier' ? frameVariable(file, operand) : undefined;
    if (symbol && holdsValue(file, symbol)) found.push({ symbol, node: call, via: 'receiver', method: fn!.childForFieldName('field')?.text });
  }
  return found;
}

/** `x[:]`: a no-op on a slice, so written almost only to take an array's memory as a slice. */
function wholeSlice(n: Node): boolean {
  return !n.childForFieldName('start') && !n.childForFieldName('end') && !n.childForFieldName('capacity');
}

function unknownType(file: FileFacts, symbol: GoSymbol): boolean {
  return !symbol.type && symbol.kind === 'local' && (!symbol.value || !typeOfExpression(file, symbol.value));
}

/** The frame variable whose storage `&expr` points into: x for `&x`, `&x.f.g`, `&x[i]` (x an array). */
function addressedVariable(file: FileFacts, expr: Node | null, arrays: Set<string>): GoSymbol | undefined {
  let n = expr;
  while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
  if (!n) return undefined;
  if (n.type === 'identifier') return frameVariable(file, n);
  if (n.type === 'selector_expression' || n.type === 'index_expression') {
    const base = n.childForFieldName('operand');
    if (base?.type !== 'identifier') return n.type === 'selector_expression' ? addressedVariable(file, base, arrays) : undefined;
    const symbol = frameVariable(file, base);
    if (!symbol) return undefined;
    if (n.type === 'index_expression') return isArray(file, symbol, arrays) ? symbol : undefined;
    return holdsValue(file, symbol) ? symbol : undefined;
  }
  return undefined;
}

function frameVariable(file: FileFacts, ident: Node): GoSymbol | undefined {
  const symbol = file.scopes.resolve(ident);
  return symbol && symbol.kind !== 'global' && symbol.func ? symbol : undefined;
}

/** A struct (not a pointer) as far as the syntax shows: `var x T`, `x := T{…}`, a `T` parameter. */
function holdsValue(file: FileFacts, symbol: GoSymbol): boolean {
  // `x := *p` copies the pointee: a value, whatever its type.
  if (!symbol.type && symbol.value?.type === 'unary_expression' && symbol.value.child(0)?.type === '*') return true;
  const type = symbol.type?.replace(/\s+/g, '') ?? (symbol.value ? typeOfExpression(file, symbol.value) : undefined);
  if (!type) return false;
  return /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)?(\[.*\])?$/.test(type) && !/^(string|byte|rune|u?int\d*|float\d+|bool|complex\d+|uintptr|error|any)$/.test(type);
}

/**
 * An array, written `[N]T`, a package type declared as one (`type UUID [16]byte`), or the result
 * of a standard function or method that returns one (`sha256.Sum256`, `netip.Addr.As16`).
 */
function isArray(file: FileFacts, symbol: GoSymbol, arrays: Set<string>): boolean {
  const type = (symbol.type ?? (symbol.value ? typeOfExpression(file, symbol.value) : undefined))?.trim();
  if (type) return /^\[[^\]]+\]/.test(type) || arrays.has(type);
  return symbol.value?.type === 'call_expression' && returnsStdlibArray(file, symbol.value);
}

/** Standard functions (by import path) and methods (by name) whose result is an array. */
const STDLIB_ARRAY_FUNCTIONS: Record<string, ReadonlySet<string>> = {
  'crypto/md5': new Set(['Sum']),
  'crypto/sha1': new Set(['Sum']),
  'crypto/sha256': new Set(['Sum256', 'Sum224']),
  'crypto/sha512': new Set(['Sum512', 'Sum384', 'Sum512_224', 'Sum512_256']),
  'crypto/sha3': new Set(['Sum224', 'Sum256', 'Sum384', 'Sum512']),
};
const STDLIB_ARRAY_METHODS = new Set(['As16', 'As4']);

function returnsStdlibArray(file: FileFacts, call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const operand = fn.childForFieldName('operand');
  const name = fn.childForFieldName('field')?.text ?? '';
  const path = operand?.type === 'identifier' && !file.scopes.resolve(operand) ? file.references.imports.get(operand.text) : undefined;
  return path !== undefined ? (STDLIB_ARRAY_FUNCTIONS[path]?.has(name) ?? false) : STDLIB_ARRAY_METHODS.has(name);
}

/** Names of the package's array types. */
function namedArrayTypes(pkg: PackageIndex, file: FileFacts): Set<string> {
  const names = new Set<string>();
  for (const other of pkg.visibleFrom(file)) {
    for (const [name, decl] of other.types) if (decl.type.type === 'array_type') names.add(name);
  }
  return names;
}

/** `x.m()` passes &x when m has a pointer receiver; whether x moves is the receiver's tag. */
function receiverSink(file: FileFacts, flow: EscapeFlow, taken: AddressTaken): Sink | undefined {
  const fn = taken.node.childForFieldName('function');
  const operand = fn?.childForFieldName('operand');
  if (!operand || !taken.method) return undefined;
  if (!flow.takesPointerReceiver(file, operand, taken.method)) return undefined;
  return flow.receiverSink(file, operand, taken.method, taken.node);
}

// ---- range-over-func loops ---------------------------------------------------------------------

/** Range-over-func loops whose body (a closure the compiler makes) escapes into the iterator. */
function escapingRangeFuncLoops(file: FileFacts, pkg: PackageIndex, flow: EscapeFlow): RangeFuncLoop[] {
  return rangeFuncLoops(file, pkg).filter((l) => !l.knownIterator || flow.leakOf(l.knownIterator, 0) !== 'none');
}

const LOOP_BODY_REASON = 'the body of a range-over-func loop, passed to the iterator';

function loopSink(file: FileFacts, loop: RangeFuncLoop): Sink {
  return { kind: 'heap', reason: LOOP_BODY_REASON, at: loop.loop, atFile: file };
}

/**
 * What the compiler reports for each escaping loop: the body's closure (`func literal escapes to
 * heap` on the `for`), the loop's state (`#stateN`), and, when a `return` in the body sets the
 * function's unnamed results, those (`#rvN` on each result type).
 */
function rangeFuncFindings(file: FileFacts, loops: readonly RangeFuncLoop[]): Finding[] {
  const findings: Finding[] = [];
  const returnsFrom = new Set<number>();
  for (const l of loops) {
    const at = rangeOf(l.loop);
    const start = { start: at.start, end: { line: at.start.line, character: at.start.character + 3 } };
    findings.push(finding(file, start, `func literal escapes to heap (${LOOP_BODY_REASON})`, l.loop, undefined));
    findings.push(finding(file, start, `moved to heap: #state${l.ordinal} (the state of this range-over-func loop, whose body escapes)`, l.loop, undefined));
    if (!returnsFrom.has(l.owner.id) && returnsInBody(l.body)) {
      returnsFrom.add(l.owner.id);
      unnamedResults(l.owner).forEach((type, i) => {
        findings.push(finding(file, rangeOf(type), `moved to heap: #rv${i + 1} (a result set by a return inside a range-over-func loop body that escapes)`, type, loopSink(file, l)));
      });
    }
  }
  return findings;
}

/** Does the body hold a `return` of its own (not one inside a func literal)? */
function returnsInBody(body: Node): boolean {
  let found = false;
  walkOwnCode(body, (n) => {
    if (n.type === 'return_statement') found = true;
    return !found;
  });
  return found;
}

/** The type nodes of a function's results when they have no names. */
function unnamedResults(owner: Node): Node[] {
  const result = owner.childForFieldName('result');
  if (!result) return [];
  if (result.type !== 'parameter_list') return [result];
  const decls = namedChildren(result).filter((d) => d.type === 'parameter_declaration');
  if (decls.some((d) => d.childForFieldName('name'))) return [];
  return decls.map((d) => d.childForFieldName('type') ?? d);
}

/**
 * Variables an escaping loop body captures by reference: those it assigns (or that are assigned
 * after the loop starts, or address-taken, or big), and named results a `return` in it sets.
 */
function capturedByLoopBodies(file: FileFacts, pkg: PackageIndex, flow: EscapeFlow, loops: readonly RangeFuncLoop[]): Moved[] {
  const moved: Moved[] = [];
  const sizeAtLeast = flow.memo(`minimumSize:${file.isTestFile}`, () => minimumSize(pkg, file));
  for (const l of loops) {
    const sink = loopSink(file, l);
    for (const symbol of capturedVariables(file, l.body)) {
      // The loop's own variables are the closure's parameters, not captures.
      if (symbol.kind === 'result' || within(symbol.declNode, l.loop)) continue;
      if (capturedByAddress(file, symbol, l.body, sizeAtLeast)) moved.push({ symbol, reason: 'captured by a range-over-func loop body that escapes', sink });
    }
    if (!returnsInBody(l.body)) continue;
    for (const symbol of file.scopes.all()) {
      if (symbol.kind === 'result' && symbol.func?.node.id === l.owner.id) moved.push({ symbol, reason: 'set by a return inside a range-over-func loop body that escapes', sink });
    }
  }
  return moved;
}

/**
 * Variables a closure captures by reference (assigned after their declaration, or
 * address-taken), when that closure escapes: the closure holds their address.
 */
function capturedByReference(file: FileFacts, pkg: PackageIndex, flow: EscapeFlow): Moved[] {
  const moved: Moved[] = [];
  const sizeAtLeast = flow.memo(`minimumSize:${file.isTestFile}`, () => minimumSize(pkg, file));
  const takesAddress = (operand: Node, method: string) => flow.takesPointerReceiver(file, operand, method);
  for (const site of file.allocations) {
    if (site.kind !== 'func-literal') continue;
    const sink = flow.funcLiteralSink(file, site.node);
    if (!sink) continue;
    for (const symbol of capturedVariables(file, site.node)) {
      if (!capturedByAddress(file, symbol, site.node, sizeAtLeast, takesAddress)) continue;
      const why = sink.kind === 'result' ? 'returned' : sink.reason;
      const how = why === 'started as a goroutine' ? 'captured by a goroutine' : `captured by a closure that escapes (${why})`;
      moved.push({ symbol, reason: how, sink });
    }
  }
  return moved;
}

function capturedVariables(file: FileFacts, lit: Node): GoSymbol[] {
  const found = new Map<number, GoSymbol>();
  for (const ident of lit.descendantsOfType('identifier')) {
    if (!ident) continue;
    const symbol = file.scopes.resolve(ident);
    if (!symbol || symbol.kind === 'global' || !symbol.func) continue;
    const home = symbol.func.node;
    if (home.startIndex <= lit.startIndex && home.endIndex >= lit.endIndex && home.id !== lit.id && !within(symbol.declNode, lit)) found.set(symbol.id, symbol);
  }
  return [...found.values()];
}

function within(node: Node, outer: Node): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

/**
 * Does a closure capture the variable by reference (holding its address)? The compiler copies a
 * variable into the closure only when it is not a named result, not reassigned after capture,
 * not address-taken, and at most 128 bytes.
 */
function capturedByAddress(file: FileFacts, symbol: GoSymbol, closure: Node, sizeAtLeast: (type: string) => number, takesAddress?: TakesAddress): boolean {
  if (symbol.kind === 'result') return true;
  const type = symbol.type?.replace(/\s+/g, '') ?? (symbol.value ? typeOfExpression(file, symbol.value) : undefined);
  if (type && sizeAtLeast(type) > 128) return true;
  return isReassigned(file, symbol, closure, takesAddress);
}

/** Does `operand.method()` take the operand's address (a pointer-receiver method of a value)? */
type TakesAddress = (operand: Node, method: string) => boolean;

/**
 * A lower bound on a type's size: exact for what the syntax fully describes, one byte for a
 * named type declared elsewhere. Enough to tell a big options struct from a small value.
 */
function minimumSize(pkg: PackageIndex, file: FileFacts): (type: string) => number {
  let context: SizeContext | undefined; // built on first use: most files never ask
  const atLeast = (type: string, depth = 0): number => {
    context ??= packageSizeContext(pkg, file);
    const exact = sizeOfType(type, context);
    if (exact !== undefined) return exact;
    const fields = context.structs.get(type);
    if (!fields || depth > 4) return 1;
    return fields.reduce((sum, f) => sum + atLeast(f, depth + 1), 0);
  };
  return (type) => atLeast(type);
}

function packageSizeContext(pkg: PackageIndex, file: FileFacts): SizeContext {
  const structs = new Map<string, string[]>();
  const constants = new Map<string, string>();
  for (const other of pkg.visibleFrom(file)) {
    const sizes = sizeContextOf(other.nodesOf);
    for (const [k, v] of sizes.structs) structs.set(k, v);
    for (const [k, v] of sizes.constants) constants.set(k, v);
  }
  return { structs, constants };
}

/**
 * Captured by reference: address-taken anywhere, or assigned (incremented) inside the closure or
 * after it is created. Assignments before the closure leave a value the closure can copy, and the
 * compiler copies it (`ch := x; if ch == nil { ch = make(…) }; go func() { ch <- v }()`).
 */
function isReassigned(file: FileFacts, symbol: GoSymbol, closure: Node, takesAddress?: TakesAddress): boolean {
  for (const use of identifiersIn(file.references, symbol.name, symbol.scopeStart, symbol.scopeEnd)) {
    if (use.id === symbol.declNode.id || file.scopes.resolve(use)?.id !== symbol.id) continue;
    let n: Node = use;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const p = n.parent;
    if (p?.type === 'unary_expression' && p.child(0)?.type === '&') return true;
    if (takesAddress && p?.type === 'selector_expression' && isCalledMethod(p) && takesAddress(n, p.childForFieldName('field')?.text ?? '')) return true;
    if (use.startIndex < closure.startIndex && !insideLoopAround(closure, use)) continue;
    if (p?.type === 'inc_statement' || p?.type === 'dec_statement') return true;
    const list = p?.type === 'expression_list' ? p : undefined;
    const stmt = list ? list.parent : p;
    const left = stmt?.type === 'assignment_statement' || stmt?.type === 'short_var_declaration' ? stmt.childForFieldName('left') : null;
    if (left && (left.id === n.id || left.id === list?.id)) return true;
  }
  return false;
}

function isCalledMethod(sel: Node): boolean {
  return sel.parent?.type === 'call_expression' && sel.parent.childForFieldName('function')?.id === sel.id;
}

/** Is `use` in a loop that also holds the closure (so a later iteration reassigns after capture)? */
function insideLoopAround(closure: Node, use: Node): boolean {
  for (let p = closure.parent; p; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return false;
    if (p.type === 'for_statement' && use.startIndex >= p.startIndex && use.endIndex <= p.endIndex) return true;
  }
  return false;
}

function contains(node: Node, at: { line: number; character: number }): boolean {
  const afterStart = at.line > node.startPosition.row || (at.line === node.startPosition.row && at.character >= node.startPosition.column);
  const beforeEnd = at.line < node.endPosition.row || (at.line === node.endPosition.row && at.character < node.endPosition.column);
  return afterStart && beforeEnd;
}


// ---- output -------------------------------------------------------------------------------------

function finding(file: FileFacts, range: ReturnType<typeof rangeOf>, message: string, anchor: Node, sink: Sink | undefined): Finding {
  const related: RelatedInfo[] = [];
  if (sink && sink.at.startIndex !== anchor.startIndex) {
    const reason = sink.kind === 'result' ? 'returned here' : `escapes here: ${sink.reason}`;
    related.push({ range: rangeOf(sink.at), message: reason, ...(sink.atFile !== file ? { path: sink.atFile.path } : {}) });
  }
  return { rule: ID, severity: 'hint', range, message, fixes: [ignoreCommentFix(ID, anchor, file.lines)], related };
}

// ---- interface conversions (goleash.escapeInterfaces) -------------------------------------------

/**
 * Values boxed into an interface that escapes: arguments of standard-library calls whose
 * parameter (or `...any` element) leaks, and string conversions and concatenations whose result
 * escapes. Only where the syntax shows the value is not a pointer and not already an interface:
 * whether `x` needs boxing depends on its static type, which the tree does not have.
 */
function interfaceFindings(file: FileFacts, flow: EscapeFlow): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<number>();
  const add = (node: Node, phrase: string, reason: string, sink?: Sink, at: Node = node) => {
    if (seen.has(node.id)) return;
    seen.add(node.id);
    findings.push(finding(file, rangeOf(at), `${phrase} escapes to heap (${reason})`, node, sink));
  };
  for (const call of file.nodesOf('call_expression')) {
    if (!file.functionAt(call)) continue;
    const args = namedChildren(call.childForFieldName('arguments') ?? call);
    args.forEach((arg, i) => {
      if (arg.type === 'variadic_argument' || !isSureValue(file, arg)) return;
      if (flow.boxesArgument(file, call, i)) add(arg, arg.text.replace(/\s*\n\s*/g, ' '), 'converted to interface', undefined, arg.type === 'binary_expression' ? arg.child(1) ?? arg : arg);
    });
    const conversion = stringConversion(call);
    if (conversion) {
      const sink = flow.sinkOf(file, call, 0);
      if (sink) add(call, conversion, sink.kind === 'result' ? 'returned' : sink.reason, sink);
    }
  }
  for (const concat of file.root.descendantsOfType('binary_expression')) {
    if (!concat || concat.parent?.type === 'binary_expression' || !isStringConcat(concat) || !file.functionAt(concat)) continue;
    const sink = flow.sinkOf(file, concat, 0);
    // The compiler places a concatenation at its last `+`, which matters when it spans lines.
    if (sink) add(concat, concat.text.replace(/\s*\n\s*/g, ' '), sink.kind === 'result' ? 'returned' : sink.reason, sink, concat.child(1) ?? concat);
  }
  return findings;
}

/** `string(b)` and `[]byte(s)` as the compiler prints them: `string(b)`, `([]byte)(s)`. */
function stringConversion(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  const arg = call.childForFieldName('arguments')?.namedChild(0);
  if (!fn || !arg || call.childForFieldName('arguments')?.namedChildCount !== 1) return undefined;
  if (fn.type === 'identifier' && fn.text === 'string' && arg.type !== 'interpreted_string_literal') return `string(${arg.text})`;
  if (fn.type === 'slice_type' && /^\[\](byte|rune)$/.test(fn.text.replace(/\s+/g, ''))) return `(${fn.text.replace(/\s+/g, '')})(${arg.text})`;
  return undefined;
}

function isStringConcat(expr: Node): boolean {
  if (expr.child(1)?.type !== '+') return false;
  let hasString = false;
  walkBinary(expr, (leaf) => {
    if (leaf.type === 'interpreted_string_literal' || leaf.type === 'raw_string_literal') hasString = true;
  });
  return hasString;
}

function walkBinary(expr: Node, visit: (leaf: Node) => void): void {
  if (expr.type !== 'binary_expression') return visit(expr);
  const left = expr.childForFieldName('left');
  const right = expr.childForFieldName('right');
  if (left) walkBinary(left, visit);
  if (right) walkBinary(right, visit);
}

const BASIC_VALUE_TYPE = /^(string|byte|rune|bool|u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128))$/;

/** An expression whose value is surely neither a pointer nor an interface (it needs boxing). */
function isSureValue(file: FileFacts, expr: Node): boolean {
  switch (expr.type) {
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'int_literal':
    case 'float_literal':
    case 'rune_literal':
      return true;
    case 'binary_expression':
      return isStringConcat(expr) || /^[-+*/%&|^]|<<|>>$/.test(expr.child(1)?.type ?? '');
    case 'identifier': {
      const symbol = file.scopes.resolve(expr);
      const type = symbol?.type?.replace(/\s+/g, '') ?? (symbol?.value ? literalType(symbol.value) : undefined);
      return !!type && (BASIC_VALUE_TYPE.test(type) || isLocalStruct(file, type));
    }
    case 'selector_expression': {
      const base = expr.childForFieldName('operand');
      const field = expr.childForFieldName('field')?.text;
      const symbol = base?.type === 'identifier' ? file.scopes.resolve(base) : undefined;
      const owner = symbol?.type?.replace(/^\*/, '');
      const fieldType = owner && field ? structFields(file.types.get(owner)).get(field) : undefined;
      return !!fieldType && (BASIC_VALUE_TYPE.test(fieldType) || isLocalStruct(file, fieldType));
    }
    default:
      return false;
  }
}

function literalType(value: Node): string | undefined {
  if (value.type === 'interpreted_string_literal' || value.type === 'raw_string_literal') return 'string';
  if (value.type === 'int_literal') return 'int';
  if (value.type === 'float_literal') return 'float64';
  if (value.type === 'composite_literal') return value.childForFieldName('type')?.text;
  return undefined;
}

function isLocalStruct(file: FileFacts, type: string): boolean {
  return file.types.get(type)?.type.type === 'struct_type';
}
