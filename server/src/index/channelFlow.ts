// Where one channel goes in its package: every operation on it through aliases (`x := ch`,
// `T{out: ch}`, `w.out = ch`), through the parameters of package functions it is handed to, and
// through `return` to in-package callers; whether anything closes it; and whether it reaches code
// we cannot follow (another package's function, an exported field, a map, a slice…), after which
// closing it is someone else's business.
import { identifiersIn } from '../facts/references';
import type { Node } from 'web-tree-sitter';
import type { ChanOp } from '../facts/channels';
import { structTypeOf, type FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { GoSymbol } from '../facts/scopes';
import { calleeText } from '../facts/syntax';
import { structFields } from '../facts/types';
import type { Located, PackageIndex } from './packageIndex';

export interface ChannelFlow {
  /** Every operation on the channel in files visible from the asking file. */
  ops: Located<ChanOp>[];
  /** The keys the channel travels under. */
  keys: Set<string>;
  /** Something may close it (a close, a callee closing its parameter, a close we cannot type). */
  closed: boolean;
  /** Why the channel is out of our sight, when it is. */
  escape?: string;
  /** A package-level variable holds it: it lives as long as the process. */
  global: boolean;
  /** `return ch` to callers we cannot see: an exported function, a method, a func literal. */
  returnedOutside: Located<ChanOp>[];
}

/** Uses of a channel expression that the analysis understands. */
type UseKind = 'recv' | 'send' | 'range' | 'close' | 'arg' | 'flow' | 'benign' | 'escape';

const HARMLESS_CALLEES = new Set(['len', 'cap']);
const CHAN_TYPE = /^(<-\s*)?chan\b/;

export function channelFlow(pkg: PackageIndex, file: FileFacts, start: string): ChannelFlow {
  const flow: ChannelFlow = { ops: [], keys: new Set(), closed: false, global: false, returnedOutside: [] };
  const visible = pkg.visibleFrom(file);
  const visibleSet = new Set(visible);
  const index = aliasIndexOf(pkg);
  const seenClasses = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const root = index.classes.find(queue.pop()!);
    if (seenClasses.has(root)) continue;
    seenClasses.add(root);
    for (const key of index.keysByClass.get(root) ?? [root]) flow.keys.add(key);
    for (const located of index.opsByClass.get(root) ?? []) {
      if (!visibleSet.has(located.file)) continue;
      const op = located.item;
      flow.ops.push(located);
      if (op.kind === 'close') flow.closed = true;
      else if (op.kind === 'arg') followArgument(pkg, located, flow, queue);
      else if (op.kind === 'return') followReturn(located, flow);
    }
  }
  for (const key of flow.keys) checkKey(pkg, visible, key, flow);
  return flow;
}

interface AliasIndex {
  classes: UnionFind;
  opsByClass: Map<string, Located<ChanOp>[]>;
  keysByClass: Map<string, Set<string>>;
}

const aliasIndexes = new WeakMap<PackageIndex, AliasIndex>();

/**
 * Channel keys joined by copies, like PackageIndex's alias classes, except that `return a, b`
 * joins neither a nor b with `result:f`: the caller's `x, y := f()` is not followed, and joining
 * both would mix two channels (and an error variable) into one.
 */
