// Allocation sites, the places the Go compiler's escape analysis reports on: `&T{…}`, `new(T)`,
// `make(…)`, slice and map literals, func literals and `append` (its growth). Each carries the
// compiler's own spelling of the expression (`&Config{...}`, `make([]byte, 1048576)`), so a
// finding reads like `go build -gcflags=-m` output.
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import type { NodesOf } from './nodeIndex';
import { calleeText, namedChildren } from './syntax';

export type SiteKind = 'address-literal' | 'implicit-address' | 'new' | 'make' | 'slice-literal' | 'map-literal' | 'func-literal' | 'append';

export interface AllocationSite {
  kind: SiteKind;
  /** The expression whose value is the allocation (for an implicit `&T{}`, the element literal). */
  node: Node;
  /** The compiler's spelling: `&T{...}`, `new(int64)`, `func literal`, `append`. */
  phrase: string;
  func: FuncInfo | undefined;
  /** Inside a loop of its own function: one allocation per iteration. */
  inLoop: boolean;
  /** Size in bytes when the syntax gives it (constant `make` sizes, `new([N]T)`). */
  bytes?: number;
}

/**
 * `insideLoop` by positions: a `for` of the node's own function contains it. Walking up parents
 * costs the depth of the tree per step in web-tree-sitter, which deeply nested (hostile or
 * generated) input turns into minutes; comparing offsets costs nothing.
 */
function loopTest(nodesOf: NodesOf, funcAt: (n: Node) => FuncInfo | undefined): (node: Node, func: FuncInfo | undefined) => boolean {
  const loops = nodesOf('for_statement').map((loop) => ({ start: loop.startIndex, end: loop.endIndex, func: funcAt(loop) }));
  return (node, func) => loops.some((l) => l.func === func && l.start <= node.startIndex && node.endIndex <= l.end);
}

/** What the file declares that sizes depend on: constants and struct types. */
export interface SizeContext {
  constants: Map<string, string>;
  structs: Map<string, string[]>;
}

export function collectAllocations(nodesOf: NodesOf, funcAt: (n: Node) => FuncInfo | undefined): AllocationSite[] {
  const sizes = sizeContextOf(nodesOf);
  const sites: AllocationSite[] = [];
  const inLoop = loopTest(nodesOf, funcAt);
  const add = (kind: SiteKind, node: Node, phrase: string, bytes?: number) => {
    const func = funcAt(node);
    sites.push({ kind, node, phrase, func, inLoop: inLoop(node, func), ...(bytes !== undefined ? { bytes } : {}) });
  };
  for (const n of nodesOf(['unary_expression', 'call_expression', 'func_literal', 'composite_literal'])) {
    if (n.type === 'func_literal') add('func-literal', n, 'func literal');
    else if (n.type === 'unary_expression') {
      const operand = n.childForFieldName('operand');
      if (n.child(0)?.type === '&' && operand?.type === 'composite_literal') {
        add('address-literal', n, `&${literalPhrase(operand)}`, sizeOfType(compact(operand.childForFieldName('type')?.text ?? ''), sizes));
      }
    } else if (n.type === 'call_expression') callSite(n, sizes, add);
    else compositeSites(n, add);
  }
  return sites;
}

export function sizeContextOf(nodesOf: NodesOf): SizeContext {
  const constants = new Map<string, string>();
  for (const spec of nodesOf('const_spec')) {
    const names = spec.childrenForFieldName('name');
    const values = spec.childForFieldName('value');
    const list = values ? namedChildren(values) : [];
    names.forEach((name, i) => {
      if (name && list[i]) constants.set(name.text, list[i].text);
    });
  }
  const structs = new Map<string, string[]>();
  for (const spec of nodesOf('type_spec')) {
    const type = spec.childForFieldName('type');
    const name = spec.childForFieldName('name')?.text;
    if (!name || !type) continue;
    if (type.type !== 'struct_type') {
      // `type Labels map[string]string`: a named type is as big as what it names.
      if (!spec.childForFieldName('type_parameters')) structs.set(name, [type.type === 'interface_type' ? 'interface{}' : compact(type.text)]);
      continue;
    }
    const list = namedChildren(type).find((c) => c.type === 'field_declaration_list');
    const fields: string[] = [];
    for (const field of list ? namedChildren(list) : []) {
      const t = field.childForFieldName('type')?.text;
      if (!t) continue;
      const count = Math.max(field.childrenForFieldName('name').length, 1);
      for (let i = 0; i < count; i++) fields.push(compact(t));
    }
    structs.set(name, fields);
  }
  return { constants, structs };
}

function callSite(call: Node, sizes: SizeContext, add: (kind: SiteKind, node: Node, phrase: string, bytes?: number) => void): void {
  const callee = calleeText(call);
  const args = namedChildren(call.childForFieldName('arguments') ?? call);
  if (callee === 'new' && args.length === 1) {
    const type = foldConstants(compact(args[0].text), sizes.constants);
    add('new', call, `new(${type})`, sizeOfType(type, sizes));
  } else if (callee === 'make' && args.length >= 1 && !/^(<-\s*)?chan\b/.test(args[0].text)) {
    const texts = args.map((a, i) => foldConstants(i === 0 ? compact(a.text) : a.text, sizes.constants));
    add('make', call, `make(${texts.join(', ')})`, makeBytes(texts, sizes));
  } else if (callee === 'append') add('append', call, 'append');
}

