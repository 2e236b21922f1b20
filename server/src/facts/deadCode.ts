// Branches the compiler drops before analysing anything: `if debug { … }` where `debug` is a
// package-level constant that is false (directly, or through other constants and `||`/`&&`).
// Debug printing behind such switches is common in real packages, and nothing in it runs.
import type { Node } from 'web-tree-sitter';
import type { PackageIndex } from '../index/packageIndex';
import type { FileFacts } from './fileFacts';
import { namedChildren } from './syntax';

/**
 * `if debug { … }` with `const debug = false` (or `&&` with it): the compiler drops the branch
 * before escape analysis, so nothing in it allocates.
 */
export function deadBranches(file: FileFacts, falseConstants: Set<string>): Node[] {
  if (falseConstants.size === 0) return [];
  const dead: Node[] = [];
  for (const stmt of file.nodesOf('if_statement')) {
    const condition = stmt?.childForFieldName('condition');
    const consequence = stmt?.childForFieldName('consequence');
    if (!condition || !consequence) continue;
    const conjuncts = condition.text.split('&&').map((c) => c.trim().replace(/^\((.*)\)$/, '$1'));
    if (conjuncts.some((c) => falseConstants.has(c) && !file.scopes.lookup(c, condition.startIndex)?.func)) dead.push(consequence);
  }
  return dead;
}

/** Package-level boolean constants that are false: `false`, or `other`, `a || b`, `a && b` of such. */
export function packageFalseConstants(pkg: PackageIndex, file: FileFacts): Set<string> {
  const values = new Map<string, string>();
  for (const other of pkg.visibleFrom(file)) {
    if (!/\bconst\b/.test(other.text) || !/\bfalse\b/.test(other.text)) continue; // cheap: no walk of files that cannot matter
    for (const spec of other.nodesOf('const_spec')) {
      if (other.functionAt(spec)) continue;
      const names = spec.childrenForFieldName('name');
      const list = namedChildren(spec.childForFieldName('value') ?? spec);
      names.forEach((n, i) => {
        if (n && list[i] && names.length === list.length) values.set(n.text, list[i].text.trim());
      });
    }
  }
  const isFalse = new Set<string>();
  const falseTerm = (t: string) => t === 'false' || isFalse.has(t);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, value] of values) {
      if (isFalse.has(name)) continue;
      const ors = value.split('||').map((t) => t.trim());
      const allFalse = ors.every((or) => or.split('&&').map((t) => t.trim()).some(falseTerm));
      if (allFalse) {
        isFalse.add(name);
        changed = true;
      }
    }
  }
  return isFalse;
}

