// goleash.json / .goleash.json: found by walking up from each linted directory (nearest wins),
// `--config` for all, `--rule` over the file; rules, excludes, escape settings, failOn,
// reportUnusedIgnores; every problem exits 2 naming the file and the key. The shipped schema
// (schemas/goleash.schema.json) agrees with the rule registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/rules';
import { CLEAN_GO, LEAKY_GO, REPO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** An allocation heap-escape reports (at its default level, hint). */
const ESCAPING_GO = 'package p\n\ntype T struct{ a [64]int }\n\nfunc New() *T { return &T{} }\n';

/** [file, rule, severity] of every finding of `lint -f json ./...` in `cwd`. */
function findings(cwd: string, args: string[] = []): string[][] {
  const r = runJson<JsonReport>(['lint', '-f', 'json', '--fail-on', 'none', ...args, './...'], cwd);
  expect(r.code, r.stderr).toBe(0);
  return r.doc.findings.map((f) => [f.file, f.rule, f.severity]);
}

describe('which configuration applies', () => {
  const tree = () =>
    tempTree({
      'goleash.json': json({ rules: { [RULE]: 'error' } }),
      'top.go': LEAKY_GO,
      'a/a.go': LEAKY_GO,
      'b/.goleash.json': json({ rules: { [RULE]: 'off' } }),
      'b/b.go': LEAKY_GO,
      'b/c/c.go': LEAKY_GO,
      'other.json': json({ rules: { [RULE]: 'hint' } }),
    });

  it('the nearest file at or above each directory wins (not merged with the ones above)', () => {
    expect(findings(tree())).toEqual([
      ['top.go', RULE, 'error'],
      ['a/a.go', RULE, 'error'],
    ]);
  });

  it('the nearest is found from the file, whatever the working directory', () => {
    const root = tree();
    const r = runJson<JsonReport>(['lint', '-f', 'json', '--fail-on', 'none', '../b/b.go', '../top.go'], join(root, 'a'));
    expect(r.doc.findings.map((f) => [f.file, f.severity])).toEqual([['../top.go', 'error']]);
  });

  it('--config uses one file for every path, ignoring the others', () => {
    const root = tree();
    expect(findings(root, ['--config', 'other.json'])).toEqual([
      ['top.go', RULE, 'hint'],
      ['a/a.go', RULE, 'hint'],
      ['b/b.go', RULE, 'hint'],
      ['b/c/c.go', RULE, 'hint'],
    ]);
  });

  it('--rule wins over the file, rule by rule', () => {
    expect(findings(tree(), ['--rule', `${RULE}=warning`]).map((f) => f[2])).toEqual(['warning', 'warning', 'warning', 'warning']);
  });

  it('no file anywhere: the defaults', () => {
    expect(findings(tempTree({ 'top.go': LEAKY_GO }))).toEqual([['top.go', RULE, 'warning']]);
  });
});

describe('keys', () => {
  it('escape sets heap-escape unless rules names it; escapeInterfaces is read', () => {
    const fmt = 'package p\n\nimport "fmt"\n\nfunc F(s string) { fmt.Println(s) }\n';
    const base = { 'e.go': ESCAPING_GO, 'f.go': fmt };
    expect(findings(tempTree(base))).toEqual([['e.go', 'heap-escape', 'hint']]);
    expect(findings(tempTree({ ...base, 'goleash.json': json({ escape: 'off' }) }))).toEqual([]);
    expect(findings(tempTree({ ...base, 'goleash.json': json({ escape: 'information' }) }))).toEqual([['e.go', 'heap-escape', 'information']]);
    expect(findings(tempTree({ ...base, 'goleash.json': json({ escape: 'off', rules: { 'heap-escape': 'warning' } }) }))).toEqual([['e.go', 'heap-escape', 'warning']]);
    const withInterfaces = findings(tempTree({ ...base, 'goleash.json': json({ escapeInterfaces: true }) }));
    expect(withInterfaces).toContainEqual(['f.go', 'heap-escape', 'hint']);
  });

  it('failOn sets the exit threshold; --fail-on wins over it', () => {
    const root = tempTree({ 'top.go': LEAKY_GO, 'goleash.json': json({ failOn: 'error' }) });
    expect(run(['lint'], root).code).toBe(0);
    expect(run(['lint', '--fail-on', 'warning'], root).code).toBe(1);
    const strict = tempTree({ 'top.go': LEAKY_GO, 'goleash.json': json({ failOn: 'hint', rules: { [RULE]: 'hint' } }) });
    expect(run(['lint'], strict).code).toBe(1);
  });

  it('reportUnusedIgnores turns on the unused-ignore findings', () => {
    const src = `${CLEAN_GO}\n//goleash:ignore ${RULE}\nfunc g() {}\n`;
    expect(findings(tempTree({ 'x.go': src }))).toEqual([]);
    expect(findings(tempTree({ 'x.go': src, 'goleash.json': json({ reportUnusedIgnores: true }) }))).toEqual([['x.go', 'unused-ignore', 'warning']]);
  });

  it('accepts a $schema key, for editors', () => {
    const root = tempTree({ 'top.go': LEAKY_GO, 'goleash.json': json({ $schema: './node_modules/goleash/schemas/goleash.schema.json' }) });
    expect(run(['lint'], root).code).toBe(1);
  });
});

describe('exclude', () => {
  const tree = (exclude: string[]) =>
    tempTree({
      'goleash.json': json({ exclude }),
      'top.go': LEAKY_GO,
      'top_gen.go': LEAKY_GO,
      'internal/mocks/m.go': LEAKY_GO,
      'pkg/mocks/m.go': LEAKY_GO,
      'pkg/p.go': LEAKY_GO,
    });
  const files = (exclude: string[], args: string[] = []) => findings(tree(exclude), args).map((f) => f[0]);

  it('a file glob, relative to the config file', () => {
    expect(files(['*_gen.go'])).toEqual(['top.go', 'internal/mocks/m.go', 'pkg/p.go', 'pkg/mocks/m.go']);
  });

  it('a directory leaves out everything under it; ** matches at any depth', () => {
    expect(files(['pkg'])).toEqual(['top.go', 'top_gen.go', 'internal/mocks/m.go']);
    expect(files(['**/mocks'])).toEqual(['top.go', 'top_gen.go', 'pkg/p.go']);
    expect(files(['{internal,pkg}/mocks/*.go', 'top*.go'])).toEqual(['pkg/p.go']);
  });

  it('applies to files named on the command line too', () => {
    const r = runJson<JsonReport>(['lint', '-f', 'json', 'top_gen.go', 'top.go'], tree(['top_gen.go']));
    expect(r.doc.findings.map((f) => f.file)).toEqual(['top.go']);
  });

  it('globs of a config found above are relative to its own directory, not the working directory', () => {
    const root = tree(['pkg/p.go']);
    const r = runJson<JsonReport>(['lint', '-f', 'json', '.'], join(root, 'pkg'));
    expect(r.doc.findings).toEqual([]);
  });

  it('an excluded file still counts as its package: a related location can point into it', () => {
    const fixture = join(REPO, 'test', 'fixtures', 'for-select-no-done', 'crossfile');
    const files = Object.fromEntries(['start.go', 'stop.go', 'watcher.go'].map((f) => [f, readFileSync(join(fixture, f), 'utf8')]));
    const root = tempTree({ ...files, 'goleash.json': json({ exclude: ['start.go'] }) });
    const r = runJson<JsonReport>(['lint', '-f', 'json', '.'], root);
    expect(r.doc.findings.map((f) => [f.file, f.rule])).toEqual([['watcher.go', RULE]]);
    expect(r.doc.findings[0].related).toEqual([expect.objectContaining({ file: 'start.go', line: 5 })]);
    expect(r.doc.filesAnalyzed).toBe(2);
  });
});

describe('errors: exit 2, the file, the key and what was expected on stderr, nothing on stdout', () => {
  function configError(config: string | object, name = 'goleash.json', args: string[] = []): string {
    const text = typeof config === 'string' ? config : json(config);
    const root = tempTree({ [name]: text, 'top.go': CLEAN_GO });
    const r = run(['lint', ...args], root);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^goleash: /);
    return r.stderr;
  }

  it('an unknown key, with the keys that are allowed', () => {
    expect(configError({ rulez: {} })).toBe(
      'goleash: goleash.json: rulez: unknown key; expected one of $schema, rules, exclude, escape, escapeInterfaces, reportUnusedIgnores, failOn\n',
    );
  });

  it('an unknown rule, with the rules there are', () => {
    expect(configError({ rules: { 'for-select-no-dne': 'off' } }, '.goleash.json')).toMatch(
      /^goleash: \.goleash\.json: rules\.for-select-no-dne: unknown key; expected one of for-select-no-done, unbounded-goroutine/,
    );
  });

  it('a wrong type or value, with what was expected and what was found', () => {
    expect(configError({ exclude: 'vendor' })).toBe('goleash: goleash.json: exclude: expected an array, got a string ("vendor")\n');
    expect(configError({ escapeInterfaces: 'yes' })).toBe('goleash: goleash.json: escapeInterfaces: expected a boolean, got a string ("yes")\n');
    expect(configError({ rules: { [RULE]: 'loud' } })).toMatch(/^goleash: goleash\.json: rules\.for-select-no-done: expected one of "error", "warning", .*got "loud"\n$/);
    expect(configError({ exclude: [3] })).toBe('goleash: goleash.json: exclude[0]: expected a string, got a number (3)\n');
    expect(configError({ failOn: 'fatal' })).toMatch(/^goleash: goleash\.json: failOn: expected one of .*"none", got "fatal"\n$/);
    expect(configError([])).toBe('goleash: goleash.json: (top level): expected an object, got an array\n');
  });

  it('every problem of the file at once', () => {
    expect(configError({ bogus: 1, escape: 'loud', rules: { nope: 'off' } }).trimEnd().split('\n')).toHaveLength(3);
  });

  it('a bad glob, with why', () => {
    expect(configError({ exclude: ['ok/**', '[abc'] })).toMatch(/^goleash: goleash\.json: exclude\[1\]: "\[abc" is not a valid glob: Missing closing: "\]"/);
    expect(configError({ exclude: ['{a,b'] })).toMatch(/exclude\[0\]: "\{a,b" is not a valid glob/);
    expect(configError({ exclude: ['/abs/path'] })).toMatch(/exclude\[0\]: "\/abs\/path" is not a valid glob: expected a path relative/);
    expect(configError({ exclude: ['../up'] })).toMatch(/exclude\[0\]: "\.\.\/up" is not a valid glob/);
    expect(configError({ exclude: ['!keep.go'] })).toMatch(/negation/);
  });

  it('malformed JSON, with the line and column', () => {
    expect(configError('{\n  "rules": {\n    "x": \n  }\n}\n')).toBe('goleash: goleash.json:4:3: not valid JSON: value expected\n');
    expect(configError('{ "rules": {}, }')).toMatch(/^goleash: goleash\.json:1:16: not valid JSON: /);
    expect(configError('{ // a comment\n}')).toMatch(/^goleash: goleash\.json:1:3: not valid JSON: /);
    expect(configError('')).toMatch(/^goleash: goleash\.json:1:1: not valid JSON: /);
  });

  it('both goleash.json and .goleash.json in one directory', () => {
    const root = tempTree({ 'goleash.json': '{}', '.goleash.json': '{}', 'top.go': CLEAN_GO });
    const r = run(['lint'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/both goleash\.json and \.goleash\.json; keep one/);
  });

  it('a missing or broken --config file', () => {
    const root = tempTree({ 'top.go': CLEAN_GO, 'bad.json': '{"rules": 1}' });
    expect(run(['lint', '--config', 'nope.json'], root)).toMatchObject({ code: 2, stderr: 'goleash: nope.json: no such configuration file\n' });
    expect(run(['lint', '--config', 'bad.json'], root)).toMatchObject({ code: 2, stderr: 'goleash: bad.json: rules: expected an object, got a number (1)\n' });
  });

  it('a broken file in a directory above, named by its path', () => {
    const root = tempTree({ 'goleash.json': '{"escape": 1}', 'a/b/top.go': CLEAN_GO });
    const r = run(['lint', '.'], join(root, 'a', 'b'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`goleash: ${join(root, 'goleash.json')}: escape: expected one of "off", "hint", "information", "info", got 1\n`);
  });
});

describe("the README's example", () => {
  it('is a valid configuration that lints', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### goleash.json'));
    const example = /```json\n([\s\S]*?)```/.exec(section)![1];
    const root = tempTree({ 'goleash.json': example, 'top.go': LEAKY_GO, 'x_mock.go': LEAKY_GO });
    const r = runJson<JsonReport>(['lint', '-f', 'json'], root);
    expect(r.stderr).toBe('');
    expect(r.doc.findings.map((f) => [f.file, f.severity])).toEqual([['top.go', 'error']]);
    expect(r.code).toBe(1);
  });
});

describe('schemas/goleash.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(REPO, 'schemas', 'goleash.schema.json'), 'utf8'));

  it('names exactly the rules of the registry', () => {
    expect(Object.keys(schema.properties.rules.properties)).toEqual(RULES.map((r) => r.id));
  });

  it('compiles under ajv strict mode and accepts a full example', () => {
    const validate = new Ajv({ strict: true }).compile(schema);
    const example = {
      $schema: './node_modules/goleash/schemas/goleash.schema.json',
      rules: { [RULE]: 'error', 'heap-escape': 'off', 'blocked-send': true },
      exclude: ['**/*_mock.go', 'internal/gen'],
      escape: 'information',
      escapeInterfaces: false,
      reportUnusedIgnores: true,
      failOn: 'warning',
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });
});
