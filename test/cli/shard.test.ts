// `--shard I/N`: each package (directory) is linted by exactly one of the N shards, the shards
// together give the full report, and a package keeps its shard when others are added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseShard, ShardError, shardOf } from '../../server/src/cli/shard';
import { LEAKY_GO, removeTempTrees, run, tempTree, type JsonFinding, type JsonReport } from './helpers';

afterAll(removeTempTrees);

const PACKAGES = 12;
let dir: string;
beforeAll(() => {
  const files: Record<string, string> = {};
  for (let i = 0; i < PACKAGES; i++) {
    files[`pkg${i}/leak.go`] = LEAKY_GO;
    files[`pkg${i}/nested/more.go`] = LEAKY_GO;
  }
  dir = tempTree(files);
});

const report = (args: string[]): JsonReport => JSON.parse(run(['lint', '--no-cache', '--format', 'json', '--fail-on', 'none', ...args, './...'], dir).stdout);
const id = (f: JsonFinding) => `${f.file}:${f.line}:${f.column}:${f.rule}`;

describe('--shard I/N', () => {
  it.each([2, 3, 5])('the %i shards are disjoint and together give the full report', (n) => {
    const full = report([]);
    expect(full.filesAnalyzed).toBe(2 * PACKAGES);
    const shards = Array.from({ length: n }, (_, i) => report(['--shard', `${i + 1}/${n}`]));
    expect(shards.reduce((sum, s) => sum + s.filesAnalyzed, 0)).toBe(full.filesAnalyzed);
    const union = shards.flatMap((s) => s.findings.map(id));
    expect(new Set(union).size).toBe(union.length);
    expect([...union].sort()).toEqual(full.findings.map(id).sort());
    // Each shard keeps the full report's order.
    const order = full.findings.map(id);
    for (const s of shards) expect(s.findings.map(id)).toEqual(order.filter((x) => s.findings.map(id).includes(x)));
    // With this many packages no shard should be empty (the hash spreads them).
    for (const s of shards) expect(s.filesAnalyzed).toBeGreaterThan(0);
  });

  it('a package keeps its shard when packages are added', () => {
    const filesOf = (r: JsonReport) => r.findings.map((f) => f.file);
    const before = [1, 2, 3].map((i) => filesOf(report(['--shard', `${i}/3`])));
    for (const name of ['added1', 'added2', 'zz/added3']) {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'x.go'), LEAKY_GO);
    }
    const after = [1, 2, 3].map((i) => filesOf(report(['--shard', `${i}/3`])));
    for (let i = 0; i < 3; i++) expect(after[i].filter((f) => !f.includes('added'))).toEqual(before[i]);
    expect(after.flat().filter((f) => f.includes('added'))).toHaveLength(3);
  });

  it('--shard 1/1 is the full run', () => {
    expect(report(['--shard', '1/1'])).toEqual(report([]));
  });

  it.each(['0/3', '4/3', '1/0', '3', 'a/b', '1/2/3'])('--shard %s is a usage error (exit 2)', (value) => {
    const r = run(['lint', '--shard', value, '.'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard');
  });
});

describe('shardOf', () => {
  it('depends on the path relative to the root, not on how it is spelled', () => {
    expect(shardOf('/repo/a/b', 7, '/repo')).toBe(shardOf('a/b', 7, process.cwd()));
    expect(shardOf('/repo/a/b', 7, '/repo')).toBe(shardOf('/elsewhere/a/b', 7, '/elsewhere'));
    expect(shardOf('/repo/a/b/', 7, '/repo')).toBe(shardOf('/repo/a/./b', 7, '/repo'));
  });

  it('spreads many packages over the shards', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[shardOf(`pkg/${i}`, 4, '.') - 1]++;
    for (const c of counts) expect(c).toBeGreaterThan(60);
  });

  it('parseShard reads I/N and rejects the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('5/4')).toThrow(ShardError);
  });
});
