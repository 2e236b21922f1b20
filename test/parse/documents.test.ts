// Incremental re-parsing must give the same tree as parsing the new text from scratch, for any
// sequence of edits; otherwise diagnostics would drift from the text while the user types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { DocumentTrees } from '../../server/src/parse/documents';
import { createGoParser } from '../../server/src/parse/grammar';

const SAMPLE = readFileSync(join(__dirname, '..', 'fixtures', 'for-select-no-done', 'pos_watcher.go'), 'utf8');
let parser: Parser;
let fresh: Parser;

beforeAll(async () => {
  parser = await createGoParser();
  fresh = await createGoParser();
});

/** A small deterministic PRNG so a failing sequence can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function positionAt(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const SNIPPETS = ['x', '\n', '{', '}', 'select {\n', '<-ctx.Done()', 'return', '😀', 'é', '\t', '// c\n', ''];

describe('DocumentTrees', () => {
  it.each([1, 2, 3, 4, 5])('incremental edits match a fresh parse (seed %i)', (seed) => {
    const random = rng(seed);
    const docs = new DocumentTrees(parser);
    let text = SAMPLE;
    docs.open('file:///a.go', 'go', 1, text);
    for (let version = 2; version < 120; version++) {
      const start = Math.floor(random() * text.length);
      const end = Math.min(text.length, start + Math.floor(random() * 12));
      const insert = SNIPPETS[Math.floor(random() * SNIPPETS.length)];
      const change = { range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert };
      text = text.slice(0, start) + insert + text.slice(end);
      const doc = docs.change('file:///a.go', version, [change])!;
      expect(doc.document.getText()).toBe(text);
      const expected = fresh.parse(text)!;
      const where = `seed ${seed}, version ${version}`;
      // The edited tree covers exactly the new text, and its tokens sit on the right characters.
      expect(doc.tree.rootNode.endIndex, where).toBe(text.length);
      for (const id of doc.tree.rootNode.descendantsOfType('identifier')) {
        if (id!.isMissing) continue; // zero-width tokens invented by error recovery
        expect(id!.text, where).toMatch(/^[\p{L}_][\p{L}\p{N}_]*$/u);
        const p = doc.document.positionAt(id!.startIndex);
        expect({ row: id!.startPosition.row, column: id!.startPosition.column }, where).toEqual({ row: p.line, column: p.character });
      }
      // Error recovery may legitimately differ on broken text; valid text must give the same tree.
      if (!expected.rootNode.hasError) expect(doc.tree.rootNode.toString(), where).toBe(expected.rootNode.toString());
      expected.delete();
    }
    docs.closeAll();
    expect(docs.size).toBe(0);
  });

  it('typing a function character by character gives the fresh tree whenever the text is valid', () => {
    const docs = new DocumentTrees(parser);
    const typed = '\nfunc (w *W) stop() {\n\tclose(w.done)\n}\n';
    let text = SAMPLE;
    docs.open('file:///t.go', 'go', 1, text);
    let compared = 0;
    for (let i = 0; i < typed.length; i++) {
      const at = positionAt(text, text.length);
      text += typed[i];
      const doc = docs.change('file:///t.go', i + 2, [{ range: { start: at, end: at }, text: typed[i] }])!;
      const expected = fresh.parse(text)!;
      if (!expected.rootNode.hasError) {
        compared++;
        expect(doc.tree.rootNode.toString()).toBe(expected.rootNode.toString());
      }
      expected.delete();
    }
    expect(compared).toBeGreaterThan(0);
    docs.closeAll();
  });

  it('applies several changes of one notification in order', () => {
    const docs = new DocumentTrees(parser);
    docs.open('file:///b.go', 'go', 1, 'package p\n\nfunc f() {}\n');
    const doc = docs.change('file:///b.go', 2, [
      { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 10 } }, text: '\n\tfor {\n\t}\n' },
      { range: { start: { line: 0, character: 8 }, end: { line: 0, character: 9 } }, text: 'q' },
    ])!;
    expect(doc.document.getText()).toBe('package q\n\nfunc f() {\n\tfor {\n\t}\n}\n');
    expect(doc.tree.rootNode.descendantsOfType('for_statement')).toHaveLength(1);
    expect(doc.tree.rootNode.hasError).toBe(false);
    docs.close('file:///b.go');
  });

  it('a full-text change replaces the tree', () => {
    const docs = new DocumentTrees(parser);
    docs.open('file:///c.go', 'go', 1, 'package p\n');
    const doc = docs.change('file:///c.go', 2, [{ text: 'package z\n\nvar x = 1\n' }])!;
    expect(doc.tree.rootNode.toString()).toContain('var_declaration');
    docs.close('file:///c.go');
    expect(docs.get('file:///c.go')).toBeUndefined();
  });

  it('ignores changes to documents that are not open', () => {
    const docs = new DocumentTrees(parser);
    expect(docs.change('file:///nope.go', 2, [{ text: 'x' }])).toBeUndefined();
  });
});
