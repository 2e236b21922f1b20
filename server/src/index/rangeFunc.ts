// Range-over-func loops (`for v := range seq`, Go 1.23): the compiler turns the loop body into a
// closure and passes it to the iterator as `yield`. When it cannot see what the iterator does
// with it — an iterator returned by a call, a func-typed parameter or field: an indirect call —
// the closure escapes, and with it everything it captures by reference: the loop's own state
// (`#stateN`), the results a `return` in the body sets (`#rvN`), and variables the body assigns.
// The syntax shows that a range expression is a function from declared types (`iter.Seq[T]`,
// `func(yield func(T) bool)`), package functions' result types and a few standard iterators.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import { FUNCTION_TYPES } from '../facts/syntax';
import { structFields } from '../facts/types';
import type { Located, PackageIndex } from './packageIndex';

export interface RangeFuncLoop {
  loop: Node;
  body: Node;
  /** The function (declaration or literal) whose loop it is. */
  owner: Node;
  /** 1-based, in source order within the owner: the compiler's `#stateN`. */
  ordinal: number;
  /** A package function ranged over by name (`range seqOf`): its yield parameter's fate decides. */
  knownIterator?: Located<FuncInfo>;
}

/** `iter.Seq[T]`, `iter.Seq2[K, V]`, `func(yield func(T) bool)`: a type that ranges as a function. */
const ITERATOR_TYPE = /^(\*?iter\.Seq2?\b|func\s*\(\s*\w*\s*func\s*\()/;

/** Standard-library functions that return iterators (Go 1.23+), by import path. */
const STDLIB_ITERATORS: Record<string, ReadonlySet<string>> = {
  maps: new Set(['All', 'Keys', 'Values']),
  slices: new Set(['All', 'Values', 'Backward', 'Chunk']),
  strings: new Set(['Lines', 'SplitSeq', 'SplitAfterSeq', 'FieldsSeq', 'FieldsFuncSeq']),
  bytes: new Set(['Lines', 'SplitSeq', 'SplitAfterSeq', 'FieldsSeq', 'FieldsFuncSeq']),
};

/** Methods of standard types that return iterators whatever the receiver (`reflect.Value.Seq`). */
const ITERATOR_METHODS = new Set(['Seq', 'Seq2']);

/** The file's range-over-func loops, numbered per enclosing function as the compiler numbers them. */
export function rangeFuncLoops(file: FileFacts, pkg: PackageIndex): RangeFuncLoop[] {
  const loops: RangeFuncLoop[] = [];
  const counts = new Map<number, number>();
  for (const clause of file.nodesOf('range_clause')) {
    const loop = clause.parent;
    const body = loop?.childForFieldName('body');
    const right = clause.childForFieldName('right');
    const owner = enclosingFunction(clause);
    if (!loop || !body || !right || !owner) continue;
    const known = knownIterator(file, pkg, right);
    if (!known && !isIterator(file, pkg, right, 0)) continue;
    const ordinal = (counts.get(owner.id) ?? 0) + 1;
    counts.set(owner.id, ordinal);
    loops.push({ loop, body, owner, ordinal, ...(known ? { knownIterator: known } : {}) });
  }
  return loops;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

/** `range seqOf` naming a package function that takes a yield function. */
function knownIterator(file: FileFacts, pkg: PackageIndex, expr: Node): Located<FuncInfo> | undefined {
  if (expr.type !== 'identifier' || file.scopes.resolve(expr)) return undefined;
  const fn = pkg.callees(file, expr.text, expr.startIndex).find((c) => c.item.kind === 'function');
  return fn && fn.item.params.length === 1 && /^func\s*\(/.test(fn.item.params[0].type) ? fn : undefined;
}

/** Is the range expression a function value (an iterator the compiler calls indirectly)? */
function isIterator(file: FileFacts, pkg: PackageIndex, expr: Node, depth: number): boolean {
  if (depth > 3) return false;
  switch (expr.type) {
    case 'parenthesized_expression':
      return !!expr.namedChild(0) && isIterator(file, pkg, expr.namedChild(0)!, depth + 1);
    case 'func_literal':
      return true;
    case 'call_expression':
      return returnsIterator(file, pkg, expr);
    case 'identifier': {
      const symbol = file.scopes.resolve(expr);
      if (!symbol) return false;
      if (symbol.type) return ITERATOR_TYPE.test(symbol.type.trim());
      return !!symbol.value && isIterator(file, pkg, symbol.value, depth + 1);
    }
    case 'selector_expression':
      return iteratorField(file, pkg, expr);
    default:
      return false;
  }
}

function returnsIterator(file: FileFacts, pkg: PackageIndex, call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  const resultIsIterator = (found: Located<FuncInfo>[]) => found.length > 0 && found.every((f) => ITERATOR_TYPE.test(f.item.results[0]?.trim() ?? ''));
  if (fn.type === 'identifier') return resultIsIterator(pkg.callees(file, fn.text, call.startIndex).filter((c) => c.item.kind === 'function'));
  if (fn.type !== 'selector_expression') return false;
  const operand = fn.childForFieldName('operand');
  const name = fn.childForFieldName('field')?.text ?? '';
  if (operand?.type === 'identifier' && !file.scopes.resolve(operand)) {
    const path = file.references.imports.get(operand.text);
    if (path !== undefined) return STDLIB_ITERATORS[path]?.has(name) ?? false;
  }
  return ITERATOR_METHODS.has(name) || resultIsIterator(pkg.methods(file, name));
}

/** `range s.items` where the package declares the field with an iterator type. */
function iteratorField(file: FileFacts, pkg: PackageIndex, sel: Node): boolean {
  const field = sel.childForFieldName('field')?.text;
  if (!field) return false;
  for (const other of pkg.visibleFrom(file)) {
    for (const decl of other.types.values()) {
      const type = structFields(decl).get(field);
      if (type && ITERATOR_TYPE.test(type.trim())) return true;
    }
  }
  return false;
}
