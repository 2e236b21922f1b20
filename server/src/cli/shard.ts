// `--shard I/N`: this run lints the packages (directories) whose path, relative to the working
// directory, hashes to I among N. A package's shard depends on its own path only, so adding or
// removing packages never moves the others, and shards 1..N together lint every package once.
import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';

export interface Shard {
  /** 1-based, as CI matrices count. */
  index: number;
  count: number;
}

export class ShardError extends Error {}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard ${text}: expected I/N with 1 <= I <= N (e.g. 2/4)`);
  }
  return { index, count };
}

/** The shard (1-based) a package directory belongs to among `count`. */
export function shardOf(dir: string, count: number, root = process.cwd()): number {
  const rel = relative(root, resolve(dir)).split(sep).join('/') || '.';
  const digest = createHash('sha256').update(rel).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(dir: string, shard: Shard | undefined, root = process.cwd()): boolean {
  return !shard || shardOf(dir, shard.count, root) === shard.index;
}
