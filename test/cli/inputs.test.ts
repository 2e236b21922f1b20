// Odd inputs: binary .go files, syntax errors, empty files, CRLF line endings, non-ASCII text.
// None of them is an internal error (exit 3); positions stay 1-based in UTF-16 code units.
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_GO, LEAKY_GO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport, type JsonSpan } from './helpers';

afterAll(removeTempTrees);

const BINARY = Buffer.concat([Buffer.from('package p\n\nfunc f() {}\n'), Buffer.from([0, 1, 2, 0, 0xff, 0xfe, 0]), Buffer.from('\n')]);

/** The span of a finding, without file/message. */
const span = (f: JsonSpan) => ({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn });

describe('binary .go files', () => {
  it('are skipped with a note on stderr; exit 0 when nothing else is found', () => {
    const dir = tempTree({ 'blob.go': BINARY, 'clean.go': CLEAN_GO });
    const r = run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^goleash: skipped blob\.go: binary file/m);
  });

  it('do not stop the other files from being linted; json lists them under skipped', () => {
    const dir = tempTree({ 'blob.go': BINARY, 'leaky.go': LEAKY_GO });
    const r = runJson<JsonReport>(['lint', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^goleash: skipped blob\.go: binary file/m);
    expect(r.doc.filesAnalyzed).toBe(1);
    expect(r.doc.findings.map((f) => [f.file, f.line, f.column])).toEqual([['leaky.go', 8, 2]]);
    expect(r.doc.skipped).toEqual([{ path: 'blob.go', reason: expect.stringMatching(/binary/) }]);
  });
});

describe('syntax errors', () => {
  const garbage = '\nfunc broken( {\n  if x := ; {{{\n@@@ garbage ### \n}}}} ))) "unterminated\n/* never closed\n';
  // Garbage before the leak: the loop moves down by the 4 lines inserted after `package p`.
  const garbageFirst = LEAKY_GO.replace('package p\n', 'package p\n\nfunc x( {\n)))\n@@@\n');
  const invalidUtf8 = Buffer.concat([Buffer.from(LEAKY_GO), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a])]);

  it('are analysed as far as the tree allows: leaks in the intact part are still reported', () => {
    const dir = tempTree({
      'after.go': LEAKY_GO + garbage,
      'before.go': garbageFirst,
      'bytes.go': invalidUtf8,
      'noise.go': 'func ((( }}} package\n%%%%\n\x01\x02 select for { case <- \n',
      'nopackage.go': 'for { select {} }\n',
      'truncated.go': LEAKY_GO.slice(0, LEAKY_GO.indexOf('case ev')),
    });
    const r = runJson<JsonReport>(['lint', '-f', 'json', '--fail-on', 'none'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.doc.failures).toEqual([]);
    expect(r.doc.filesAnalyzed).toBe(6);
    const at = (file: string) => r.doc.findings.filter((f) => f.file === file).map((f) => [f.rule, f.line, f.column]);
    expect(at('after.go')).toEqual([[RULE, 8, 2]]);
    expect(at('before.go')).toEqual([[RULE, 12, 2]]);
    expect(at('bytes.go')).toEqual([[RULE, 8, 2]]);
  });

  it('exit 0 or 1, never 3, file by file', () => {
    const files: Record<string, string> = {
      'only-garbage.go': '))) ((( {{{ }}} ;;; :=:=:= <-<-<- "\n',
      'half-func.go': 'package p\n\nfunc f(c chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-c:\n',
      'go-nothing.go': 'package p\nfunc f() { go }\n',
      'bad-select.go': 'package p\nfunc f() { for { select { case : default default } } }\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const r = run(['lint', name], tempTree({ [name]: text }));
      expect([0, 1], `${name}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });
});

describe('empty and whitespace-only files', () => {
  it('are analysed with no finding', () => {
    const dir = tempTree({ 'empty.go': '', 'blank.go': '\n\n  \t\n', 'pkg.go': 'package p\n' });
    const r = runJson<JsonReport>(['lint', '-f', 'json'], dir);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.doc).toMatchObject({ filesAnalyzed: 3, findings: [], skipped: [], failures: [] });
  });
});

describe('positions', () => {
  it('CRLF line endings give the same positions as LF', () => {
    const dir = tempTree({ 'lf.go': LEAKY_GO, 'crlf.go': LEAKY_GO.replace(/\n/g, '\r\n') });
    const r = runJson<JsonReport>(['lint', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const [crlf, lf] = r.doc.findings; // files in name order
    expect([crlf.file, lf.file]).toEqual(['crlf.go', 'lf.go']);
    expect(span(crlf)).toEqual(span(lf));
    expect(span(crlf)).toMatchObject({ line: 8, column: 2 });
    expect(crlf.related.map(span)).toEqual(lf.related.map(span));
    expect(crlf.fixes.map((f) => f.edits.map(span))).toEqual(lf.fixes.map((f) => f.edits.map(span)));
  });

  it('columns count UTF-16 code units after non-ASCII text on the same line', () => {
    // `é` is 1 UTF-16 unit (2 UTF-8 bytes), `😀` 2 units (4 bytes): `for` starts at unit 11.
    const prefix = '\t/* é😀 */ ';
    const text = LEAKY_GO.replace('\tfor {\n', `${prefix}for {\n`);
    const column = prefix.length + 1;
    expect(column).toBe(12);
    const dir = tempTree({ 'u.go': text });

    const t = run(['lint'], dir);
    expect(t.stdout).toMatch(new RegExp(`^u\\.go:8:${column}: .+ \\(${RULE}\\)\\n$`));

    const j = runJson<JsonReport>(['lint', '-f', 'json'], dir);
    expect(span(j.doc.findings[0])).toEqual({ line: 8, column, endLine: 8, endColumn: column + 3 });

    const s = runJson(['lint', '-f', 'sarif'], dir);
    expect(s.doc.runs[0].columnKind).toBe('utf16CodeUnits');
    expect(s.doc.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 8, startColumn: column });
  });

  it('a non-ASCII line before the finding does not move it', () => {
    const text = LEAKY_GO.replace('package p\n', 'package p\n\n// 日本語 ünïcödé 😀😀😀\n');
    const j = runJson<JsonReport>(['lint', '-f', 'json'], tempTree({ 'u.go': text }));
    expect(span(j.doc.findings[0])).toMatchObject({ line: 10, column: 2 });
  });
});
