// Which declaration an identifier refers to, from syntax alone. Declarations are collected once
// per file (parameters, receivers, named results, `:=`, `var`, range and select variables,
// type-switch aliases, package-level names) with the region of text where each is visible; an
// identifier resolves to the visible declaration of its name in the innermost region.
import type { Node } from 'web-tree-sitter';
import type { FuncInfo } from './functions';
import type { NodesOf } from './nodeIndex';
import { namedChildren } from './syntax';

export type SymbolKind = 'param' | 'receiver' | 'result' | 'local' | 'global';

export interface GoSymbol {
  /** Unique within the file: the declaring identifier's start index. */
  id: number;
  name: string;
  kind: SymbolKind;
  /** The identifier that declares it. */
  declNode: Node;
  /** The statement or parameter declaration that declares it. */
  declaration: Node;
  /** Where the name is visible: [start, end) in string indices. */
  scopeStart: number;
  scopeEnd: number;
  /** The function whose frame holds it (undefined for package-level names). */
  func: FuncInfo | undefined;
  /** The declared type, when written (`var c chan int`, parameters). */
  type?: string;
  /** For `x := expr` / `var x = expr`: the value expression. */
  value?: Node;
  /** For a parameter: its index in the parameter list. */
  paramIndex?: number;
}

/** Nodes that open a scope for declarations inside them. */
const SCOPE_TYPES = new Set([
  'block',
  'for_statement',
  'if_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'communication_case',
  'expression_case',
  'type_case',
  'default_case',
  'func_literal',
  'function_declaration',
  'method_declaration',
]);

const DECLARING_TYPES = ['short_var_declaration', 'var_spec', 'const_spec', 'range_clause', 'receive_statement', 'type_switch_statement'];

export class Scopes {
  private readonly byName = new Map<string, GoSymbol[]>();
  private readonly paramsByFunc = new Map<FuncInfo, GoSymbol[]>();
  private index?: Map<string, NameIndex>;

  constructor(nodesOf: NodesOf, functions: readonly FuncInfo[], funcAt: (n: Node) => FuncInfo | undefined) {
    for (const f of functions) this.addFunctionSymbols(f);
    for (const n of nodesOf(DECLARING_TYPES)) this.addStatementSymbols(n, funcAt);
  }

  /** The declaration an identifier refers to, or undefined (a package, a builtin, another file's name). */
  resolve(ident: Node): GoSymbol | undefined {
    const name = ident.text;
    const declared = this.indexOf(name)?.byId.get(ident.startIndex);
    return declared ?? this.lookup(name, ident.startIndex);
  }

  /**
   * The visible declaration of `name` at `at` in the innermost region: of the regions holding
   * `at`, the one starting last, then the one ending first, then the one declared first.
   */
  lookup(name: string, at: number): GoSymbol | undefined {
    const ordered = this.indexOf(name)?.ordered;
    if (!ordered) return undefined;
    // `ordered` is in the preference order reversed: walk back from the last region starting at
    // or before `at`; the first that still holds `at` is the innermost.
    for (let i = lastStartingBy(ordered, at); i >= 0; i--) {
      if (at < ordered[i].scopeEnd) return ordered[i];
    }
    return undefined;
  }

  /** The named parameters of a function, in order. */
  paramsOf(f: FuncInfo): GoSymbol[] {
    return this.paramsByFunc.get(f) ?? [];
  }

  /** Every symbol of the file. */
  all(): GoSymbol[] {
    return [...this.byName.values()].flat();
  }

  /**
   * Per name, built on first use (all symbols are added by the constructor): the first symbol
   * declared by each identifier, and the symbols by scope start, end descending, declaration
   * order descending. Generated code declares the same few names thousands of times in a file,
   * so resolving by a scan of every same-named symbol would be quadratic.
   */
  private indexOf(name: string): NameIndex | undefined {
    this.index ??= new Map();
    let entry = this.index.get(name);
    if (!entry) {
      const symbols = this.byName.get(name);
      if (!symbols) return undefined;
      const byId = new Map<number, GoSymbol>();
      for (const s of symbols) if (!byId.has(s.id)) byId.set(s.id, s);
      const order = new Map(symbols.map((s, i) => [s, i]));
      const ordered = [...symbols].sort((a, b) => a.scopeStart - b.scopeStart || b.scopeEnd - a.scopeEnd || order.get(b)! - order.get(a)!);
      entry = { byId, ordered };
      this.index.set(name, entry);
    }
    return entry;
  }

  private add(symbol: GoSymbol): void {
    const list = this.byName.get(symbol.name);
    if (list) list.push(symbol);
    else this.byName.set(symbol.name, [symbol]);
  }

