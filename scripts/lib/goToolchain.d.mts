// Types for goToolchain.mjs (plain JavaScript, so that scripts run without a build step).
import type { GcMessage } from './gcOutput.mjs';

export const TARGET_FLAGS: '-m -l';
export const DEFAULT_FLAGS: '-m';

export interface ListedPackage {
  importPath: string;
  dir: string;
  /** absolute paths of the non-test files the compiler builds */
  goFiles: string[];
  /** why the package cannot be built here */
  error?: string;
}

export type CompileResult = { ok: true; messages: GcMessage[] } | { ok: false; error: string };

export function goEnv(gopath?: string): NodeJS.ProcessEnv;
export function goVersion(): string | undefined;
export function goRelease(version: string): string;
export function compileFile(path: string, flags: string): CompileResult;
export function listPackages(importPaths: string[], gopath: string): ListedPackage[];
export function compilePackage(pkg: ListedPackage, flags: string, gopath: string): CompileResult;
