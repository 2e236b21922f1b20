// Many fixes applied to one text at once (core/fixAll.ts): overlapping ones left out, shared edits
// applied once, fixes that break the parse dropped, and edits between two texts that reproduce them.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixes, chooseFixes, editsBetween } from '../../server/src/core/fixAll';
import { createGoParser } from '../../server/src/parse/grammar';
import type { Finding, Fix } from '../../server/src/rules/types';

const TEXT = 'package p\n\nfunc a() {}\n\nfunc b() {}\n';

const at = (line: number, character: number) => ({ line, character });
const insert = (line: number, character: number, newText: string) => ({ range: { start: at(line, character), end: at(line, character) }, newText });
function finding(fixes: Fix[]): Finding {
  return { rule: 'r', severity: 'warning', message: 'm', range: { start: at(0, 0), end: at(0, 1) }, fixes };
}
const preferred = (...edits: ReturnType<typeof insert>[]): Fix => ({ title: 't', edits, isPreferred: true });

let parser: Parser;
beforeAll(async () => {
  parser = await createGoParser();
});
afterAll(() => parser.delete());

describe('chooseFixes', () => {
  it('takes preferred fixes in order, leaving out one that overlaps and applying a shared edit once', () => {
    const shared = insert(1, 0, '// shared\n');
    const findings = [
      finding([preferred(insert(2, 11, ' // a'), shared)]),
      finding([preferred(insert(2, 11, ' // again'))]), // same place as the first: order would be a guess
      finding([preferred(insert(4, 11, ' // b'), shared)]),
      finding([{ title: 'not preferred', edits: [insert(0, 0, 'x')] }]),
      finding([preferred(insert(4, 0, '// skipped\n'))]),
    ];
    const choice = chooseFixes(TEXT, findings, (i) => i === 4);
    expect(choice.chosen).toEqual([0, 2]);
    expect(choice.overlapping).toBe(1);
    expect(TextDocument.applyEdits(TextDocument.create('u', 'go', 0, TEXT), choice.edits.flat())).toBe('package p\n// shared\n\nfunc a() {} // a\n\nfunc b() {} // b\n');
  });

  it('writes inserted lines with the file’s CRLF line endings', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const choice = chooseFixes(crlf, [finding([preferred(insert(1, 0, '// one\n// two\n'))])]);
    expect(choice.edits[0][0].newText).toBe('// one\r\n// two\r\n');
  });
});

describe('applyFixes', () => {
  it('keeps the fixes that parse and drops one that adds a syntax error', () => {
    const findings = [finding([preferred(insert(2, 11, ' // fine'))]), finding([preferred(insert(4, 10, ' {'))])];
    const { text, applied } = applyFixes(parser, TEXT, chooseFixes(TEXT, findings));
    expect(applied).toEqual([0]);
    expect(text).toBe('package p\n\nfunc a() {} // fine\n\nfunc b() {}\n');
  });
});

describe('editsBetween', () => {
  const cases: [string, string][] = [
    [TEXT, TEXT.replace('func a() {}', 'func a() {\n\treturn\n}')],
    [TEXT, `// head\n${TEXT}// tail\n`],
    ['a\nb\nc', 'a\nB\nc'], // no final newline
    ['a\r\nb\r\n', 'a\r\nx\r\nb\r\n'],
    [TEXT, ''],
    [TEXT, TEXT],
  ];
  it.each(cases)('turns %j into %j', (before, after) => {
    const edits = editsBetween(before, after);
    expect(TextDocument.applyEdits(TextDocument.create('u', 'go', 0, before), edits)).toBe(after);
    if (before === after) expect(edits).toEqual([]);
  });
});
