// One traversal of the tree for all the node kinds facts collect. tree-sitter's
// descendantsOfType walks the whole tree in wasm per call; asking once for the union of the
// kinds and splitting in JS is several times cheaper than one walk per collector, and this runs
// on every keystroke.
import type { Node } from 'web-tree-sitter';

/** The kinds collected in the shared walk (identifiers are too many: they get walks of their own). */
const INDEXED = new Set([
  'function_declaration',
  'method_declaration',
  'func_literal',
  'for_statement',
  'short_var_declaration',
  'var_spec',
  'const_spec',
  'range_clause',
  'receive_statement',
  'type_switch_statement',
  'call_expression',
  'send_statement',
  'unary_expression',
  'return_statement',
  'assignment_statement',
  'keyed_element',
  'go_statement',
  'type_spec',
  'type_alias',
  'comment',
  'import_spec',
  'select_statement',
  'composite_literal',
  'slice_expression',
  'if_statement',
]);

export type NodesOf = (types: string | readonly string[]) => Node[];

export class NodeIndex {
  private all?: { nodes: Node[]; types: string[] };
  private readonly byType = new Map<string, Node[]>();

  constructor(private readonly root: Node) {}

  /** Nodes of the given kinds in document order. */
  of(types: string | readonly string[]): Node[] {
    const list = typeof types === 'string' ? [types] : types;
    if (!list.every((t) => INDEXED.has(t))) return this.root.descendantsOfType([...list]).filter((n): n is Node => n !== null);
    if (list.length === 1) return this.ofOne(list[0]);
    const wanted = new Set(list);
    const { nodes, types: kinds } = this.walk();
    return nodes.filter((_, i) => wanted.has(kinds[i]));
  }

  private ofOne(type: string): Node[] {
    let found = this.byType.get(type);
    if (!found) {
      const { nodes, types } = this.walk();
      found = nodes.filter((_, i) => types[i] === type);
      this.byType.set(type, found);
    }
    return found;
  }

  /**
   * The indexed nodes and their kinds. A node's `type` is a call into wasm each time it is read,
   * so it is read once per node here rather than once per node per query.
   */
  private walk(): { nodes: Node[]; types: string[] } {
    if (!this.all) {
      const nodes = this.root.descendantsOfType([...INDEXED]).filter((n): n is Node => n !== null);
      this.all = { nodes, types: nodes.map((n) => n.type) };
    }
    return this.all;
  }
}
