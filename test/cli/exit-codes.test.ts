// Exit codes (0 clean, 1 findings at or above --fail-on, 2 usage/config/I-O error, 3 internal),
// --fail-on and --rule, and the `rules` and `--version` commands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/rules';
import { CLEAN_GO, LEAKY_GO, PACKAGE_VERSION, REPO, removeTempTrees, RULE, run, tempTree } from './helpers';

afterAll(removeTempTrees);

let leakyDir: string;
let cleanDir: string;
beforeAll(() => {
  leakyDir = tempTree({ 'leaky.go': LEAKY_GO, 'clean.go': CLEAN_GO });
  cleanDir = tempTree({ 'clean.go': CLEAN_GO });
});

const FINDING_LINE = /^leaky\.go:8:2: .+ \(for-select-no-done\)\n$/;

describe('exit codes for lint results', () => {
  it('1 when a finding reaches the default --fail-on (warning)', () => {
    const r = run(['lint'], leakyDir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(FINDING_LINE);
  });

  it('0 on a clean tree, with no output', () => {
    const r = run(['lint'], cleanDir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('0 with --fail-on none, findings still printed', () => {
    const r = run(['lint', '--fail-on', 'none'], leakyDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(FINDING_LINE);
  });

  it('0 with --fail-on error when the only findings are warnings', () => {
    const r = run(['lint', '--fail-on', 'error'], leakyDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(FINDING_LINE);
  });

  it('1 with --rule RULE=error --fail-on error', () => {
    const r = run(['lint', '--rule', `${RULE}=error`, '--fail-on', 'error', '--format', 'json'], leakyDir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { severity: string }) => f.severity)).toEqual(['error']);
  });

  it('0 and no output with --rule RULE=off', () => {
    const r = run(['lint', `--rule=${RULE}=off`], leakyDir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('--fail-on info is an alias of information (a lowered finding still fails)', () => {
    const r = run(['lint', '--rule', `${RULE}=information`, '--fail-on', 'info'], leakyDir);
    expect(r.code).toBe(1);
  });

  it('a hint fails only --fail-on hint', () => {
    expect(run(['lint', '--rule', `${RULE}=hint`], leakyDir).code).toBe(0);
    expect(run(['lint', '--rule', `${RULE}=hint`, '--fail-on', 'hint'], leakyDir).code).toBe(1);
  });

  it('the last --rule for a rule wins', () => {
    const r = run(['lint', '--rule', `${RULE}=off`, '--rule', `${RULE}=error`, '--fail-on', 'error'], leakyDir);
    expect(r.code).toBe(1);
  });
});

describe('exit code 2 for usage, config and I/O errors', () => {
  /** Exit 2, nothing on stdout, a message on stderr in goleash's or commander's voice. */
  function usageError(args: string[], cwd = leakyDir): string {
    const r = run(args, cwd);
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^(goleash: |error: )/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    return r.stderr;
  }

  it('a missing path, named in the message', () => {
    expect(usageError(['lint', 'no-such-dir'])).toMatch(/^goleash: .*no-such-dir/);
    expect(usageError(['lint', 'clean.go', 'missing/...'])).toMatch(/^goleash: .*missing/);
  });

  it('a file given as dir/...', () => {
    expect(usageError(['lint', 'leaky.go/...'])).toMatch(/leaky\.go/);
  });

  it('an unknown --format', () => {
    expect(usageError(['lint', '--format', 'xml'])).toMatch(/xml/);
  });

  it('an unknown --fail-on level', () => {
    expect(usageError(['lint', '--fail-on', 'fatal'])).toMatch(/fatal/);
  });

  it('an unknown rule in --rule, named in the message', () => {
    expect(usageError(['lint', '--rule', 'no-such-rule=error'])).toMatch(/^goleash: .*no-such-rule/);
  });

  it('an unknown severity in --rule', () => {
    expect(usageError(['lint', '--rule', `${RULE}=loud`])).toMatch(/loud/);
  });

  it('--rule without RULE=SEVERITY', () => {
    expect(usageError(['lint', '--rule', RULE])).toMatch(/RULE=SEVERITY/);
    expect(usageError(['lint', '--rule', '=error'])).toMatch(/RULE=SEVERITY/);
    expect(usageError(['lint', '--rule', `${RULE}=`])).toMatch(/RULE=SEVERITY/);
  });

  it('--rule with a second `=` is bad syntax', () => {
    expect(usageError(['lint', '--rule', `${RULE}=error=x`])).toMatch(/RULE=SEVERITY|error=x/);
  });

  it('--rule accepts true/false and info as the settings file does', () => {
    const dir = tempTree({ 'leak.go': LEAKY_GO });
    expect(run(['lint', '--rule', `${RULE}=false`, '.'], dir).code).toBe(0);
    expect(run(['lint', '--rule', `${RULE}=true`, '.'], dir).code).toBe(1);
    expect(run(['lint', '--rule', `${RULE}=info`, '--fail-on', 'warning', '.'], dir).code).toBe(0);
  });

  it('an unknown option or command', () => {
    expect(usageError(['lint', '--bogus'])).toMatch(/bogus/);
    expect(usageError(['frobnicate'])).toMatch(/frobnicate/);
  });
});

describe('rules and --version', () => {
  it('`goleash rules` prints every rule id with its default severity and title', () => {
    const r = run(['rules'], cleanDir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(RULES.length);
    RULES.forEach((rule, i) => {
      expect(lines[i].split(/\s{2,}/)).toEqual([rule.id, rule.defaultSeverity, rule.title]);
    });
    expect(lines.some((l) => l.startsWith(`${RULE} `) && /\bwarning\b/.test(l))).toBe(true);
  });

  it('--version (and -V) prints the package.json version', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(PACKAGE_VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-V']) {
      const r = run([flag], cleanDir);
      expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });
});
