// Where names are used in one file: every identifier grouped by its text, every selector
// `x.f` grouped by its field name, and the names imports give packages. Collected with two
// tree queries (run in wasm), so asking "where is `ch` used" or "where is any `.out` field used"
// costs a map lookup instead of a walk.
import type { Node } from 'web-tree-sitter';

export interface References {
  /** Identifier nodes by text (expression identifiers only: not types, fields or labels). */
  identifiers: Map<string, Node[]>;
  /** `selector_expression` nodes by the name of their field. */
  selectors: Map<string, Node[]>;
  /** Names under which the file's imports are visible, with their paths (`json` → `encoding/json`, `x` for `x "strings"`). */
  imports: Map<string, string>;
}

export function collectReferences(root: Node): References {
  const identifiers = new Map<string, Node[]>();
  const selectors = new Map<string, Node[]>();
  for (const n of root.descendantsOfType(['identifier', 'selector_expression'])) {
    if (!n) continue;
    if (n.type === 'identifier') push(identifiers, n.text, n);
    else {
      const field = n.childForFieldName('field')?.text;
      if (field) push(selectors, field, n);
    }
  }
  return { identifiers, selectors, imports: importsOf(root) };
}

/**
 * The identifiers named `name` whose start lies in [start, end): a symbol's uses within its
 * scope. Lists are in document order, so a binary search skips the rest of a large file (a
 * generated 50k-line file has thousands of `s` and `i`).
 */
export function identifiersIn(refs: References, name: string, start: number, end: number): Node[] {
  const list = refs.identifiers.get(name);
  if (!list) return [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].startIndex < start) lo = mid + 1;
    else hi = mid;
  }
  const found: Node[] = [];
  for (let i = lo; i < list.length && list[i].startIndex < end; i++) found.push(list[i]);
  return found;
}

function importsOf(root: Node): Map<string, string> {
  const names = new Map<string, string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    if (!spec) continue;
    const alias = spec.childForFieldName('name')?.text;
    const path = spec.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
    if (alias === '_' || alias === '.') continue;
    // Without the imported package's clause, the last path element (minus a `/vN` or `go-`/`.go`
    // decoration) is the usual name.
    const parts = path.split('/');
    let last = parts[parts.length - 1] ?? '';
    if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
    names.set(alias ?? last.replace(/^go-/, '').replace(/[.-]go$/, '').replace(/[^\w]/g, ''), path);
  }
  return names;
}

function push(map: Map<string, Node[]>, key: string, node: Node): void {
  const list = map.get(key);
  if (list) list.push(node);
  else map.set(key, [node]);
}
