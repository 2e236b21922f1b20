// The plain data rules ask about one file. Each fact is computed on first use and kept, so a
// rule that never asks about goroutines costs nothing for them, and two rules asking share it.
import type { Node, Tree } from 'web-tree-sitter';
import { collectAllocations, type AllocationSite } from './allocations';
import { collectGoInLoops, type GoInLoop } from './bounds';
import { collectChannels, type ChannelFacts } from './channels';
import { collectFunctions, innermostFunction, type FuncInfo } from './functions';
import { collectGoStarts, type GoStart } from './goroutines';
import { collectLoops, type LoopInfo } from './loops';
import { NodeIndex, type NodesOf } from './nodeIndex';
import { collectReferences, type References } from './references';
import { Scopes, type GoSymbol } from './scopes';
import { collectSuppressions, type Suppression } from './suppressions';
import { collectTypeDecls, type TypeDecl } from './types';

export class FileFacts {
  readonly lines: readonly string[];
  private cache = new Map<string, unknown>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly tree: Tree,
  ) {
    this.lines = text.split(/\r?\n/);
  }

  get root(): Node {
    return this.tree.rootNode;
  }

  /** Nodes of the given kinds in document order, from one shared walk of the tree (see NodeIndex). */
  readonly nodesOf: NodesOf = (types) => this.once('nodeIndex', () => new NodeIndex(this.root)).of(types);

  get isTestFile(): boolean {
    return this.path.endsWith('_test.go');
  }

  get packageName(): string | undefined {
    return this.once('package', () => {
      const clause = this.root.namedChildren.find((c) => c?.type === 'package_clause');
      return clause?.namedChild(0)?.text;
    });
  }

  get functions(): FuncInfo[] {
    return this.once('functions', () => collectFunctions(this.nodesOf));
  }

  get loops(): LoopInfo[] {
    return this.once('loops', () => collectLoops(this.nodesOf, (n) => this.functionAt(n)));
  }

  get goStarts(): GoStart[] {
    return this.once('goStarts', () => collectGoStarts(this.nodesOf, (n) => this.functionAt(n)));
  }

  /** Goroutine starts that sit in a loop of their own function, with the loops around them. */
  get goInLoops(): GoInLoop[] {
    return this.once('goInLoops', () => collectGoInLoops(this.goStarts, this.loops, (n) => this.functionAt(n)));
  }

  get types(): Map<string, TypeDecl> {
    return this.once('types', () => collectTypeDecls(this.nodesOf));
  }

  get scopes(): Scopes {
    return this.once('scopes', () => new Scopes(this.nodesOf, this.functions, (n) => this.functionAt(n)));
  }

  get channels(): ChannelFacts {
    return this.once('channels', () =>
      collectChannels(this.path, this.nodesOf, this.scopes, (n) => this.functionAt(n), (s) => structTypeOf(s)),
    );
  }

  /** Identifiers by name, selectors by field name, import names: where names are used. */
  get references(): References {
    return this.once('references', () => collectReferences(this.root));
  }

  /** Allocation sites the compiler's escape analysis reports on. */
  get allocations(): AllocationSite[] {
    return this.once('allocations', () => collectAllocations(this.nodesOf, (n) => this.functionAt(n)));
  }

  get suppressions(): Suppression[] {
    return this.once('suppressions', () => collectSuppressions(this.nodesOf, this.lines));
  }

  /** The string index where a 0-based line starts. */
  lineOffset(line: number): number {
    const offsets = this.once('lineOffsets', () => {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      return starts;
    });
    return offsets[Math.min(line, offsets.length - 1)] ?? this.text.length;
  }

  /** The innermost function containing a node. */
  functionAt(node: Node): FuncInfo | undefined {
    return innermostFunction(this.functions, node);
  }

  private once<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }
}

/**
 * The struct type a variable holds, when the syntax shows it: a receiver or parameter of type
 * `T`/`*T`, `x := &T{…}`, `x := T{…}`, `var x T`. Qualified and generic types keep their text.
 */
export function structTypeOf(s: GoSymbol): string | undefined {
  const written = s.type?.replace(/^\*/, '').replace(/\[.*\]$/, '');
  if (written && /^[\w.]+$/.test(written)) return written;
  let value = s.value;
  if (value?.type === 'unary_expression' && value.child(0)?.type === '&') value = value.childForFieldName('operand') ?? undefined;
  if (value?.type === 'composite_literal') {
    const type = value.childForFieldName('type')?.text;
    if (type && /^[\w.]+$/.test(type)) return type;
  }
  return undefined;
}
