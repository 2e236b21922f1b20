// The `github`, `gitlab` and `checkstyle` formats, SARIF partialFingerprints, the JSON report against its
// shipped schema (schemas/report.schema.json), and where reports go: several `--format x=FILE`
// at once, `--output FILE`, both written atomically.
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckstyle, xmlAttribute } from '../../server/src/cli/formats/checkstyle';
import { escapeData, escapeProperty } from '../../server/src/cli/formats/github';
import type { LintReport } from '../../server/src/cli/lint';
import { CLEAN_GO, LEAKY_GO, REPO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

/** GITHUB_WORKSPACE cleared, so a run under GitHub Actions behaves as one anywhere else. */
const NO_WORKSPACE = { GITHUB_WORKSPACE: '' };

let dir: string;
let json: JsonReport;
beforeAll(() => {
  dir = tempTree({ 'leaky.go': LEAKY_GO, 'clean.go': CLEAN_GO, 'pkg/deep.go': LEAKY_GO });
  json = runJson<JsonReport>(['lint', '-f', 'json', './...'], dir).doc;
  expect(json.findings.map((f) => f.file)).toEqual(['leaky.go', 'pkg/deep.go']);
});

describe('github format', () => {
  it('prints one ::warning workflow command per finding with file, span and title', () => {
    const r = run(['lint', '--format', 'github', './...'], dir, undefined, NO_WORKSPACE);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const f = json.findings[0];
    expect(r.stdout.split('\n')).toEqual([
      `::warning file=leaky.go,line=8,col=2,endLine=8,endColumn=${f.endColumn},title=goleash ${RULE}::${f.message}`,
      `::warning file=pkg/deep.go,line=8,col=2,endLine=8,endColumn=${f.endColumn},title=goleash ${RULE}::${f.message}`,
      '',
    ]);
  });

  it('maps error to ::error and information/hint to ::notice', () => {
    const error = run(['lint', '-f', 'github', '--rule', `${RULE}=error`, 'leaky.go'], dir, undefined, NO_WORKSPACE);
    expect(error.stdout).toMatch(/^::error file=leaky\.go,line=8,/);
    for (const level of ['information', 'hint']) {
      const r = run(['lint', '-f', 'github', '--rule', `${RULE}=${level}`, 'leaky.go'], dir, undefined, NO_WORKSPACE);
      expect(r.stdout).toMatch(/^::notice file=leaky\.go,line=8,/);
    }
  });

  it('gives paths relative to GITHUB_WORKSPACE when set (a job in a subdirectory)', () => {
    const r = run(['lint', '-f', 'github', '.'], join(dir, 'pkg'), undefined, { GITHUB_WORKSPACE: dir });
    expect(r.stdout).toMatch(/^::warning file=pkg\/deep\.go,line=8,/);
  });

  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext%3A a%2Cb');
    // `%` first: an escape sequence already in the text is not decoded by the runner.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('escapes a file name holding `,` `:` and `%`, so it cannot end the property early', () => {
    const odd = tempTree({ 'a,b:c%d.go': LEAKY_GO });
    const r = run(['lint', '-f', 'github', '.'], odd, undefined, NO_WORKSPACE);
    expect(r.stdout).toMatch(/^::warning file=a%2Cb%3Ac%25d\.go,line=8,col=2,/);
  });
});

