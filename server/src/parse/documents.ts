// One tree per open document, re-parsed incrementally: each text change is turned into a
// tree-sitter edit on the old tree, and the next parse reuses every subtree the edit left alone.
// web-tree-sitter indexes JavaScript strings in UTF-16 code units, like LSP positions, so an LSP
// range maps onto tree-sitter points without any byte conversion.
import type { Parser, Point, Tree } from 'web-tree-sitter';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

export interface ParsedDocument {
  readonly uri: string;
  readonly document: TextDocument;
  readonly tree: Tree;
}

interface Entry {
  document: TextDocument;
  tree: Tree;
}

export class DocumentTrees {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly parser: Parser) {}

  open(uri: string, languageId: string, version: number, text: string): ParsedDocument {
    this.close(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const tree = this.parse(text);
    this.entries.set(uri, { document, tree });
    return { uri, document, tree };
  }

  /** Applies LSP content changes in order, editing the old tree for each, then re-parses once. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): ParsedDocument | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    let { document } = entry;
    let oldTree: Tree | null = entry.tree;
    for (const change of changes) {
      if ('range' in change) {
        const edit = this.editFor(document, change);
        document = TextDocument.update(document, [change], version);
        if (edit && oldTree) oldTree.edit(edit);
        if (!edit) oldTree = null;
      } else {
        document = TextDocument.update(document, [change], version);
        oldTree = null;
      }
    }
    const tree = this.parse(document.getText(), oldTree);
    entry.tree.delete();
    entry.document = document;
    entry.tree = tree;
    return { uri, document, tree };
  }

  get(uri: string): ParsedDocument | undefined {
    const entry = this.entries.get(uri);
    return entry && { uri, document: entry.document, tree: entry.tree };
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    entry.tree.delete();
    this.entries.delete(uri);
  }

  closeAll(): void {
    for (const uri of [...this.entries.keys()]) this.close(uri);
  }

  get size(): number {
    return this.entries.size;
  }

  private parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /** The tree-sitter edit for one ranged change, computed against the text before it. */
  private editFor(document: TextDocument, change: { range: { start: Pos; end: Pos }; text: string }) {
    const startIndex = document.offsetAt(change.range.start);
    const oldEndIndex = document.offsetAt(change.range.end);
    if (oldEndIndex < startIndex) return undefined;
    const startPosition = document.positionAt(startIndex);
    const oldEndPosition = document.positionAt(oldEndIndex);
    return {
      startIndex,
      oldEndIndex,
      newEndIndex: startIndex + change.text.length,
      startPosition: toPoint(startPosition),
      oldEndPosition: toPoint(oldEndPosition),
      newEndPosition: endPointAfter(toPoint(startPosition), change.text),
    };
  }
}

interface Pos {
  line: number;
  character: number;
}

function toPoint(p: Pos): Point {
  return { row: p.line, column: p.character };
}

/** Where inserted text ends, starting from `start`. */
function endPointAfter(start: Point, text: string): Point {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length === 1) return { row: start.row, column: start.column + text.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}
