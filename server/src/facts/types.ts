// Type declarations of a file and the zero value of a type written as text. Without a type
// checker, a type declared elsewhere is unknown: `*new(T)` is its zero value whatever T is.
import type { Node } from 'web-tree-sitter';
import type { NodesOf } from './nodeIndex';
import { namedChildren } from './syntax';

export interface TypeDecl {
  name: string;
  /** The declared type's node: struct_type, interface_type, a type name… */
  type: Node;
}

export function collectTypeDecls(nodesOf: NodesOf): Map<string, TypeDecl> {
  const decls = new Map<string, TypeDecl>();
  for (const n of nodesOf(['type_spec', 'type_alias'])) {
    const name = n.childForFieldName('name')?.text;
    const type = n.childForFieldName('type');
    if (name && type) decls.set(name, { name, type });
  }
  return decls;
}

/** Fields of a struct type declared in the file: field name → type text. */
export function structFields(decl: TypeDecl | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (decl?.type.type !== 'struct_type') return fields;
  const list = namedChildren(decl.type).find((c) => c.type === 'field_declaration_list');
  for (const field of list ? namedChildren(list) : []) {
    if (field.type !== 'field_declaration') continue;
    const type = field.childForFieldName('type')?.text ?? '';
    for (const name of field.childrenForFieldName('name')) if (name) fields.set(name.text, type);
  }
  return fields;
}

const NUMERIC = /^(u?int(8|16|32|64)?|uintptr|byte|rune|float(32|64)|complex(64|128))$/;
const NILLABLE = /^(\*|\[\]|map\[|chan\b|<-chan\b|func\b|interface\b)/;

/** The zero value of a Go type given as text. `errorValue` is used for `error` results. */
export function zeroValue(type: string, decls: Map<string, TypeDecl>, errorValue: string, seen = new Set<string>()): string {
  const t = type.trim();
  if (t === 'error') return errorValue;
  if (NUMERIC.test(t)) return '0';
  if (t === 'string') return '""';
  if (t === 'bool') return 'false';
  if (t === 'any' || NILLABLE.test(t)) return 'nil';
  if (t.startsWith('[')) return `${t}{}`; // an array type
  const decl = decls.get(t);
  if (decl && !seen.has(t)) {
    const kind = decl.type.type;
    if (kind === 'struct_type') return `${t}{}`;
    if (kind === 'interface_type') return 'nil';
    seen.add(t);
    const underlying = zeroValue(decl.type.text, decls, errorValue, seen);
    // A named type's zero literal must keep the name when it is composite.
    return underlying.endsWith('{}') ? `${t}{}` : underlying;
  }
  return `*new(${t})`;
}
