// Shared by the measurement scripts (corpus, oracle): build dist/cli.js when it is missing or
// older than any server source, so a run measures the code in the tree.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/cli.js is stale; returns false when the build failed. */
export function ensureBuilt() {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestMtime(join(REPO, 'server', 'src'))) return true;
  console.log('build: dist/cli.js is missing or older than server/src; running npm run build');
  return spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' }).status === 0;
}
