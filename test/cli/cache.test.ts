// The result cache (--cache DIR, default $XDG_CACHE_HOME/goleash, --no-cache): a warm run prints
// exactly what a cold run prints without analysing anything; a changed file (asked for or only
// context) re-analyses its package and no other; settings are part of the key; corrupt entries
// are ignored and rewritten; old entries are pruned. A package that is analysed is observable
// from outside: GOLEASH_TEST_FAULT=throw:NAME makes analysing file NAME fail the run (exit 3).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, PRUNE_AFTER_DAYS, ResultCache } from '../../server/src/cli/cache';
import { cacheHome, CLEAN_GO, LEAKY_GO, removeTempTrees, run, tempTree } from './helpers';

afterAll(removeTempTrees);

/** Every entry file of a cache dir. */
function entries(dir: string): string[] {
  const root = join(dir, 'v1');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, d.name)).map((f) => join(root, d.name, f)))
    .sort();
}

// A leaky loop in `a`, fixed by a helper in the same package: the helper (context, not asked
// for) decides whether a.go has a finding.
const A_GO = `package a

func start(events chan int) {
	go func() {
		for range events {
		}
	}()
}

func run() {
	events := make(chan int)
	start(events)
	events <- 1
	finish(events)
}
`;
const A_HELPER_CLOSES = 'package a\n\nfunc finish(ch chan int) { close(ch) }\n';
const A_HELPER_KEEPS = 'package a\n\nfunc finish(ch chan int) { _ = ch }\n';

let tree: string;
let cache: string;
beforeEach(() => {
  tree = tempTree({ 'a/a.go': A_GO, 'a/helper.go': A_HELPER_CLOSES, 'b/b.go': LEAKY_GO, 'c/c.go': CLEAN_GO });
  cache = join(tempTree({}), 'cache');
});

const lint = (args: string[], env: NodeJS.ProcessEnv = {}) => run(['lint', '--format', 'json', '--fail-on', 'none', '--cache', cache, ...args], tree, 30_000, env);

describe('cold and warm runs', () => {
  it('a warm run prints the cold run byte for byte, analysing nothing', () => {
    const cold = lint(['./...']);
    expect(cold.code).toBe(0);
    expect(entries(cache)).toHaveLength(3); // one entry per package
    const before = entries(cache).map((e) => readFileSync(e, 'utf8'));
    // Analysing any file would now fail the run: the warm run must not analyse.
    for (const name of ['a.go', 'helper.go', 'b.go', 'c.go']) {
      const warm = lint(['./...'], { GOLEASH_TEST_FAULT: `throw:${name}` });
      expect(warm).toMatchObject({ code: 0, stdout: cold.stdout, stderr: '' });
    }
    expect(entries(cache).map((e) => readFileSync(e, 'utf8'))).toEqual(before);
    expect(lint(['--no-cache', './...']).stdout).toBe(cold.stdout);
  });

  it('text and sarif output are the same warm as cold', () => {
    for (const format of ['text', 'sarif']) {
      const cold = lint(['--format', format, './...']);
      const warm = lint(['--format', format, './...'], { GOLEASH_TEST_FAULT: 'throw:b.go' });
      expect(warm.stdout).toBe(cold.stdout);
    }
  });

  it('a changed file re-analyses its own package only', () => {
    lint(['./...']);
    writeFileSync(join(tree, 'c', 'c.go'), LEAKY_GO.replace('package p', 'package c'));
    // b is still cached (a fault on b.go does not fire); c is analysed again (a fault on c.go does).
    const changed = lint(['./...'], { GOLEASH_TEST_FAULT: 'throw:b.go' });
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(lint(['--no-cache', './...']).stdout);
    expect(JSON.parse(changed.stdout).findings.map((f: { file: string }) => f.file)).toContain('c/c.go');
    expect(entries(cache)).toHaveLength(4);
    writeFileSync(join(tree, 'c', 'c.go'), CLEAN_GO.replace('package p', 'package c'));
    expect(lint(['./...'], { GOLEASH_TEST_FAULT: 'throw:c.go' }).code).toBe(3);
  });

  it('a changed file read only as context invalidates the files that were asked for', () => {
    const unclosed = (stdout: string) => JSON.parse(stdout).findings.filter((f: { rule: string }) => f.rule === 'unclosed-channel');
    const closed = lint(['a/a.go']);
    expect(unclosed(closed.stdout)).toEqual([]);
    writeFileSync(join(tree, 'a', 'helper.go'), A_HELPER_KEEPS);
    const kept = lint(['a/a.go']);
    expect(kept.stdout).toBe(lint(['--no-cache', 'a/a.go']).stdout);
    expect(unclosed(kept.stdout)).toHaveLength(1);
  });

  it('settings are part of the key', () => {
    const all = lint(['./...']);
    const off = lint(['--rule', 'for-select-no-done=off', './...']);
    expect(off.stdout).toBe(lint(['--no-cache', '--rule', 'for-select-no-done=off', './...']).stdout);
    expect(off.stdout).not.toBe(all.stdout);
    expect(entries(cache)).toHaveLength(6);
  });
});

