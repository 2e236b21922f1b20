// The result cache: a package unit's findings, skips and rule failures, stored under a hash of
// everything the result depends on — this goleash build (version and a hash of its own code),
// the settings, and every file of the unit (path, whether it was asked for, content). A hit is
// therefore the result the analysis would give; a changed file changes its unit's key and only
// that unit is analysed again.
//
// Layout: DIR/v1/<2 hex>/<key>.json, each written to a temp file and renamed into place, so a
// reader never sees half an entry (and two runs sharing a directory are safe). An entry that
// does not parse or does not fit its unit is ignored and rewritten. Entries not used for
// PRUNE_AFTER_DAYS are deleted, checked at most once a day; deleting DIR clears the cache.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { PackageResult, PackageUnit } from '../core/packageAnalysis';
import { VERSION } from '../version';

const LAYOUT = 'v1';
export const PRUNE_AFTER_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const STALE_TEMP_MS = 60 * 60 * 1000;

/** `$XDG_CACHE_HOME/goleash`, else `~/.cache/goleash`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'goleash');
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
}

export class ResultCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, writes: 0 };
  private writable = true;

  private constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The cache in `dir`, created if needed; undefined (after a warning) when it cannot be. */
  static open(dir: string, warn: (message: string) => void): ResultCache | undefined {
    try {
      mkdirSync(join(dir, LAYOUT), { recursive: true });
      return new ResultCache(dir, warn);
    } catch (err) {
      warn(`cache disabled: cannot create ${dir}: ${errorCode(err)}`);
      return undefined;
    }
  }

  /** The unit's key: a hex SHA-256 of the build, the settings and every file of the unit. */
  keyOf(unit: PackageUnit): string {
    const h = createHash('sha256');
    // Each field is length-prefixed, so no two different units hash the same bytes.
    const field = (s: string) => h.update(`${s.length}:`).update(s);
    field(`goleash ${VERSION} ${buildHash()}`);
    field(canonicalJson(unit.settings));
    field(unit.dir);
    for (const f of unit.files) {
      field(f.path);
      field(f.requested ? 'requested' : 'context');
      field(f.source.ok ? 'text' : 'unreadable');
      field(f.source.ok ? f.source.text : f.source.reason);
    }
    return h.digest('hex');
  }

  /** The stored result for the unit, or undefined when there is none that fits. */
  get(key: string, unit: PackageUnit): PackageResult | undefined {
    const path = this.entryPath(key);
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      this.stats.misses++;
      return undefined; // missing or corrupt: the caller analyses and rewrites it
    }
    const result = fitting(entry, key, unit);
    if (!result) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    touch(path);
    return result;
  }

  put(key: string, result: PackageResult): void {
    if (!this.writable) return;
    const path = this.entryPath(key);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(join(this.dir, LAYOUT, key.slice(0, 2)), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ key, result }));
      renameSync(tmp, path);
      this.stats.writes++;
    } catch (err) {
      rmSync(tmp, { force: true });
      this.writable = false;
      this.warn(`cache: cannot write to ${this.dir} (${errorCode(err)}); results are not being cached`);
    }
  }

  /** Deletes entries unused for PRUNE_AFTER_DAYS, at most once a day. Never fails the run. */
  prune(now = Date.now()): void {
    const marker = join(this.dir, LAYOUT, 'last-prune');
    try {
      if (now - statSync(marker).mtimeMs < DAY_MS) return;
    } catch {
      // never pruned
    }
    try {
      writeFileSync(marker, '');
      for (const bucket of readdirSync(join(this.dir, LAYOUT), { withFileTypes: true })) {
        if (bucket.isDirectory()) pruneBucket(join(this.dir, LAYOUT, bucket.name), now);
      }
    } catch {
      // a read-only or vanished cache is left as it is
    }
  }

  private entryPath(key: string): string {
    return join(this.dir, LAYOUT, key.slice(0, 2), `${key}.json`);
  }
}

function pruneBucket(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      const age = now - statSync(path).mtimeMs;
      const stale = name.endsWith('.tmp') ? age > STALE_TEMP_MS : age > PRUNE_AFTER_DAYS * DAY_MS;
      if (stale) rmSync(path, { force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}

/** The entry's result when it is well-formed and about exactly the unit's analysed files. */
function fitting(entry: unknown, key: string, unit: PackageUnit): PackageResult | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { key: storedKey, result } = entry as { key?: unknown; result?: Partial<PackageResult> };
  if (storedKey !== key || typeof result !== 'object' || result === null) return undefined;
  if (!Array.isArray(result.files) || !Array.isArray(result.skipped) || !Array.isArray(result.failures)) return undefined;
  const expected = unit.files.filter((f) => f.requested && f.source.ok).map((f) => f.path);
  const stored = result.files.map((f) => f?.path);
  if (stored.length !== expected.length || stored.some((p, i) => p !== expected[i])) return undefined;
  if (!result.files.every((f) => Array.isArray(f.findings))) return undefined;
  return result as PackageResult;
}

/** Recently used entries survive pruning; a failure to mark one only makes it age sooner. */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // read-only cache: still usable
  }
}

let ownHash: string | undefined;

/** A hash of the running goleash code, so a rebuilt goleash never trusts an older build's results. */
function buildHash(): string {
  ownHash ??= (() => {
    try {
      return createHash('sha256').update(readFileSync(__filename)).digest('hex');
    } catch {
      return 'unknown-build';
    }
  })();
  return ownHash;
}

/** JSON with object keys sorted, so equal settings hash equally whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