function aliasIndexOf(pkg: PackageIndex): AliasIndex {
  const cached = aliasIndexes.get(pkg);
  if (cached) return cached;
  const classes = new UnionFind();
  for (const file of pkg.files) {
    for (const op of file.channels.ops) {
      if (op.kind === 'alias' && op.target) classes.union(op.key, op.target);
      if (op.kind === 'return' && returnsInPackage(op) && returnValues(op).length === 1) classes.union(op.key, `result:${op.func!.declName}`);
    }
  }
  const opsByClass = new Map<string, Located<ChanOp>[]>();
  const keysByClass = new Map<string, Set<string>>();
  for (const file of pkg.files) {
    for (const item of file.channels.ops) {
      const root = classes.find(item.key);
      const ops = opsByClass.get(root);
      if (ops) ops.push({ file, item });
      else opsByClass.set(root, [{ file, item }]);
      for (const key of item.target ? [item.key, item.target] : [item.key]) {
        const keys = keysByClass.get(root);
        if (keys) keys.add(key);
        else keysByClass.set(root, new Set([key]));
      }
    }
  }
  for (const name of [...classes.keys()]) {
    const root = classes.find(name);
    const keys = keysByClass.get(root);
    if (keys) keys.add(name);
    else keysByClass.set(root, new Set([name]));
  }
  const index = { classes, opsByClass, keysByClass };
  aliasIndexes.set(pkg, index);
  return index;
}

/** The values of the return statement holding `op`. */
export function returnValues(op: ChanOp): Node[] {
  const list = op.node.parent;
  return list?.type === 'expression_list' ? list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [op.node];
}

/** `return ch`: to in-package callers (followed), to callers out of sight, or with other values. */
function followReturn(located: Located<ChanOp>, flow: ChannelFlow): void {
  const op = located.item;
  if (!returnsInPackage(op)) flow.returnedOutside.push(located);
  else if (returnValues(op).length > 1) flow.escape ??= `returned by ${op.func?.name} with other values`;
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression: point every key on the way straight at the root.
    for (let k = x; k !== root; ) {
      const next = this.parent.get(k)!;
      this.parent.set(k, root);
      k = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }

  keys(): IterableIterator<string> {
    return this.parent.keys();
  }
}

/** `f(ch)`: into a package function's parameter, or out of sight. */
function followArgument(pkg: PackageIndex, located: Located<ChanOp>, flow: ChannelFlow, queue: string[]): void {
  const op = located.item;
  if (HARMLESS_CALLEES.has(op.callee ?? '')) return;
  const literal = invokedLiteral(located);
  const callees = literal ? [literal] : pkg.callees(located.file, op.callee);
  if (callees.length === 0) {
    flow.escape ??= `passed to ${op.callee ?? 'a call'}`;
    return;
  }
  for (const callee of callees) {
    const index = op.argIndex ?? -1;
    const type = callee.item.params[index]?.type;
    // `...chan T` is a slice, and a non-channel parameter (any, interface{}) hides the channel.
    if (!type || !CHAN_TYPE.test(type)) {
      flow.escape ??= `passed to ${op.callee} as ${type ?? 'a variadic argument'}`;
      continue;
    }
    if (pkg.summaryOf(callee.item)?.closes.has(index)) flow.closed = true;
    const param = callee.file.scopes.paramsOf(callee.item).find((s) => s.paramIndex === index);
    if (param) queue.push(`${callee.file.path}#${param.id}`);
  }
}

/** `func(out chan<- T) { … }(ch)`: the literal invoked (or started) where it is written. */
function invokedLiteral(located: Located<ChanOp>): Located<FuncInfo> | undefined {
  const call = located.item.node.parent?.parent;
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
  if (fn?.type !== 'func_literal') return undefined;
  const item = located.file.functions.find((f) => f.node.id === fn.id);
  return item && { file: located.file, item };
}

/** `return ch` in an unexported package function: its callers are all in view (`result:f`). */
function returnsInPackage(op: ChanOp): boolean {
  const f = op.func;
  return f?.kind === 'function' && !!f.declName && !isExported(f.declName) && f.declName !== 'main';
}

export function isExported(name: string): boolean {
  return /^\p{Lu}/u.test(name);
}

