// Is a context.Context in scope at a point, and under what expression? Looked for in each
// enclosing function, innermost first (closures capture): a local declared before the point,
// a context.Context parameter, an *http.Request parameter (its Context()); last, a context
// field of the method's receiver.
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import { structFields, type TypeDecl } from './types';
import { walkOwnCode } from './syntax';

const CONTEXT_TYPE = 'context.Context';
/** An HTTP handler's request carries the request's context. */
const REQUEST_TYPE = '*http.Request';
const CONTEXT_CONSTRUCTOR = /^context\.(Background|TODO|With\w+)$/;

export function contextInScope(at: Node, func: FuncInfo | undefined, types: Map<string, TypeDecl>): string | undefined {
  for (let f = func; f; f = f.parent) {
    // A local derived before the loop (`ctx, cancel := context.WithCancel(parent)`) is the one
    // its owner cancels, so it wins over the parameter it came from.
    const local = f.body && localContext(f.body, at);
    if (local) return local;
    const param = f.params.find((p) => p.name && p.name !== '_' && p.type === CONTEXT_TYPE);
    if (param) return param.name;
    const request = f.params.find((p) => p.name && p.name !== '_' && p.type === REQUEST_TYPE);
    if (request) return `${request.name}.Context()`;
  }
  const method = outermost(func);
  return method ? receiverContext(method, types) : undefined;
}

function outermost(func: FuncInfo | undefined): FuncInfo | undefined {
  let f = func;
  while (f?.parent) f = f.parent;
  return f;
}

/** A `ctx := …` / `ctx, cancel := context.WithX(…)` / `var ctx context.Context` visible at `at`. */
function localContext(body: Node, at: Node): string | undefined {
  let found: string | undefined;
  walkOwnCode(body, (n) => {
    if (n.startIndex >= at.startIndex) return false;
    const name = declaredContext(n);
    if (name && declarationReaches(n, at)) found = name;
    return true;
  });
  return found;
}

function declaredContext(n: Node): string | undefined {
  if (n.type === 'short_var_declaration') {
    const left = n.childForFieldName('left');
    const first = left?.namedChild(0);
    const right = n.childForFieldName('right')?.namedChild(0);
    const fromConstructor = right?.type === 'call_expression' && CONTEXT_CONSTRUCTOR.test(right.childForFieldName('function')?.text ?? '');
    if (first?.type === 'identifier' && (fromConstructor || first.text === 'ctx')) return first.text;
  }
  if (n.type === 'var_spec' && n.childForFieldName('type')?.text === CONTEXT_TYPE) {
    return n.childForFieldName('name')?.text;
  }
  return undefined;
}

/** A declaration is visible at `at` when its enclosing block also encloses `at`. */
function declarationReaches(decl: Node, at: Node): boolean {
  let block = decl.parent;
  while (block && block.type !== 'block' && block.type !== 'source_file') block = block.parent;
  if (!block) return false;
  return block.startIndex <= at.startIndex && at.endIndex <= block.endIndex;
}

function receiverContext(method: FuncInfo, types: Map<string, TypeDecl>): string | undefined {
  const recv = method.receiver;
  if (!recv?.name || recv.name === '_') return undefined;
  for (const [field, type] of structFields(types.get(recv.typeName))) {
    if (type === CONTEXT_TYPE) return `${recv.name}.${field}`;
  }
  return undefined;
}