/** Slice and map literals allocate their backing store; `[]*T{{…}}` elements are implicit `&T{…}`. */
function compositeSites(lit: Node, add: (kind: SiteKind, node: Node, phrase: string) => void): void {
  if (lit.parent?.type === 'unary_expression' && lit.parent.child(0)?.type === '&') return;
  const type = lit.childForFieldName('type');
  if (type?.type === 'slice_type') add('slice-literal', lit, literalPhrase(lit));
  else if (type?.type === 'map_type') add('map-literal', lit, literalPhrase(lit));
  const element = pointerElementType(type);
  if (!element) return;
  for (const v of implicitElements(lit)) add('implicit-address', v, `&${element}${hasElements(v) ? '{...}' : '{}'}`);
}

/** `T{...}`, or `T{}` when empty, as the compiler prints a literal. */
function literalPhrase(lit: Node): string {
  const type = compact(lit.childForFieldName('type')?.text ?? '');
  return `${type}${hasElements(lit.childForFieldName('body')) ? '{...}' : '{}'}`;
}

function hasElements(body: Node | null | undefined): boolean {
  return !!body && body.namedChildren.some((c) => c && c.type !== 'comment');
}

/** `*T` of `[]*T`, `[N]*T` or `map[K]*T`. */
function pointerElementType(type: Node | null): string | undefined {
  if (!type) return undefined;
  const elem = type.childForFieldName('element') ?? type.childForFieldName('value');
  if (elem?.type !== 'pointer_type') return undefined;
  return compact(elem.text.slice(1));
}

/** Element literals written without their type (`{Name: "x"}` in `[]*Node{{Name: "x"}}`). */
function implicitElements(lit: Node): Node[] {
  const body = lit.childForFieldName('body');
  if (!body) return [];
  const found: Node[] = [];
  for (const el of namedChildren(body)) {
    const value = el.type === 'keyed_element' ? el.namedChild(el.namedChildCount - 1) : el;
    const inner = value?.type === 'literal_element' ? value.namedChild(0) : value;
    if (inner?.type === 'literal_value') found.push(inner);
  }
  return found;
}


/** Type text as the compiler prints it: no spaces except after commas. */
function compact(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*([[\]{}()*,])\s*/g, '$1').replace(/,/g, ', ');
}

/** The compiler folds constant expressions: `1<<20` prints as `1048576`, `bufSize` as its value. */
export function foldConstants(text: string, constants: Map<string, string> = new Map()): string {
  const whole = constantValue(text, constants);
  if (whole !== undefined) return String(whole);
  return text.replace(/\[([^\]]+)\]/g, (m, inner: string) => {
    const v = constantValue(inner, constants);
    return v === undefined ? m : `[${v}]`;
  });
}

/** The value of an integer constant expression (`1 << 20`, `64 * 1024`, a named constant), if it is one. */
export function constantValue(text: string, constants: Map<string, string> = new Map(), depth = 0): number | undefined {
  if (depth > 8) return undefined;
  let unknown = false;
  const substituted = text.replace(/\b[A-Za-z_]\w*\b/g, (name) => {
    if (/^0[xX]/.test(name)) return name;
    const value = constants.get(name);
    const v = value === undefined ? undefined : constantValue(value, constants, depth + 1);
    if (v === undefined) unknown = true;
    return `(${v})`;
  });
  if (unknown) return undefined;
  const t = substituted.replace(/_/g, '').trim();
  if (!/^[\d\s<>*+\-()xXa-fA-F]+$/.test(t) || /[a-fA-F]/.test(t.replace(/0[xX][0-9a-fA-F]+/g, ''))) return undefined;
  try {
    const js = t.replace(/<</g, '*2**').replace(/(\d+)\s*\*2\*\*\s*(\d+)/g, '($1*2**$2)');
    const v = Function(`"use strict"; return (${js});`)() as unknown;
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

const BASIC_SIZES: Record<string, number> = {
  bool: 1, byte: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, rune: 4, float32: 4,
  uint64: 8, int64: 8, int: 8, uint: 8, uintptr: 8, float64: 8, complex64: 8, complex128: 16,
  string: 16, error: 16, any: 16, 'interface{}': 16,
  // Standard types that options structs and states hold inline (go1.22+ layouts).
  'time.Time': 24, 'time.Duration': 8, 'sync.Mutex': 8, 'sync.RWMutex': 24, 'sync.Once': 12, 'sync.WaitGroup': 16,
  'context.Context': 16, 'io.Reader': 16, 'io.Writer': 16, 'net.Conn': 16, 'http.Handler': 16,
};

/** Bytes of a type the syntax fully describes (basic types, pointers, slices, arrays, the file's structs). */
export function sizeOfType(type: string, sizes?: SizeContext, depth = 0): number | undefined {
  const t = type.trim();
  if (t in BASIC_SIZES) return BASIC_SIZES[t];
  const fields = sizes?.structs.get(t);
  if (fields && depth < 8) {
    let total = 0;
    for (const f of fields) {
      const size = sizeOfType(f, sizes, depth + 1);
      if (size === undefined) return undefined;
      total += size;
    }
    return total;
  }
  if (t.startsWith('*') || t.startsWith('map[') || t.startsWith('chan ') || t.startsWith('func(')) return 8;
  if (t.startsWith('[]')) return 24;
  const array = /^\[([^\]]+)\](.+)$/.exec(t);
  if (array) {
    const n = constantValue(array[1], sizes?.constants);
    const elem = sizeOfType(array[2], sizes, depth + 1);
    return n !== undefined && elem !== undefined ? n * elem : undefined;
  }
  return undefined;
}

/** `make([]T, n[, cap])` with constant sizes: the bytes of the backing array. */
function makeBytes(args: string[], sizes: SizeContext): number | undefined {
  const slice = /^\[\](.+)$/.exec(args[0]);
  if (!slice || args.length < 2) return undefined;
  const count = constantValue(args[args.length === 3 ? 2 : 1], sizes.constants);
  const elem = sizeOfType(slice[1], sizes);
  return count !== undefined && elem !== undefined ? count * elem : undefined;
}
