// `goleash lint --format text|json|sarif` on a tree with one leaky and one clean file: the shape
// of each format, 1-based positions, fixes, and the SARIF log validated against the SARIF 2.1.0
// JSON Schema (test/schemas/sarif-schema-2.1.0.json, see test/schemas/README.md).
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/rules';
import {
  applyEdits,
  CLEAN_GO,
  LEAKY_GO,
  PACKAGE_VERSION,
  REPO,
  removeTempTrees,
  RULE,
  run,
  runJson,
  tempTree,
  type JsonReport,
  type RunResult,
} from './helpers';

afterAll(removeTempTrees);

let dir: string;
let text: RunResult;
let json: RunResult & { doc: JsonReport };
let sarif: RunResult & { doc: any };

beforeAll(() => {
  dir = tempTree({ 'leaky.go': LEAKY_GO, 'clean.go': CLEAN_GO });
  text = run(['lint'], dir);
  json = runJson<JsonReport>(['lint', '-f', 'json'], dir);
  sarif = runJson(['lint', '--format', 'sarif'], dir);
});

describe('text format', () => {
  it('prints one `file:line:col: message (rule)` line per finding, 1-based', () => {
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('');
    expect(text.stdout.endsWith('\n')).toBe(true);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const m = /^leaky\.go:(\d+):(\d+): (.+) \((.+)\)$/.exec(lines[0]);
    expect(m, lines[0]).not.toBeNull();
    expect([Number(m![1]), Number(m![2]), m![4]]).toEqual([8, 2, RULE]);
    expect(m![3]).toBe(json.doc.findings[0].message);
  });
});

