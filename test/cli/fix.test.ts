// `--fix` and `--diff` on copies of the rule fixtures and on small trees: what is applied (the
// preferred fixes, and only those), that the result matches the reviewed golden files, parses
// and is stable under a second run, how files are written (atomically, mode and byte order
// mark kept, never over a file that changed since it was read), and what --diff prints.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixInMemory, preferredFix as preferredFixOf, writeFixedFiles } from '../../server/src/cli/fix';
import { lintFiles, type LintReport } from '../../server/src/cli/lint';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { createGoParser } from '../../server/src/parse/grammar';
import type { Finding } from '../../server/src/rules/types';
import { applyEdits, CLEAN_GO, LEAKY_GO, REPO, removeTempTrees, run, runJson, tempTree, type JsonFinding, type JsonReport } from './helpers';

afterAll(removeTempTrees);

const FIXTURES = join(REPO, 'test', 'fixtures');

let parser: Parser;
beforeAll(async () => {
  parser = await createGoParser();
});

function parses(text: string): boolean {
  const tree = parser.parse(text)!;
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

/** Every `.go` file under `root`, relative to it (`/`-separated), sorted. */
function goFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? goFiles(root, join(dir, e.name)) : e.name.endsWith('.go') ? [relative(root, join(dir, e.name)).split('\\').join('/')] : []))
    .sort();
}

function snapshot(root: string): Map<string, { text: string; mtimeMs: number; ino: number }> {
  return new Map(goFiles(root).map((f) => [f, { text: readFileSync(join(root, f), 'utf8'), mtimeMs: statSync(join(root, f)).mtimeMs, ino: statSync(join(root, f)).ino }]));
}

const preferredFix = (f: JsonFinding) => f.fixes.find((x) => x.isPreferred);
const preferredEdits = (fs: JsonFinding[]) => fs.flatMap((f) => preferredFix(f)?.edits ?? []);