function checkKey(pkg: PackageIndex, visible: FileFacts[], key: string, flow: ChannelFlow): void {
  if (key.startsWith('global:')) {
    flow.global = true;
    return;
  }
  if (key.startsWith('field:')) {
    const [type, field] = key.slice('field:'.length).split('.');
    if (isExported(field)) flow.escape ??= `stored in exported field ${type}.${field}`;
    else checkFieldUses(visible, type, field, flow);
    return;
  }
  if (key.startsWith('result:')) {
    checkResultUses(visible, key.slice('result:'.length), flow);
    return;
  }
  const hash = key.lastIndexOf('#');
  const owner = pkg.files.find((f) => f.path === key.slice(0, hash));
  if (!owner || !visible.includes(owner)) return;
  const symbol = symbolById(owner, Number(key.slice(hash + 1)));
  if (symbol) checkLocalUses(owner, symbol, flow);
}

/** Every use of a local or parameter: one we cannot follow means the channel escapes. */
function checkLocalUses(file: FileFacts, symbol: GoSymbol, flow: ChannelFlow): void {
  // A named result leaves by a bare `return` too, which names nothing.
  if (symbol.kind === 'result') flow.escape ??= `named result ${symbol.name}`;
  for (const ref of identifiersIn(file.references, symbol.name, symbol.scopeStart, symbol.scopeEnd)) {
    if (ref.startIndex === symbol.id) continue;
    if (file.scopes.resolve(ref)?.id !== symbol.id) continue;
    const use = classifyUse(file, ref);
    if (use === 'escape') flow.escape ??= `${symbol.name} used in \`${ref.parent?.text.slice(0, 40)}\``;
  }
}

/**
 * Uses of field T.f: typed ones must be followable; a `.f` on something whose type the syntax
 * does not show may be ours, so if it is closed or handed on, someone may close the channel.
 */
function checkFieldUses(visible: FileFacts[], type: string, field: string, flow: ChannelFlow): void {
  for (const file of visible) {
    if (!file.text.includes(field)) continue; // spares the file its reference index
    for (const sel of file.references.selectors.get(field) ?? []) {
      const operand = sel.childForFieldName('operand');
      let operandType: string | undefined;
      if (operand?.type === 'identifier') {
        const symbol = file.scopes.resolve(operand);
        if (!symbol && file.references.imports.has(operand.text)) continue; // pkg.f
        operandType = symbol && structTypeOf(symbol);
        if (symbol && !operandType && isTyped(symbol)) continue; // a named non-struct type, not ours
      }
      // A struct of the package without its own field f may hold ours embedded.
      if (operandType !== undefined && operandType !== type && !declaresField(visible, operandType, field)) operandType = undefined;
      const use = classifyUse(file, sel);
      if (operandType === type) {
        if (use === 'escape') flow.escape ??= `${type}.${field} used in \`${sel.parent?.text.slice(0, 40)}\``;
      } else if (operandType === undefined && (use === 'close' || use === 'arg' || use === 'flow' || use === 'escape')) {
        flow.closed = true; // `x.y.f` of a type we cannot see may be our field, and it is closed or handed on
      }
    }
  }
}

/** Does the package declare struct `type` with a field named `field` (or is `type` not ours)? */
function declaresField(visible: FileFacts[], type: string, field: string): boolean {
  for (const file of visible) {
    const decl = file.types.get(type);
    if (decl) return decl.type.type !== 'struct_type' || structFields(decl).has(field);
  }
  return true; // another package's type: not the struct whose field we follow
}

/** A symbol whose type is written as something other than a struct we could name. */
function isTyped(symbol: GoSymbol): boolean {
  return symbol.type !== undefined && symbol.type.trim() !== '';
}

/** Calls `f(…)` of an in-package function returning the channel, and `f` used as a value. */
function checkResultUses(visible: FileFacts[], name: string, flow: ChannelFlow): void {
  for (const file of visible) {
    if (!file.text.includes(name)) continue;
    for (const ref of file.references.identifiers.get(name) ?? []) {
      if (file.scopes.resolve(ref)) continue; // a local of that name
      const parent = ref.parent;
      if (parent?.type === 'function_declaration') continue; // its declaration
      if (parent?.type !== 'call_expression' || parent.childForFieldName('function')?.id !== ref.id) {
        flow.escape ??= `${name} used as a value`;
        continue;
      }
      if (classifyUse(file, parent) === 'escape') flow.escape ??= `${name}() used in \`${parent.parent?.text.slice(0, 40)}\``;
    }
  }
}

