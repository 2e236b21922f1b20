// Every function of a file — declarations, methods and func literals — with the names the Go
// runtime gives them (`run`, `(*Watcher).loop`, `NewPool.func1`, `NewPool.func1.1`), so messages
// match what goroutine dumps and goleak print.
import type { Node } from 'web-tree-sitter';
import type { NodesOf } from './nodeIndex';
import { FUNCTION_TYPES, namedChildren } from './syntax';

export interface Param {
  name?: string;
  type: string;
  node: Node;
}

export interface Receiver {
  name?: string;
  typeName: string;
  pointer: boolean;
}

export interface FuncInfo {
  node: Node;
  kind: 'function' | 'method' | 'literal';
  /** The Go runtime's name for the function. */
  name: string;
  /** The declared name of a function or method; undefined for literals. */
  declName?: string;
  receiver?: Receiver;
  params: Param[];
  /** One type per result value (`(a, b int)` gives two). */
  results: string[];
  paramList: Node | undefined;
  body: Node | undefined;
  /** The function a literal sits in. */
  parent?: FuncInfo;
}

export function collectFunctions(nodesOf: NodesOf): FuncInfo[] {
  const out: FuncInfo[] = [];
  const literalCount = new Map<string, number>();
  // Document order, so the enclosing function of each one is still open on the stack.
  const open: FuncInfo[] = [];
  for (const node of nodesOf([...FUNCTION_TYPES])) {
    while (open.length > 0 && open[open.length - 1].node.endIndex <= node.startIndex) open.pop();
    const info = describe(node, open[open.length - 1], literalCount);
    out.push(info);
    open.push(info);
  }
  return out;
}

/** The innermost function of `functions` (in document order) that contains `node`. */
export function innermostFunction(functions: readonly FuncInfo[], node: Node): FuncInfo | undefined {
  let lo = 0;
  let hi = functions.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (functions[mid].node.startIndex <= node.startIndex) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let f: FuncInfo | undefined = functions[last]; f; f = f.parent) {
    const contains = f.node.startIndex <= node.startIndex && node.endIndex <= f.node.endIndex;
    if (contains && f.node.id !== node.id) return f;
  }
  return undefined;
}

function describe(node: Node, parent: FuncInfo | undefined, literalCount: Map<string, number>): FuncInfo {
  const paramList = node.childForFieldName('parameters') ?? undefined;
  const base = {
    node,
    params: paramList ? paramsOf(paramList) : [],
    results: resultsOf(node.childForFieldName('result')),
    paramList,
    body: node.childForFieldName('body') ?? undefined,
    parent,
  };
  if (node.type === 'function_declaration') {
    const declName = node.childForFieldName('name')?.text ?? '_';
    return { ...base, kind: 'function', name: declName, declName };
  }
  if (node.type === 'method_declaration') {
    const declName = node.childForFieldName('name')?.text ?? '_';
    const receiver = receiverOf(node.childForFieldName('receiver'));
    // The runtime prints `(*T).m` for pointer receivers and `T.m` for value receivers.
    const recvName = receiver ? (receiver.pointer ? `(*${receiver.typeName})` : receiver.typeName) : '(?)';
    return { ...base, kind: 'method', name: `${recvName}.${declName}`, declName, receiver };
  }
  const outer = parent?.name ?? 'glob.';
  const n = (literalCount.get(outer) ?? 0) + 1;
  literalCount.set(outer, n);
  const name = parent && parent.kind === 'literal' ? `${outer}.${n}` : `${outer}.func${n}`;
  return { ...base, kind: 'literal', name };
}

function paramsOf(list: Node): Param[] {
  const params: Param[] = [];
  for (const decl of namedChildren(list)) {
    if (decl.type !== 'parameter_declaration' && decl.type !== 'variadic_parameter_declaration') continue;
    const typeNode = decl.childForFieldName('type');
    const type = (decl.type === 'variadic_parameter_declaration' ? '...' : '') + (typeNode?.text ?? '');
    const names = decl.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (names.length === 0) params.push({ type, node: decl });
    for (const n of names) params.push({ name: n.text, type, node: decl });
  }
  return params;
}

function resultsOf(result: Node | null): string[] {
  if (!result) return [];
  if (result.type !== 'parameter_list') return [result.text];
  return paramsOf(result).map((p) => p.type);
}

function receiverOf(list: Node | null): Receiver | undefined {
  const decl = list && namedChildren(list).find((c) => c.type === 'parameter_declaration');
  if (!decl) return undefined;
  let typeNode = decl.childForFieldName('type');
  const pointer = typeNode?.type === 'pointer_type';
  if (pointer) typeNode = namedChildren(typeNode!)[0] ?? null;
  // Generic receivers (`*List[T]`) name the type without its parameters.
  if (typeNode?.type === 'generic_type') typeNode = typeNode.childForFieldName('type');
  return { name: decl.childForFieldName('name')?.text, typeName: typeNode?.text ?? '?', pointer };
}
