// Running the Go compiler for its escape-analysis report. Shared by scripts/oracle.mjs and
// test/rules/heapEscapeOracle.test.ts.
//
// Everything builds in GOPATH mode (Debian's library sources are laid out that way, and a
// fixture file needs no go.mod), with the user's GOFLAGS cleared and cgo off, so that the same
// files are compiled on every machine and `go list` names exactly the files the compiler saw.
// The go command caches compiler output with the build and replays it on a cache hit, so asking
// again costs no recompilation; `-gcflags=PKG=FLAGS` rebuilds only PKG with FLAGS and prints
// only PKG's messages.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { parseGcOutput, sortMessages } from './gcOutput.mjs';

/** The flags the heuristic is measured against (inlining off), and the default build beside it. */
export const TARGET_FLAGS = '-m -l';
export const DEFAULT_FLAGS = '-m';

/** @param {string} gopath */
export function goEnv(gopath = tmpdir()) {
  return { ...process.env, GO111MODULE: 'off', GOPATH: gopath, GOFLAGS: '', CGO_ENABLED: '0' };
}

/** The go command: $GO when set (to measure another toolchain), else `go` on PATH. */
const GO = process.env.GO || 'go';

function runGo(args, options) {
  const r = spawnSync(GO, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  return { status: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** `go1.26.8`, or undefined when there is no usable `go` on PATH. */
export function goVersion() {
  const r = runGo(['env', 'GOVERSION'], { env: goEnv() });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `go1.26` of `go1.26.8`: escape analysis changes between releases, not between patch versions. */
export function goRelease(version) {
  return /^go\d+\.\d+/.exec(version)?.[0] ?? version;
}

/**
 * The compiler's messages for one standalone Go file (a package of its own, standard library
 * imports only), positioned in that file; messages about other files are dropped.
 * @param {string} path
 * @param {string} flags
 * @returns {{ ok: true, messages: import('./gcOutput.mjs').GcMessage[] } | { ok: false, error: string }}
 */
export function compileFile(path, flags) {
  const dir = dirname(resolve(path));
  const r = runGo(['build', `-gcflags=${flags}`, '-o', '/dev/null', basename(path)], { cwd: dir, env: goEnv() });
  if (r.status !== 0) return { ok: false, error: r.stderr.trim() };
  const file = resolve(path);
  const messages = parseGcOutput(r.stderr, (f) => resolve(dir, f)).filter((m) => m.file === file);
  return { ok: true, messages: sortMessages(messages) };
}

/**
 * @typedef {object} ListedPackage
 * @property {string} importPath
 * @property {string} dir
 * @property {string[]} goFiles  absolute paths of the non-test files the compiler builds
 * @property {string} [error]    why the package cannot be built here
 */

/**
 * `go list` of import paths in GOPATH mode: each package's directory and the files that build
 * under the current GOOS/GOARCH and build tags. Never throws; problems are in `error`.
 * @param {string[]} importPaths
 * @param {string} gopath
 * @returns {ListedPackage[]}
 */
export function listPackages(importPaths, gopath) {
  if (importPaths.length === 0) return [];
  const r = runGo(['list', '-e', '-json=ImportPath,Dir,GoFiles,Error,DepsErrors', ...importPaths], { cwd: tmpdir(), env: goEnv(gopath) });
  if (r.status !== 0) return importPaths.map((importPath) => ({ importPath, dir: '', goFiles: [], error: r.stderr.trim() }));
  // -json prints one object per package, each starting with `{` at the start of a line.
  return r.stdout
    .split(/\n(?=\{)/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const p = JSON.parse(chunk);
      const error = p.Error?.Err ?? p.DepsErrors?.[0]?.Err;
      const goFiles = (p.GoFiles ?? []).map((f) => resolve(p.Dir, f));
      return { importPath: p.ImportPath, dir: p.Dir ?? '', goFiles, error: error || (goFiles.length ? undefined : 'no Go files') };
    });
}

/**
 * The compiler's messages for one package of the standard library or of GOPATH, restricted to
 * the package's own files (inlined code from other packages is reported at its source).
 * @param {ListedPackage} pkg
 * @param {string} flags
 * @param {string} gopath
 * @returns {{ ok: true, messages: import('./gcOutput.mjs').GcMessage[] } | { ok: false, error: string }}
 */
export function compilePackage(pkg, flags, gopath) {
  const cwd = tmpdir();
  const r = runGo(['build', `-gcflags=${pkg.importPath}=${flags}`, '-o', '/dev/null', pkg.importPath], { cwd, env: goEnv(gopath) });
  if (r.status !== 0) return { ok: false, error: r.stderr.trim() };
  const own = new Set(pkg.goFiles);
  const messages = parseGcOutput(r.stderr, (f) => resolve(cwd, f)).filter((m) => own.has(m.file));
  return { ok: true, messages: sortMessages(messages) };
}
