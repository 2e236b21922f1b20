// RecursiveMemo: memoised summaries of mutually recursive functions, computed to their least
// fixed point, each function outside a cycle once and a cycle in a few passes — where
// recomputing a cycle at every nesting level (what heap-escape did before) is exponential.
import { describe, expect, it } from 'vitest';
import { RecursiveMemo } from '../../server/src/index/fixpoint';

/**
 * A summary over a graph: value(k) = max(base(k), value(d) for each d that k asks for), asked in
 * order. Its least fixed point is the largest base reachable from k.
 */
function summarise(graph: Record<string, string[]>, base: Record<string, number>) {
  const memo = new RecursiveMemo<number>(0, Math.max);
  const computed: Record<string, number> = {};
  const value = (k: string): number =>
    memo.get(k, () => {
      computed[k] = (computed[k] ?? 0) + 1;
      return Math.max(base[k] ?? 0, ...graph[k].map(value));
    });
  return { value, computed };
}

function reachableMax(graph: Record<string, string[]>, base: Record<string, number>, from: string): number {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) for (const d of graph[todo.pop()!]) if (!seen.has(d)) seen.add(d), todo.push(d);
  return Math.max(...[...seen].map((k) => base[k] ?? 0));
}

/** A deterministic pseudo-random generator, so a failing graph can be reproduced. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('RecursiveMemo', () => {
  it('computes a function outside any cycle once', () => {
    const graph = { a: ['b', 'c'], b: ['c'], c: [], d: ['a', 'c'] };
    const { value, computed } = summarise(graph, { c: 3, b: 1 });
    expect(['a', 'b', 'c', 'd'].map(value)).toEqual([3, 3, 3, 3]);
    expect(computed).toEqual({ a: 1, b: 1, c: 1, d: 1 });
  });

  it('reaches the fixed point of a cycle whose value is found late', () => {
    // a → b → c → a, and only c sees the 5: a and b read each other at 0 first.
    const graph = { a: ['b'], b: ['c', 'a'], c: ['a', 'd'], d: [] };
    const { value } = summarise(graph, { d: 5 });
    expect(value('a')).toBe(5);
    expect(value('b')).toBe(5);
    expect(value('c')).toBe(5);
  });

  it('a self-recursive function', () => {
    const { value, computed } = summarise({ f: ['f', 'g'], g: [] }, { g: 2 });
    expect(value('f')).toBe(2);
    expect(computed.f).toBeLessThanOrEqual(2);
  });

  it('matches the least fixed point on random graphs', () => {
    const next = random(42);
    for (let round = 0; round < 200; round++) {
      const n = 2 + Math.floor(next() * 12);
      const keys = Array.from({ length: n }, (_, i) => `k${i}`);
      const graph: Record<string, string[]> = {};
      const base: Record<string, number> = {};
      for (const k of keys) {
        graph[k] = keys.filter(() => next() < 0.3);
        if (next() < 0.3) base[k] = Math.floor(next() * 6);
      }
      const { value } = summarise(graph, base);
      const order = [...keys].sort(() => next() - 0.5);
      for (const k of order) expect(value(k), `round ${round}, ${k}`).toBe(reachableMax(graph, base, k));
    }
  });

  it('a cycle of 40 functions that all ask each other costs a few passes, not 2^40', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const graph = Object.fromEntries(keys.map((k) => [k, keys.filter((x) => x !== k)]));
    const { value, computed } = summarise(graph, { m39: 4 });
    expect(value('m0')).toBe(4);
    const total = Object.values(computed).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(40 * 6);
  });

  it('a computation that throws leaves the memo usable', () => {
    const memo = new RecursiveMemo<number>(0, Math.max);
    let fail = true;
    const value = (k: string): number =>
      memo.get(k, () => {
        if (k === 'b' && fail) throw new Error('boom');
        return k === 'a' ? Math.max(1, value('b')) : 2;
      });
    expect(() => value('a')).toThrow('boom');
    fail = false;
    expect(value('a')).toBe(2);
    expect(value('b')).toBe(2);
  });
});