describe('json format', () => {
  it('has the documented top-level fields', () => {
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const doc = json.doc;
    expect(Object.keys(doc).sort()).toEqual(['failures', 'filesAnalyzed', 'findings', 'schemaVersion', 'skipped', 'tool']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool).toEqual({ name: 'goleash', version: PACKAGE_VERSION });
    expect(doc.filesAnalyzed).toBe(2);
    expect(doc.skipped).toEqual([]);
    expect(doc.failures).toEqual([]);
    expect(doc.findings).toHaveLength(1);
  });

  it('reports the finding with 1-based positions on the `for` keyword', () => {
    const f = json.doc.findings[0];
    expect(Object.keys(f).sort()).toEqual(
      ['column', 'endColumn', 'endLine', 'file', 'fixes', 'line', 'message', 'related', 'rule', 'severity'].sort(),
    );
    expect(f).toMatchObject({ file: 'leaky.go', rule: RULE, severity: 'warning', line: 8, column: 2, endLine: 8 });
    expect(f.endColumn).toBeGreaterThan(f.column);
    // The span covers text of line 8 starting at the `for` keyword.
    const line8 = LEAKY_GO.split('\n')[7];
    expect(line8.slice(f.column - 1, f.endColumn - 1)).toMatch(/^for/);
    expect(typeof f.message).toBe('string');
    expect(f.message.length).toBeGreaterThan(0);
  });

  it('points at the go statement that starts the goroutine', () => {
    const related = json.doc.findings[0].related;
    const start = related.find((r) => r.line === 16);
    expect(start, JSON.stringify(related)).toBeDefined();
    expect(start!.column).toBe(LEAKY_GO.split('\n')[15].indexOf('go w.loop') + 1);
    expect(start!.message).toMatch(/start/);
  });

  it('offers fixes, the ctx.Done() case preferred, with 1-based edits', () => {
    const fixes = json.doc.findings[0].fixes;
    expect(fixes.length).toBeGreaterThan(0);
    const preferred = fixes.filter((x) => x.isPreferred);
    expect(preferred).toHaveLength(1);
    expect(preferred[0].title).toMatch(/ctx/);
    expect(preferred[0].edits.map((e) => e.newText).join('')).toMatch(/case <-ctx\.Done\(\):/);
    for (const fix of fixes) {
      expect(typeof fix.title).toBe('string');
      expect(typeof fix.isPreferred).toBe('boolean');
      expect(fix.edits.length).toBeGreaterThan(0);
      for (const e of fix.edits) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.endLine).toBeGreaterThanOrEqual(e.line);
        expect(typeof e.newText).toBe('string');
      }
    }
  });

  it('fixes, applied at the positions the report gives, leave a file with no finding', () => {
    const fixes = json.doc.findings[0].fixes;
    const files: Record<string, string> = {};
    fixes.forEach((fix, i) => (files[`fixed${i}.go`] = applyEdits(LEAKY_GO, fix.edits)));
    expect(files.fixed0).not.toBe(LEAKY_GO);
    const fixedDir = tempTree(files);
    const r = runJson<JsonReport>(['lint', '-f', 'json'], fixedDir);
    expect(r.doc.filesAnalyzed).toBe(fixes.length);
    expect(r.doc.findings, JSON.stringify(files, null, 2)).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('sarif format', () => {
  it('is one SARIF 2.1.0 run by goleash describing every rule', () => {
    expect(sarif.code).toBe(1);
    expect(sarif.stderr).toBe('');
    const log = sarif.doc;
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('goleash');
    expect(driver.version).toBe(PACKAGE_VERSION);
    expect(driver.rules.map((r: any) => r.id)).toEqual(RULES.map((r) => r.id));
    const rule = driver.rules.find((r: any) => r.id === RULE);
    expect(rule.shortDescription.text.length).toBeGreaterThan(0);
    expect(rule.helpUri).toMatch(/^https:\/\/\S+$/);
    expect(rule.defaultConfiguration.level).toBe('warning');
  });

  it('has a result with ruleId, level, 1-based region and a relative uri under a uriBaseId', () => {
    const run0 = sarif.doc.runs[0];
    expect(run0.results).toHaveLength(1);
    const result = run0.results[0];
    expect(result.ruleId).toBe(RULE);
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe(RULE);
    expect(result.level).toBe('warning');
    expect(result.message.text).toBe(json.doc.findings[0].message);
    expect(result.locations).toHaveLength(1);
    const loc = result.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('leaky.go');
    expect(loc.region).toMatchObject({ startLine: 8, startColumn: 2, endLine: 8, endColumn: json.doc.findings[0].endColumn });
    const base = loc.artifactLocation.uriBaseId;
    expect(typeof base).toBe('string');
    // The base resolves to the directory goleash ran in, as a file URL ending in '/'.
    expect(run0.originalUriBaseIds[base].uri).toBe(`${pathToFileURL(realpathSync(dir)).href}/`);
  });

  it('carries the fixes as artifactChanges with replacements matching the JSON edits', () => {
    const result = sarif.doc.runs[0].results[0];
    const jsonFixes = json.doc.findings[0].fixes;
    expect(result.fixes).toHaveLength(jsonFixes.length);
    result.fixes.forEach((fix: any, i: number) => {
      expect(fix.description.text).toBe(jsonFixes[i].title);
      expect(fix.artifactChanges).toHaveLength(1);
      const change = fix.artifactChanges[0];
      expect(change.artifactLocation).toEqual(result.locations[0].physicalLocation.artifactLocation);
      expect(
        change.replacements.map((r: any) => ({
          line: r.deletedRegion.startLine,
          column: r.deletedRegion.startColumn,
          endLine: r.deletedRegion.endLine,
          endColumn: r.deletedRegion.endColumn,
          newText: r.insertedContent.text,
        })),
      ).toEqual(jsonFixes[i].edits);
    });
  });
});

describe('sarif output against the SARIF 2.1.0 JSON Schema', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    const schema = JSON.parse(readFileSync(join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // The schema's `language` pattern has a stray `]`, an error only under the `u` flag.
    const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(schema);
  });
  const check = (doc: unknown) => {
    const ok = validate(doc);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };

  it('accepts the log of a run with findings', () => {
    expect(check(sarif.doc)).toEqual([]);
  });

  it('accepts the log of a clean run (results present and empty)', () => {
    const r = runJson(['lint', '--format', 'sarif'], tempTree({ 'clean.go': CLEAN_GO }));
    expect(r.code).toBe(0);
    expect(r.doc.runs[0].results).toEqual([]);
    expect(check(r.doc)).toEqual([]);
  });

  it('accepts nested, spaced and non-ASCII paths, percent-encoded relative uris', () => {
    const root = tempTree({ 'pkg/a.go': LEAKY_GO, 'sub dir/ü.go': LEAKY_GO });
    const r = runJson(['lint', '--format', 'sarif', './...'], root);
    expect(r.code).toBe(1);
    expect(check(r.doc)).toEqual([]);
    const uris = r.doc.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['pkg/a.go', 'sub%20dir/%C3%BC.go']);
  });

  it('maps severities to SARIF levels (hint → note) and stays valid', () => {
    const r = runJson(['lint', '--format', 'sarif', '--rule', `${RULE}=hint`], dir);
    expect(r.code).toBe(0);
    expect(r.doc.runs[0].results.map((x: any) => x.level)).toEqual(['note']);
    expect(check(r.doc)).toEqual([]);
  });

  it('rejects a broken log (the validator is not vacuous)', () => {
    const bad = structuredClone(sarif.doc);
    bad.runs[0].results[0].level = 'warn';
    bad.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    const errors = check(bad);
    expect(errors.some((e) => e.includes('/level'))).toBe(true);
    expect(errors.some((e) => e.includes('/startColumn'))).toBe(true);
  });
});

describe('related locations in other files of the package', () => {
  it('point at the go statement in start.go from the loop in watcher.go, in json and sarif', () => {
    const dir = join(REPO, 'test', 'fixtures', 'for-select-no-done', 'crossfile');
    const json = runJson(['lint', '--format', 'json', dir], REPO).doc;
    const finding = json.findings.find((f: { file: string }) => f.file.endsWith('watcher.go'));
    expect(finding.related).toEqual([expect.objectContaining({ file: join(dir, 'start.go'), message: 'the goroutine is started here', line: 5 })]);
    const sarif = runJson(['lint', '--format', 'sarif', dir], REPO).doc;
    const related = sarif.runs[0].results[0].relatedLocations[0];
    expect(related.physicalLocation.artifactLocation.uri).toBe('test/fixtures/for-select-no-done/crossfile/start.go');
    expect(related.physicalLocation.region.startLine).toBe(5);
  });
});