describe('damaged and missing caches', () => {
  it('corrupt or mismatched entries are ignored and rewritten', () => {
    const cold = lint(['./...']);
    const files = entries(cache);
    writeFileSync(files[0], '{"key": "truncat');
    writeFileSync(files[1], JSON.stringify({ key: 'another key', result: { files: [], skipped: [], failures: [] } }));
    writeFileSync(files[2], '');
    const again = lint(['./...']);
    expect(again).toMatchObject({ code: 0, stdout: cold.stdout, stderr: '' });
    for (const f of entries(cache)) expect(() => JSON.parse(readFileSync(f, 'utf8'))).not.toThrow();
    expect(entries(cache)).toEqual(files);
    expect(lint(['./...'], { GOLEASH_TEST_FAULT: 'throw:b.go' }).stdout).toBe(cold.stdout);
  });

  it('a cache directory that cannot be made: a warning, the same report', () => {
    const blocker = join(tree, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const r = run(['lint', '--format', 'json', '--fail-on', 'none', '--cache', join(blocker, 'cache'), './...'], tree);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^goleash: cache disabled: cannot create .*not-a-dir\/cache: (ENOTDIR|EEXIST)\n$/);
    expect(r.stdout).toBe(lint(['--no-cache', './...']).stdout);
  });

  it('the default directory is $XDG_CACHE_HOME/goleash; --no-cache writes nothing', () => {
    const home = join(tempTree({}), 'xdg');
    mkdirSync(home);
    run(['lint', '--no-cache', './...'], tree, 30_000, { XDG_CACHE_HOME: home });
    expect(readdirSync(home)).toEqual([]);
    run(['lint', './...'], tree, 30_000, { XDG_CACHE_HOME: home });
    expect(entries(join(home, 'goleash'))).toHaveLength(3);
    expect(cacheHome()).not.toBe(home);
  });
});

describe('pruning', () => {
  it('removes entries unused for longer than PRUNE_AFTER_DAYS, at most once a day', () => {
    const dir = join(tempTree({}), 'cache');
    const c = ResultCache.open(dir, () => {})!;
    const result = { files: [], skipped: [], failures: [] };
    c.put('aa'.repeat(32), result);
    c.put('bb'.repeat(32), result);
    const [oldEntry, freshEntry] = entries(dir);
    const longAgo = new Date(Date.now() - (PRUNE_AFTER_DAYS + 1) * 24 * 3600 * 1000);
    utimesSync(oldEntry, longAgo, longAgo);
    c.prune();
    expect(entries(dir).filter((e) => e.endsWith('.json'))).toEqual([freshEntry]);
    // Pruned less than a day ago: a newly stale entry waits for tomorrow.
    utimesSync(freshEntry, longAgo, longAgo);
    c.prune();
    expect(existsSync(freshEntry)).toBe(true);
    c.prune(Date.now() + 25 * 3600 * 1000);
    expect(existsSync(freshEntry)).toBe(false);
  });

  it('a hit marks its entry as used', () => {
    lint(['./...']);
    const longAgo = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    for (const e of entries(cache)) utimesSync(e, longAgo, longAgo);
    lint(['./...']);
    for (const e of entries(cache)) expect(Date.now() - statSync(e).mtimeMs).toBeLessThan(60_000);
  });
});

describe('canonicalJson', () => {
  it('ignores key order and undefined values', () => {
    expect(canonicalJson({ rules: { b: 'off', a: 'error' }, escapeInterfaces: undefined })).toBe(canonicalJson({ rules: { a: 'error', b: 'off' } }));
    expect(canonicalJson({ rules: { a: 'error' } })).not.toBe(canonicalJson({ rules: { a: 'warning' } }));
  });
});