const symbolIndexes = new WeakMap<FileFacts, Map<number, GoSymbol>>();

function symbolById(file: FileFacts, id: number): GoSymbol | undefined {
  let index = symbolIndexes.get(file);
  if (!index) {
    index = new Map(file.scopes.all().map((s) => [s.id, s]));
    symbolIndexes.set(file, index);
  }
  return index.get(id);
}

/** What the code around a channel-valued expression does with it. */
export function classifyUse(file: FileFacts, expr: Node): UseKind {
  let node = expr;
  let parent = node.parent;
  while (parent?.type === 'parenthesized_expression') {
    node = parent;
    parent = node.parent;
  }
  if (!parent) return 'benign';
  switch (parent.type) {
    case 'unary_expression':
      return parent.child(0)?.type === '<-' ? 'recv' : 'escape';
    case 'send_statement':
      return parent.childForFieldName('channel')?.id === node.id ? 'send' : 'escape';
    case 'range_clause':
      return parent.childForFieldName('right')?.id === node.id ? 'range' : 'benign';
    case 'argument_list': {
      const callee = calleeText(parent.parent!);
      if (callee === 'close') return 'close';
      return HARMLESS_CALLEES.has(callee ?? '') ? 'benign' : 'arg';
    }
    case 'expression_list':
      return listUse(file, parent, node);
    case 'literal_element': {
      const keyed = parent.parent;
      if (keyed?.type !== 'keyed_element') return 'escape';
      if (keyed.childForFieldName('key')?.id === parent.id) return 'benign'; // the field name
      return followedFieldInit(keyed) ? 'flow' : 'escape';
    }
    case 'binary_expression':
    case 'expression_statement':
    case 'receive_statement':
    case 'if_statement':
    case 'for_statement':
    case 'expression_case':
      return 'benign';
    case 'call_expression':
      return parent.childForFieldName('function')?.id === node.id ? 'benign' : 'escape';
    case 'selector_expression':
      return parent.childForFieldName('operand')?.id === node.id ? 'benign' : 'escape';
    default:
      return 'escape';
  }
}

/** A channel in an expression list: assigned from, declared into, returned, or a switch case. */
function listUse(file: FileFacts, list: Node, node: Node): UseKind {
  const holder = list.parent;
  if (!holder) return 'escape';
  if (holder.type === 'return_statement') return 'flow';
  if (holder.type === 'expression_case') return 'benign';
  if (holder.type === 'short_var_declaration' || holder.type === 'assignment_statement' || holder.type === 'var_spec') {
    if (holder.childForFieldName('right')?.id !== list.id && holder.childForFieldName('value')?.id !== list.id) return 'benign'; // assigned to
    const values = list.namedChildren.filter((c) => c !== null);
    const targets =
      holder.type === 'var_spec'
        ? holder.childrenForFieldName('name').filter((x): x is Node => x !== null)
        : (holder.childForFieldName('left')?.namedChildren.filter((c): c is Node => c !== null) ?? []);
    if (targets.length !== values.length) return 'escape';
    const target = targets[values.findIndex((v) => v.id === node.id)];
    if (target?.type === 'identifier' && target.text === '_') return 'benign';
    return file.channels.keyOf(target) ? 'flow' : 'escape';
  }
  return 'escape';
}

/** `T{f: ch}` with T a plain struct name: channels.ts follows it into `field:T.f`. */
function followedFieldInit(keyed: Node): boolean {
  const literal = keyed.parent?.parent;
  const type = literal?.type === 'composite_literal' ? literal.childForFieldName('type')?.text : undefined;
  const key = keyed.childForFieldName('key')?.namedChild(0);
  return key?.type === 'identifier' && !!type && /^\w+$/.test(type);
}