  private addFunctionSymbols(f: FuncInfo): void {
    const scope = f.node;
    f.params.forEach((p, paramIndex) => {
      const ident = p.node.childrenForFieldName('name').find((n) => n?.text === p.name);
      if (!ident || !p.name || p.name === '_') return;
      const symbol = symbolOf(ident, 'param', p.node, scope.startIndex, scope.endIndex, f, { type: p.type, paramIndex });
      this.add(symbol);
      const list = this.paramsByFunc.get(f);
      if (list) list.push(symbol);
      else this.paramsByFunc.set(f, [symbol]);
    });
    const recv = f.node.type === 'method_declaration' ? f.node.childForFieldName('receiver') : null;
    const recvDecl = recv && namedChildren(recv).find((c) => c.type === 'parameter_declaration');
    const recvName = recvDecl?.childForFieldName('name');
    if (recvDecl && recvName) {
      this.add(symbolOf(recvName, 'receiver', recvDecl, scope.startIndex, scope.endIndex, f, { type: recvDecl.childForFieldName('type')?.text }));
    }
    const results = f.node.childForFieldName('result');
    if (results?.type === 'parameter_list') {
      for (const decl of namedChildren(results)) {
        for (const name of decl.childrenForFieldName('name')) {
          if (name) this.add(symbolOf(name, 'result', decl, scope.startIndex, scope.endIndex, f, { type: decl.childForFieldName('type')?.text }));
        }
      }
    }
  }

  private addStatementSymbols(n: Node, funcAt: (n: Node) => FuncInfo | undefined): void {
    const func = funcAt(n);
    const [start, end] = visibleRegion(n, func);
    for (const { ident, value, type } of declaredNames(n)) {
      if (ident.text === '_') continue;
      this.add(symbolOf(ident, func ? 'local' : 'global', n, start, end, func, { value, type }));
    }
  }
}

interface NameIndex {
  byId: Map<number, GoSymbol>;
  ordered: GoSymbol[];
}

/** The index of the last symbol whose region starts at or before `at` (-1 when none does). */
function lastStartingBy(ordered: readonly GoSymbol[], at: number): number {
  let lo = 0;
  let hi = ordered.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ordered[mid].scopeStart <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function symbolOf(ident: Node, kind: SymbolKind, declaration: Node, scopeStart: number, scopeEnd: number, func: FuncInfo | undefined, extra: Partial<GoSymbol>): GoSymbol {
  return { id: ident.startIndex, name: ident.text, kind, declNode: ident, declaration, scopeStart, scopeEnd, func, ...extra };
}

/** Visible from the end of the declaring statement to the end of its enclosing scope. */
function visibleRegion(n: Node, func: FuncInfo | undefined): [number, number] {
  if (!func) return [0, Number.MAX_SAFE_INTEGER]; // package level: the whole package
  // Range and select variables, and if/switch/for initialisers, live in the statement they open.
  let scope = n.parent;
  while (scope && !SCOPE_TYPES.has(scope.type)) scope = scope.parent;
  if (!scope) return [n.startIndex, n.endIndex];
  const start = n.type === 'type_switch_statement' ? n.startIndex : n.endIndex;
  return [start, scope.endIndex];
}

interface DeclaredName {
  ident: Node;
  value?: Node;
  type?: string;
}

/** The identifiers a statement declares, each with its value expression when one is paired. */
function declaredNames(n: Node): DeclaredName[] {
  switch (n.type) {
    case 'short_var_declaration':
      return pairUp(n.childForFieldName('left'), n.childForFieldName('right'));
    case 'var_spec':
    case 'const_spec': {
      const names = n.childrenForFieldName('name').filter((x): x is Node => x !== null);
      const values = n.childForFieldName('value');
      const type = n.childForFieldName('type')?.text;
      const vals = values ? namedChildren(values) : [];
      return names.map((ident, i) => ({ ident, value: names.length === vals.length ? vals[i] : undefined, type }));
    }
    case 'range_clause':
    case 'receive_statement':
      return usesDefine(n) ? identifiersOf(n.childForFieldName('left')).map((ident) => ({ ident })) : [];
    case 'type_switch_statement':
      return identifiersOf(n.childForFieldName('alias')).map((ident) => ({ ident }));
    default:
      return [];
  }
}

function usesDefine(n: Node): boolean {
  for (let i = 0; i < n.childCount; i++) if (n.child(i)?.type === ':=') return true;
  return false;
}

function identifiersOf(list: Node | null): Node[] {
  if (!list) return [];
  if (list.type === 'identifier') return [list];
  return namedChildren(list).filter((c) => c.type === 'identifier');
}

function pairUp(left: Node | null, right: Node | null): DeclaredName[] {
  const names = identifiersOf(left);
  const values = right ? namedChildren(right) : [];
  return names.map((ident, i) => ({ ident, value: names.length === values.length ? values[i] : undefined }));
}