describe('checkstyle format', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'file' || name === 'error' });

  it('is well-formed checkstyle XML with a <file> per file with findings and an <error> per finding', () => {
    const r = run(['lint', '--format', 'checkstyle', './...'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = parser.parse(r.stdout);
    expect(doc.checkstyle.version).toBe('4.3');
    expect(doc.checkstyle.file.map((f: any) => f.name)).toEqual(['leaky.go', 'pkg/deep.go']);
    expect(doc.checkstyle.file[0].error).toEqual([
      { line: '8', column: '2', severity: 'warning', message: json.findings[0].message, source: `goleash.${RULE}` },
    ]);
  });

  it('maps information and hint to info, error to error', () => {
    const severities = (level: string) =>
      parser.parse(run(['lint', '-f', 'checkstyle', '--rule', `${RULE}=${level}`, 'leaky.go'], dir).stdout).checkstyle.file[0].error[0].severity;
    expect(['error', 'information', 'hint'].map(severities)).toEqual(['error', 'info', 'info']);
  });

  it('lists no file on a clean run and stays well-formed', () => {
    const r = run(['lint', '-f', 'checkstyle', 'clean.go'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n</checkstyle>\n');
  });

  it('escapes markup in file names, and they parse back to the same name', () => {
    const name = `a&b<c>"d'e.go`;
    const odd = tempTree({ [name]: LEAKY_GO });
    const r = run(['lint', '-f', 'checkstyle', '.'], odd);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    expect(parser.parse(r.stdout).checkstyle.file[0].name).toBe(name);
  });

  it('keeps line breaks and tabs in attributes, and replaces what XML 1.0 cannot carry', () => {
    const message = 'two\nlines\tand a\r\x01bell & "quotes" \uD800 <tag>';
    const report: LintReport = {
      files: [{ path: 'x.go', text: '', findings: [{ rule: RULE, severity: 'warning', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, fixes: [] }] }],
      skipped: [],
      failures: [],
    };
    const xml = formatCheckstyle(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xmlAttribute('a\x01b')).toBe('a\uFFFDb');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(xml);
    expect(parsed.checkstyle.file.error.message).toBe('two\nlines\tand a\r\uFFFDbell & "quotes" \uFFFD <tag>');
  });
});

describe('gitlab format (Code Quality)', () => {
  it('is a JSON array of Code Climate issues with path, lines, severity and the SARIF fingerprint', () => {
    const r = runJson(['lint', '--format', 'gitlab', './...'], dir);
    expect(r.code).toBe(1);
    const sarif = runJson(['lint', '--format', 'sarif', './...'], dir).doc.runs[0].results;
    const f = json.findings[0];
    expect(r.doc).toEqual([
      { description: f.message, check_name: `goleash/${RULE}`, fingerprint: sarif[0].partialFingerprints['goleash/v1'], severity: 'major', location: { path: 'leaky.go', lines: { begin: 8, end: 8 } } },
      { description: f.message, check_name: `goleash/${RULE}`, fingerprint: sarif[1].partialFingerprints['goleash/v1'], severity: 'major', location: { path: 'pkg/deep.go', lines: { begin: 8, end: 8 } } },
    ]);
    expect(r.doc[0].fingerprint).not.toBe(r.doc[1].fingerprint);
  });

  it('maps severities and is an empty array on a clean run', () => {
    const sev = (level: string) => runJson(['lint', '-f', 'gitlab', '--rule', `${RULE}=${level}`, 'leaky.go'], dir).doc[0].severity;
    expect(['error', 'warning', 'information', 'hint'].map(sev)).toEqual(['critical', 'major', 'minor', 'info']);
    expect(runJson(['lint', '-f', 'gitlab', 'clean.go'], dir).doc).toEqual([]);
  });

  it('gives paths relative to CI_PROJECT_DIR when set', () => {
    const alone = run(['lint', '-f', 'gitlab', '.'], join(dir, 'pkg'), undefined, { CI_PROJECT_DIR: '' });
    expect(JSON.parse(alone.stdout)[0].location.path).toBe('deep.go');
    const inProject = run(['lint', '-f', 'gitlab', '.'], join(dir, 'pkg'), undefined, { CI_PROJECT_DIR: dir });
    expect(JSON.parse(inProject.stdout)[0].location.path).toBe('pkg/deep.go');
  });
});

describe('sarif partialFingerprints', () => {
  const fingerprints = (cwd: string, args = ['./...']) =>
    runJson(['lint', '-f', 'sarif', ...args], cwd).doc.runs[0].results.map((r: any) => [r.locations[0].physicalLocation.artifactLocation.uri, r.partialFingerprints]);

  it('gives every result a goleash/v1 fingerprint, different for different files', () => {
    const fps = fingerprints(dir);
    expect(fps).toHaveLength(2);
    for (const [, fp] of fps) expect(Object.keys(fp)).toEqual(['goleash/v1']);
    expect(fps[0][1]['goleash/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(fps[0][1]['goleash/v1']).not.toBe(fps[1][1]['goleash/v1']);
  });

  it('keeps the fingerprint when lines above the finding move', () => {
    const before = fingerprints(tempTree({ 'leaky.go': LEAKY_GO }), ['.']);
    const moved = LEAKY_GO.replace('package p\n', 'package p\n\n// a new comment\n// and another\n');
    const after = runJson(['lint', '-f', 'sarif', '.'], tempTree({ 'leaky.go': moved })).doc.runs[0].results[0];
    expect(after.locations[0].physicalLocation.region.startLine).toBe(11);
    expect(after.partialFingerprints).toEqual(before[0][1]);
  });
});

describe('json report against schemas/report.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(REPO, 'schemas', 'report.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const errors = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('accepts a report with findings, fixes and related locations', () => {
    expect(json.findings[0].fixes.length).toBeGreaterThan(0);
    expect(json.findings[0].related.length).toBeGreaterThan(0);
    expect(errors(json)).toEqual([]);
  });

  it('accepts a report with skipped files, unused-ignore findings and hints', () => {
    const tree = tempTree({ 'blob.go': Buffer.from([0, 1, 2]), 'a.go': `${LEAKY_GO}\n//nolint:goleash\nfunc f() {}\n` });
    const r = runJson<JsonReport>(['lint', '-f', 'json', '--report-unused-ignores', '--rule', `${RULE}=hint`], tree);
    expect(r.doc.skipped).toHaveLength(1);
    expect(r.doc.findings.map((f) => f.rule)).toEqual([RULE, 'unused-ignore']);
    expect(errors(r.doc)).toEqual([]);
  });

  it('rejects an unknown field or a 0-based line (the schema is not vacuous)', () => {
    const bad = structuredClone(json) as any;
    bad.findings[0].line = 0;
    bad.extra = true;
    expect(errors(bad)).toEqual(expect.arrayContaining(['/findings/0/line must be >= 1', ' must NOT have additional properties']));
  });

  it('ships in the package', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schemas/');
  });
});

describe('several formats at once, and --output', () => {
  it('writes each --format FORMAT=FILE, and the one without a file to stdout', () => {
    const out = tempTree({});
    const r = run(['lint', '--format', `sarif=${out}/r.sarif`, '--format', `json=${out}/r.json`, '-f', `checkstyle=${out}/r.xml`, '--format', 'text', './...'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^leaky\.go:8:2: /);
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'))).toEqual(json);
    expect(JSON.parse(readFileSync(join(out, 'r.sarif'), 'utf8')).runs[0].results).toHaveLength(2);
    expect(XMLValidator.validate(readFileSync(join(out, 'r.xml'), 'utf8'))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['r.json', 'r.sarif', 'r.xml']); // no temp files left
  });

  it('--output takes the report instead of stdout; the exit code still tells of findings', () => {
    const out = tempTree({});
    const r = run(['lint', '-f', 'json', '--output', `${out}/report.json`, './...'], dir);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(json);
  });

  it('replaces an existing file by rename: its old inode (a hard link to it) keeps the old bytes', () => {
    const out = tempTree({ 'report.txt': 'OLD\n' });
    linkSync(join(out, 'report.txt'), join(out, 'old-link.txt'));
    const inode = statSync(join(out, 'report.txt')).ino;
    const r = run(['lint', '-o', join(out, 'report.txt'), './...'], dir);
    expect(r.code).toBe(1);
    expect(readFileSync(join(out, 'report.txt'), 'utf8')).toMatch(/^leaky\.go:8:2: /);
    expect(statSync(join(out, 'report.txt')).ino).not.toBe(inode);
    expect(readFileSync(join(out, 'old-link.txt'), 'utf8')).toBe('OLD\n');
    expect(readdirSync(out).sort()).toEqual(['old-link.txt', 'report.txt']);
  });

  it('exit 2 when the file cannot be written, leaving the old file as it was and no temp file', () => {
    const out = tempTree({ 'report.json': 'OLD\n' });
    const undo = readOnlyDir(out);
    try {
      const r = run(['lint', '-f', 'json', '-o', join(out, 'report.json'), './...'], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^goleash: cannot write .*report\.json: /);
    } finally {
      undo();
    }
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('OLD\n');
    expect(readdirSync(out)).toEqual(['report.json']);
  });

  it('exit 2 for a report path in a missing directory or over a directory', () => {
    const out = tempTree({ 'sub/keep.txt': 'x' });
    for (const target of [join(out, 'missing', 'r.json'), join(out, 'sub')]) {
      const r = run(['lint', '-f', `json=${target}`, './...'], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^goleash: cannot write /);
    }
    expect(readdirSync(join(out, 'sub'))).toEqual(['keep.txt']);
  });

  it('exit 2 for contradictory or malformed --format / --output', () => {
    const cases = [
      [['-f', 'text', '-f', 'json'], /only one report can go to stdout/],
      [['-f', 'json', '-f', 'sarif', '-o', 'x.json'], /only one report can go to x\.json/],
      [['-f', 'json=a.json', '-o', 'b.json'], /every --format already names its file/],
      [['-f', 'xml=a.xml'], /FORMAT one of text, json, sarif, github, gitlab, checkstyle/],
      [['-f', 'json='], /file name is missing/],
    ] as const;
    for (const [args, message] of cases) {
      const r = run(['lint', ...args, './...'], dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });
});

/** Makes a directory unwritable, even to root (chattr +i); returns the undo. */
function readOnlyDir(path: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    return () => chmodSync(path, 0o755);
  }
  execFileSync('chattr', ['+i', path]);
  // Check it took: root ignores permission bits, and only the immutable flag stops it.
  expect(() => writeFileSync(join(path, 'probe'), '')).toThrow();
  return () => execFileSync('chattr', ['-i', path]);
}
