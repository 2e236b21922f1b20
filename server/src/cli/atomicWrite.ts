// Writing a file so that a reader (or a crash) never sees it half-written: the bytes go to a
// temp file in the same directory (so the rename stays on one file system), are flushed, and the
// temp file is renamed over the target. An existing file keeps its mode, and its owner where the
// process may set it; a symbolic link is followed, so the link stays a link.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = existingTarget(path);
  const before = target ? statSync(target) : undefined;
  const file = target ?? path;
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', before ? before.mode & 0o7777 : 0o666);
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (before) keepModeAndOwner(tmp, before);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The real path of `path` when it exists (through symbolic links), else undefined. */
function existingTarget(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Owner first: chown clears set-user-ID bits, which the chmod then restores. */
function keepModeAndOwner(tmp: string, before: Stats): void {
  try {
    chownSync(tmp, before.uid, before.gid);
  } catch {
    // Only root may give a file away; otherwise it stays ours, as any editor's save would.
  }
  chmodSync(tmp, before.mode & 0o7777); // openSync's mode was filtered by the umask
}
