// `goleash lint`: analyse the named files directory by directory. Each file is analysed with its
// whole package in view — the other .go files of its directory with the same package clause,
// named on the command line or not — and findings are reported for the named files only.
//
// Each directory is a unit of work (core/packageAnalysis.ts): looked up in the result cache,
// else analysed in this thread (`--jobs 1`) or on a worker thread. Results are merged in the
// order of the walk, so the report is the same whatever the number of jobs and the cache hold.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Settings } from '../core/settings';
import { readPackage, type PackageResult, type PackageUnit } from '../core/packageAnalysis';
import type { Finding } from '../rules/types';
import type { ResultCache } from './cache';
import { inProcess, WorkerPool, type UnitAnalyser } from './pool';
import { ProgressBar, type ProgressStream } from './progress';
import { inShard, type Shard } from './shard';

export interface FileReport {
  path: string;
  /** The text the findings refer to (fixes are edits on it). */
  text: string;
  findings: Finding[];
}

export interface LintReport {
  files: FileReport[];
  skipped: { path: string; reason: string }[];
  /** Rules that threw: reported, never fatal. */
  failures: { path: string; rule: string; message: string }[];
}

/** How a run is carried out; none of it changes the report. */
export interface RunOptions {
  /** Units analysed at once: 1 (the default) in this thread, more on worker threads. */
  jobs?: number;
  cache?: ResultCache;
  /** Lint only the packages of this shard. */
  shard?: Shard;
  /** Draw a progress bar here. */
  progress?: ProgressStream;
}

/** The settings for the files of a directory: one for all, or per directory (config files). */
export type SettingsFor = Settings | ((dir: string) => Settings);

/** `texts` (absolute path → text) stand in for files on disk: `--fix` re-analyses its fixes before writing them. */
export async function lintFiles(paths: readonly string[], settings: SettingsFor, texts?: ReadonlyMap<string, string>, run: RunOptions = {}): Promise<LintReport> {
  const dirs = [...byDirectory(paths)].filter(([dir]) => inShard(dir, run.shard));
  const settingsOf = typeof settings === 'function' ? settings : () => settings;
  const jobs = Math.max(1, Math.min(run.jobs ?? 1, dirs.length));
  const analyser: UnitAnalyser = jobs > 1 ? new WorkerPool(jobs) : await inProcess();
  const bar = run.progress ? new ProgressBar(dirs.length, run.progress) : undefined;
  const done: UnitDone[] = new Array(dirs.length);
  // On workers, the biggest packages start first, so that no worker is left with a big one at the
  // end while the others idle. Results still go back in the walk's order.
  const order = jobs > 1 ? biggestFirst(dirs) : dirs.map((_, i) => i);
  try {
    // Twice as many units in flight as workers, so a worker never waits for the next one to be read.
    await forEachConcurrently(dirs.length, jobs > 1 ? 2 * jobs : 1, async (k) => {
      const i = order[k];
      const [dir, requested] = dirs[i];
      const unit = readPackage(dir, requested, settingsOf(dir), texts);
      done[i] = { texts: requestedTexts(unit), result: await resultOf(unit, analyser, run.cache) };
      bar?.tick();
    });
  } finally {
    bar?.finish();
    await analyser.close();
  }
  run.cache?.prune();
  return merge(done);
}

/** Indexes of the directories, largest first by the size of the files asked for. */
function biggestFirst(dirs: readonly [string, string[]][]): number[] {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  const sizes = dirs.map(([, files]) => files.reduce((sum, f) => sum + size(f), 0));
  return dirs.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
}

interface UnitDone {
  texts: Map<string, string>;
  result: PackageResult;
}

async function resultOf(unit: PackageUnit, analyser: UnitAnalyser, cache: ResultCache | undefined): Promise<PackageResult> {
  if (!cache) return analyser.analyse(unit);
  const key = cache.keyOf(unit);
  const cached = cache.get(key, unit);
  if (cached) return cached;
  const result = await analyser.analyse(unit);
  cache.put(key, result);
  return result;
}

/** The texts of the unit's requested files: the report keeps them (fixes are edits on them). */
function requestedTexts(unit: PackageUnit): Map<string, string> {
  const texts = new Map<string, string>();
  for (const f of unit.files) if (f.requested && f.source.ok) texts.set(f.path, f.source.text);
  return texts;
}

function merge(done: readonly UnitDone[]): LintReport {
  const report: LintReport = { files: [], skipped: [], failures: [] };
  for (const { texts, result } of done) {
    for (const f of result.files) report.files.push({ path: f.path, text: texts.get(f.path)!, findings: f.findings });
    report.skipped.push(...result.skipped);
    report.failures.push(...result.failures);
  }
  return report;
}

/** Runs `task(0..count-1)` with at most `lanes` at once; the first failure stops new tasks and is thrown. */
async function forEachConcurrently(count: number, lanes: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, count) }, lane));
}

/** Paths grouped by directory, in the order first seen. */
function byDirectory(paths: readonly string[]): Map<string, string[]> {
  const dirs = new Map<string, string[]>();
  for (const p of paths) {
    const d = dirname(p);
    const list = dirs.get(d);
    if (list) list.push(p);
    else dirs.set(d, [p]);
  }
  return dirs;
}

export function allFindings(report: LintReport): { path: string; finding: Finding }[] {
  return report.files.flatMap((f) => f.findings.map((finding) => ({ path: f.path, finding })));
}