describe('--fix on the rule fixtures', () => {
  let root: string;
  let before: Map<string, { text: string; mtimeMs: number; ino: number }>;
  let findings: JsonFinding[];
  let fix: ReturnType<typeof run>;
  beforeAll(() => {
    root = tempTree({});
    cpSync(FIXTURES, root, { recursive: true });
    before = snapshot(root);
    findings = runJson<JsonReport>(['lint', '--no-cache', '--format', 'json', './...'], root).doc.findings;
    fix = run(['lint', '--no-cache', '--fix', '--format', 'json', './...'], root, 120_000);
  }, 240_000);

  const byFile = (file: string) => findings.filter((f) => f.file === file);

  it('only preferred fixes are applied, and no ignore comment is ever one', () => {
    const preferred = findings.filter((f) => f.fixes.some((x) => x.isPreferred));
    expect(preferred.length).toBeGreaterThan(50);
    expect(findings.flatMap((f) => f.fixes).filter((x) => x.isPreferred && /ignore/i.test(x.title))).toEqual([]);
    // heap-escape and unbounded-goroutine offer no fix that is safe to apply unattended.
    expect(preferred.filter((f) => f.rule === 'heap-escape' || f.rule === 'unbounded-goroutine')).toEqual([]);
  });

  it('each file becomes its text with its findings’ preferred edits applied, and still parses', () => {
    expect(fix.stderr).toMatch(/^goleash: fixed \d+ findings in \d+ files$/m);
    let changed = 0;
    for (const [file, { text }] of before) {
      const edits = preferredEdits(byFile(file));
      const now = readFileSync(join(root, file), 'utf8');
      expect(now, file).toBe(applyEdits(text, edits));
      if (edits.length > 0) {
        changed++;
        expect(parses(now), `${file} parses after --fix`).toBe(true);
      }
    }
    expect(fix.stderr).toContain(`in ${changed} files`);
  });

  it('matches the golden file wherever every finding’s first fix is the preferred one', () => {
    let compared = 0;
    for (const file of before.keys()) {
      const golden = join(root, `${file}.golden`);
      const rule = file.split('/')[0];
      const own = byFile(file);
      // The harness makes golden files from the first fix of each finding of the fixture's rule:
      // --fix applies just those when they are all preferred and no other rule's fix is.
      const ofRule = own.filter((f) => f.rule === rule);
      const others = own.filter((f) => f.rule !== rule);
      if (!existsSync(golden) || ofRule.length === 0 || !ofRule.every((f) => f.fixes[0]?.isPreferred) || others.some((f) => preferredFix(f))) continue;
      expect(readFileSync(join(root, file), 'utf8'), file).toBe(readFileSync(golden, 'utf8'));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it('reports what is left: no finding with a preferred fix, every other finding still there', () => {
    const left = (JSON.parse(fix.stdout) as JsonReport).findings;
    expect(left.filter((f) => preferredFix(f))).toEqual([]);
    const key = (f: JsonFinding) => `${f.file} ${f.rule} ${f.message}`;
    const remaining = new Map<string, number>();
    for (const f of left) remaining.set(key(f), (remaining.get(key(f)) ?? 0) + 1);
    for (const f of findings.filter((x) => !preferredFix(x))) {
      expect(remaining.get(key(f)), key(f)).toBeGreaterThan(0);
      remaining.set(key(f), remaining.get(key(f))! - 1);
    }
    // What is left over is about code the fixes added (a closer goroutine is a func literal that escapes).
    expect([...remaining].filter(([, n]) => n > 0).every(([k]) => k.includes(' heap-escape '))).toBe(true);
  });

  it('is idempotent: a second --fix writes nothing, and --diff is then empty (exit 0)', () => {
    const after = snapshot(root);
    const again = run(['lint', '--no-cache', '--fix', '--format', 'json', './...'], root, 120_000);
    expect(again.stderr).toMatch(/^goleash: fixed 0 findings in 0 files$/m);
    expect(snapshot(root)).toEqual(after);
    const diff = run(['lint', '--no-cache', '--diff', './...'], root, 120_000);
    expect(diff).toMatchObject({ code: 0, stdout: '' });
  }, 240_000);
});

/** LEAKY_GO with a `.Done()` case added: what its preferred fix gives. */
const FIXED_LEAKY_GO = LEAKY_GO.replace('\t\tselect {\n', '\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn ctx.Err()\n');

describe('--fix writing files', () => {
  it('applies the fix, reports nothing left, and exits 0', () => {
    const dir = tempTree({ 'leaky.go': LEAKY_GO, 'clean.go': CLEAN_GO });
    const r = run(['lint', '--fix'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe('goleash: fixed 1 finding in 1 file\n');
    expect(readFileSync(join(dir, 'leaky.go'), 'utf8')).toBe(FIXED_LEAKY_GO);
    expect(readFileSync(join(dir, 'clean.go'), 'utf8')).toBe(CLEAN_GO);
  });

  it('replaces the file by rename (a new inode), keeps its mode, and leaves no temp file', () => {
    const dir = tempTree({ 'leaky.go': LEAKY_GO });
    const path = join(dir, 'leaky.go');
    chmodSync(path, 0o664); // group-writable: a umask of 022 alone would drop that bit
    const inode = statSync(path).ino;
    expect(run(['lint', '--fix'], dir).code).toBe(0);
    expect(statSync(path).ino).not.toBe(inode);
    expect(statSync(path).mode & 0o777).toBe(0o664);
    expect(readdirSync(dir)).toEqual(['leaky.go']);
  });

  it('writes through a symbolic link: the link stays a link', () => {
    const dir = tempTree({ 'real/leaky.go': LEAKY_GO, 'pkg/keep.txt': '' });
    symlinkSync('../real/leaky.go', join(dir, 'pkg', 'leaky.go'));
    expect(run(['lint', '--fix', 'pkg/leaky.go'], dir).code).toBe(0);
    expect(lstatSync(join(dir, 'pkg', 'leaky.go')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'pkg', 'leaky.go'))).toBe('../real/leaky.go');
    expect(readFileSync(join(dir, 'real', 'leaky.go'), 'utf8')).toBe(FIXED_LEAKY_GO);
  });

  it('keeps a UTF-8 byte order mark and CRLF line endings', () => {
    const dir = tempTree({ 'bom/p.go': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LEAKY_GO)]), 'crlf/p.go': LEAKY_GO.replace(/\n/g, '\r\n') });
    const r = run(['lint', '--fix', './...'], dir);
    expect(r.stderr).toBe('goleash: fixed 2 findings in 2 files\n');
    const bom = readFileSync(join(dir, 'bom', 'p.go'));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.subarray(3).toString('utf8')).toBe(FIXED_LEAKY_GO);
    expect(readFileSync(join(dir, 'crlf', 'p.go'), 'utf8')).toBe(FIXED_LEAKY_GO.replace(/\n/g, '\r\n'));
  });

  it('leaves a file that is not valid UTF-8 alone, with a note', () => {
    const bytes = Buffer.concat([Buffer.from('// caf\xe9 in Latin-1\n', 'latin1'), Buffer.from(LEAKY_GO)]);
    const dir = tempTree({ 'latin1.go': bytes });
    const r = run(['lint', '--fix'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not fixed latin1.go: not valid UTF-8');
    expect(readFileSync(join(dir, 'latin1.go')).equals(bytes)).toBe(true);
    expect(r.stdout).toMatch(/^latin1\.go:9:2: .+\(for-select-no-done\)$/m);
  });

  it('with --report-unused-ignores, removes a suppression that silences nothing', () => {
    const text = 'package p\n\nfunc f() {\n\t//goleash:ignore for-select-no-done\n\tx := 1\n\t_ = x\n}\n';
    const dir = tempTree({ 'p.go': text, 'leaky.go': LEAKY_GO.replace('\tfor {', '\t//goleash:ignore for-select-no-done\n\tfor {') });
    const r = run(['lint', '--report-unused-ignores', '--fix'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'goleash: fixed 1 finding in 1 file\n' });
    expect(readFileSync(join(dir, 'p.go'), 'utf8')).toBe(text.replace('\t//goleash:ignore for-select-no-done\n', ''));
    expect(readFileSync(join(dir, 'leaky.go'), 'utf8')).toContain('//goleash:ignore'); // it silences the loop: kept
  });

  it('--fix and --diff together is a usage error (exit 2)', () => {
    const dir = tempTree({ 'leaky.go': LEAKY_GO });
    const r = run(['lint', '--fix', '--diff'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be used with/);
    expect(readFileSync(join(dir, 'leaky.go'), 'utf8')).toBe(LEAKY_GO);
  });
});

describe('writing only what is still on disk', () => {
  it('skips a file that changed since it was read, and writes the others', async () => {
    const dir = tempTree({ 'a/leaky.go': LEAKY_GO, 'b/leaky.go': LEAKY_GO });
    const paths = [join(dir, 'a', 'leaky.go'), join(dir, 'b', 'leaky.go')];
    const report = await lintFiles(paths, DEFAULT_SETTINGS);
    const { files } = await fixInMemory(parser, report, (p, texts) => lintFiles(p, DEFAULT_SETTINGS, texts));
    expect(files.map((f) => f.text)).toEqual([FIXED_LEAKY_GO, FIXED_LEAKY_GO]);
    const edited = `${LEAKY_GO}// saved by an editor meanwhile\n`;
    writeFileSync(paths[0], edited);
    const outcome = writeFixedFiles(files);
    expect(outcome.notWritten.map((n) => [n.file.path, n.reason])).toEqual([[paths[0], 'changed on disk since it was read']]);
    expect(outcome.written.map((f) => f.path)).toEqual([paths[1]]);
    expect(readFileSync(paths[0], 'utf8')).toBe(edited);
    expect(readFileSync(paths[1], 'utf8')).toBe(FIXED_LEAKY_GO);
  });
});

/** A one-file report whose findings carry the given preferred fixes (the text is real Go). */
function reportWith(path: string, text: string, fixes: Finding['fixes'][]): LintReport {
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } };
  const findings: Finding[] = fixes.map((f, i) => ({ rule: 'for-select-no-done', severity: 'warning', range: at, message: `m${i}`, fixes: f }));
  return { files: [{ path, text, findings }], skipped: [], failures: [] };
}

const edit = (line: number, from: number, to: number, newText: string) => ({ range: { start: { line, character: from }, end: { line, character: to } }, newText });

describe('choosing among fixes', () => {
  const text = 'package p\n\nfunc f() {\n\tx := 1\n\t_ = x\n}\n';
  // Re-analysis is the real one: the synthetic findings above do not come back.
  const analyse = (p: string[], texts: ReadonlyMap<string, string>) => lintFiles(p, DEFAULT_SETTINGS, texts);

  it('never applies a fix whose result does not parse', async () => {
    const dir = tempTree({ 'p.go': text });
    const broken = [{ title: 'break it', isPreferred: true, edits: [edit(3, 0, 0, '}{ (\n')] }];
    const fine = [{ title: 'rename', isPreferred: true, edits: [edit(3, 1, 2, 'y'), edit(4, 5, 6, 'y')] }];
    const result = await fixInMemory(parser, reportWith(join(dir, 'p.go'), text, [broken, fine]), analyse);
    expect(result.files.map((f) => f.text)).toEqual(['package p\n\nfunc f() {\n\ty := 1\n\t_ = y\n}\n']);
    expect(result.files[0].fixes).toBe(1);
  });

  it('of two overlapping fixes applies the first; the same edit offered twice is applied once', async () => {
    const dir = tempTree({ 'p.go': text });
    const first = [{ title: 'a', isPreferred: true, edits: [edit(3, 6, 7, '2')] }];
    const overlapping = [{ title: 'b', isPreferred: true, edits: [edit(3, 1, 7, 'z := 3')] }];
    const sameInsertion = [{ title: 'c', isPreferred: true, edits: [edit(5, 0, 0, '// end\n')] }];
    const sameInsertionAgain = [{ title: 'c again', isPreferred: true, edits: [edit(5, 0, 0, '// end\n')] }];
    const otherInsertionThere = [{ title: 'd', isPreferred: true, edits: [edit(5, 0, 0, '// other\n')] }];
    const notPreferred = [{ title: 'e', edits: [edit(4, 0, 0, '// never\n')] }];
    const report = reportWith(join(dir, 'p.go'), text, [first, overlapping, sameInsertion, sameInsertionAgain, otherInsertionThere, notPreferred]);
    expect(report.files[0].findings.map((f) => preferredFixOf(f)?.title)).toEqual(['a', 'b', 'c', 'c again', 'd', undefined]);
    const result = await fixInMemory(parser, report, analyse);
    expect(result.files[0].text).toBe('package p\n\nfunc f() {\n\tx := 2\n\t_ = x\n// end\n}\n');
  });
});

describe('--diff', () => {
  it('prints a unified diff that git applies to give what --fix writes; files are untouched; exit 1', () => {
    const files = { 'leaky.go': LEAKY_GO, 'sub/leaky.go': LEAKY_GO.replace('package p', 'package sub'), 'clean.go': CLEAN_GO };
    const dir = tempTree(files);
    const r = run(['lint', '--diff', './...'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^--- a\/leaky\.go\n\+\+\+ b\/leaky\.go\n@@ /);
    expect(r.stdout).toContain('--- a/sub/leaky.go\n+++ b/sub/leaky.go\n');
    expect(r.stdout).not.toContain('clean.go');
    for (const [file, text] of Object.entries(files)) expect(readFileSync(join(dir, file), 'utf8')).toBe(text);

    const applied = tempTree(files);
    const git = spawnSync('git', ['apply', '-'], { cwd: applied, input: r.stdout, encoding: 'utf8' });
    expect(git.stderr).toBe('');
    expect(git.status).toBe(0);
    const fixed = tempTree(files);
    run(['lint', '--fix', './...'], fixed);
    for (const file of Object.keys(files)) expect(readFileSync(join(applied, file), 'utf8'), file).toBe(readFileSync(join(fixed, file), 'utf8'));
  });

  it('prints nothing and exits 0 when there is nothing to fix', () => {
    const dir = tempTree({ 'clean.go': CLEAN_GO });
    expect(run(['lint', '--diff'], dir)).toMatchObject({ code: 0, stdout: '' });
  });
});
