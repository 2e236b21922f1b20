// The progress bar: silent when stderr is not a terminal (CI logs, pipes: every run of these tests),
// drawn on stderr and erased at the end when it is one (or with --progress), and never on stdout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressBar, progressWanted } from '../../server/src/cli/progress';
import { LEAKY_GO, removeTempTrees, run, tempTree } from './helpers';

afterAll(removeTempTrees);

const ERASE = '\r\x1b[K';

let dir: string;
beforeAll(() => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 5; i++) files[`p${i}/leak.go`] = LEAKY_GO;
  dir = tempTree(files);
});

describe('on the command line', () => {
  it('is silent when stderr is not a terminal', () => {
    const r = run(['lint', './...'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it.each(['1', '2'])('--progress (--jobs %s) draws packages done/total on stderr and erases itself; stdout is unchanged', (jobs) => {
    const plain = run(['lint', '--no-cache', '--jobs', jobs, './...'], dir);
    const r = run(['lint', '--no-cache', '--jobs', jobs, '--progress', './...'], dir);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.code).toBe(plain.code);
    expect(r.stderr).toContain('5/5 packages');
    expect(r.stderr.startsWith(ERASE)).toBe(true);
    expect(r.stderr.endsWith(ERASE)).toBe(true);
    expect(r.stderr).not.toContain('\n');
  });

  it('--no-progress wins over --progress given before it', () => {
    expect(run(['lint', '--progress', '--no-progress', './...'], dir).stderr).toBe('');
  });
});

describe('ProgressBar', () => {
  function fake(columns = 80) {
    const out: string[] = [];
    let now = 0;
    const clock = { advance: (ms: number) => (now += ms) };
    const bar = new ProgressBar(4, { write: (s: string) => out.push(s), columns }, () => now);
    return { out, bar, clock };
  }

  it('redraws at most every 100 ms, always for the last package, and erases on finish', () => {
    const { out, bar, clock } = fake();
    clock.advance(1000);
    bar.tick(); // drawn: first tick after a while
    bar.tick(); // too soon
    clock.advance(150);
    bar.tick(); // drawn
    bar.tick(); // the last one is always drawn
    bar.finish();
    expect(out.map((s) => /(\d+\/\d+) packages/.exec(s)?.[1] ?? 'erase')).toEqual(['1/4', '3/4', '4/4', 'erase']);
    expect(out.at(-1)).toBe(ERASE);
    expect(out[2]).toMatch(/\[#+\] 4\/4 packages$/);
    expect(out[0]).toMatch(/\[#+\.+\] 1\/4 packages$/);
  });

  it('fits the terminal (a wrapped line could not be erased) and erases nothing when it never drew', () => {
    for (const columns of [20, 30, 200]) {
      const { out, bar } = fake(columns);
      bar.finish();
      expect(out).toEqual([]);
      bar.tick();
      expect(out[0].length - ERASE.length).toBeLessThan(columns);
      expect(out[0]).toContain('1/4 packages');
    }
  });

  it('is wanted on a terminal unless --no-progress, and off a terminal only with --progress', () => {
    expect(progressWanted(undefined, { isTTY: true })).toBe(true);
    expect(progressWanted(undefined, { isTTY: false })).toBe(false);
    expect(progressWanted(undefined, {})).toBe(false);
    expect(progressWanted(false, { isTTY: true })).toBe(false);
    expect(progressWanted(true, { isTTY: false })).toBe(true);
  });
});
