// The whole-workspace view (`goleash.diagnostics.scope` = workspace): after start, every Go
// package of the workspace folders is analysed in the background, one directory at a time on a
// worker thread (backgroundAnalyser.ts; so requests stay answered, even during a package that
// takes seconds), under work-done progress; the files without an open buffer get diagnostics
// from disk. A directory is analysed again when a
// file in it changes on disk (`workspace/didChangeWatchedFiles`), when an open buffer in it is
// edited (its siblings read the unsaved text), and when one of its files is closed. Directories
// are skipped as `go` skips them for `./...` (core/sourceDirs.ts), generated files and files a
// goleash.json excludes get no diagnostics, and hints are left to open files (editors do not list
// them). Only findings as diagnostics are kept, never trees or facts.
import { homedir } from 'node:os';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import { findingKeys } from '../core/findingKeys';
import { readPackage, type PackageResult, type PackageUnit } from '../core/packageAnalysis';
import { goFilesOrNone } from '../core/packages';
import { isSkippedDir, packageDirsUnder } from '../core/sourceDirs';
import { toDiagnostic } from './convert';
import type { DiagnosticsOut } from './diagnostics';
import { skipReason } from './openFiles';
import { fileUri } from './packages';
import type { ProjectConfigs } from './projectConfig';
import type { EditorSettings, SettingsCache } from './settings';

export type IndexStatus = { state: 'indexing'; done: number; total: number } | { state: 'ready'; packages: number };

export interface WorkspaceDeps {
  connection: Connection;
  /** Analyses one package unit (on a worker thread: see backgroundAnalyser.ts). */
  analyse(unit: PackageUnit): Promise<PackageResult>;
  settings: SettingsCache;
  configs: ProjectConfigs;
  out: DiagnosticsOut;
  /** The text of an open buffer, or undefined when the file is not open. */
  openText(uri: string): string | undefined;
  /** Told when indexing starts, advances and ends. */
  status(status: IndexStatus): void;
}

/** A burst of file events (a checkout, a save-all) is handled as one. */
const WATCHED_DEBOUNCE_MS = 100;
/** The longest wait for the client to accept a progress token before indexing without one. */
const PROGRESS_TIMEOUT_MS = 2000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface IndexRun {
  total: number;
  done: number;
  reportedPercent: number;
  progress: WorkDoneProgressReporter;
}

export class WorkspaceIndex {
  private folders: string[] = [];
  /** The folders reported on (scope workspace, goleash enabled), with their editor settings. */
  private scoped = new Map<string, EditorSettings>();
  /** Per directory, the files it last published diagnostics for. */
  private readonly published = new Map<string, Set<string>>();
  private backlog: string[] = [];
  private readonly urgent = new Set<string>();
  private urgentTimer: NodeJS.Timeout | undefined;
  private run: IndexRun | undefined;
  private pumping = false;
  /** Bumped by every restart request: a later one supersedes an earlier one still reading settings. */
  private requests = 0;
  /** Bumped by every restart that goes ahead: a later one supersedes an earlier one still listing directories. */
  private generation = 0;
  /** Bumped when the index really starts over: results computed before are stale. */
  private epoch = 0;
  private started = false;
  private readonly reported = new Set<string>();

  constructor(private readonly deps: WorkspaceDeps) {}

  setFolders(paths: readonly string[]): void {
    this.folders = [...new Set(paths.map((p) => resolve(p)))];
  }

  folderPaths(): string[] {
    return [...this.folders];
  }

  /**
   * (Re)reads the settings of each folder and indexes the folders in scope from scratch — unless
   * `onlyIfChanged` and nothing the index depends on changed (a change of another setting, such as
   * the trace level, costs nothing then).
   */
  async restart(onlyIfChanged = false): Promise<void> {
    const request = ++this.requests;
    const scoped = await this.foldersInScope();
    if (request !== this.requests) return; // the later request decides
    if (onlyIfChanged && this.started && sameScope(this.scoped, scoped)) return;
    const generation = ++this.generation;
    this.started = true;
    this.epoch++;
    this.backlog = [];
    this.urgent.clear();
    this.endRun();
    this.scoped = scoped;
    for (const dir of [...this.published.keys()]) if (!this.coversDir(dir)) this.forgetDir(dir);
    const dirs = await this.packageDirs(generation);
    if (generation !== this.generation) return;
    if (dirs.length === 0) {
      this.deps.status({ state: 'ready', packages: 0 });
      return;
    }
    const progress = await this.createProgress();
    if (generation !== this.generation) return progress.done();
    progress.begin('goleash', 0, `indexing ${dirs.length} packages`, false);
    this.run = { total: dirs.length, done: 0, reportedPercent: 0, progress };
    this.backlog = dirs;
    this.deps.status({ state: 'indexing', done: 0, total: dirs.length });
    void this.pump();
  }

  /** Analyses these directories again soon (coalescing bursts); those out of scope are ignored. */
  refresh(dirs: Iterable<string>, delay = WATCHED_DEBOUNCE_MS): void {
    for (const dir of dirs) if (this.coversDir(dir)) this.urgent.add(resolve(dir));
    if (this.urgent.size === 0) return;
    clearTimeout(this.urgentTimer);
    this.urgentTimer = setTimeout(() => {
      this.urgentTimer = undefined;
      void this.pump();
    }, delay);
  }

  /** An open file was closed: its diagnostics come from disk again. False when it is out of scope. */
  fileClosed(path: string): boolean {
    if (!this.coversDir(dirname(path))) return false;
    this.refresh([dirname(path)], 0);
    return true;
  }

  dispose(): void {
    this.requests++;
    this.generation++;
    this.epoch++;
    clearTimeout(this.urgentTimer);
    this.backlog = [];
    this.urgent.clear();
    this.endRun();
  }

  private async foldersInScope(): Promise<Map<string, EditorSettings>> {
    const scoped = new Map<string, EditorSettings>();
    for (const folder of this.folders) {
      const editor = await this.deps.settings.get(fileUri(folder));
      if (!editor.enable || editor.scope !== 'workspace') continue;
      if (folder === resolve(homedir()) || dirname(folder) === folder) {
        this.note(`goleash: not indexing ${folder}: a home or root directory is too broad to be a workspace (open a project folder instead)`);
        continue;
      }
      scoped.set(folder, editor);
    }
    return scoped;
  }

  /** Every package directory of the folders in scope, pausing now and then while listing. */
  private async packageDirs(generation: number): Promise<string[]> {
    const dirs = new Set<string>();
    for (const folder of this.scoped.keys()) {
      for (const dir of packageDirsUnder(folder)) {
        dirs.add(dir);
        if (dirs.size % 100 === 0) await yieldToEventLoop();
        if (generation !== this.generation) return [];
      }
    }
    return [...dirs];
  }

  /** Works through urgent directories first, then the index backlog, one per event-loop turn. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const next = this.takeNext();
        if (!next) break;
        const epoch = this.epoch;
        await this.analyseDir(next.dir);
        if (next.fromBacklog && epoch === this.epoch) this.advance();
        await yieldToEventLoop();
      }
    } finally {
      this.pumping = false;
    }
    if (this.run && this.backlog.length === 0) {
      const packages = this.run.total;
      this.endRun();
      this.deps.status({ state: 'ready', packages });
    }
  }

  private takeNext(): { dir: string; fromBacklog: boolean } | undefined {
    if (this.urgent.size > 0 && !this.urgentTimer) {
      const [dir] = this.urgent;
      this.urgent.delete(dir);
      return { dir, fromBacklog: false };
    }
    const dir = this.backlog.shift();
    return dir ? { dir, fromBacklog: true } : undefined;
  }

  private advance(): void {
    const run = this.run;
    if (!run) return;
    run.done++;
    const percent = Math.floor((run.done * 100) / run.total);
    if (percent === run.reportedPercent && run.done !== run.total) return;
    run.reportedPercent = percent;
    run.progress.report(percent, `${run.done}/${run.total} packages`);
    this.deps.status({ state: 'indexing', done: run.done, total: run.total });
  }

  private endRun(): void {
    this.run?.progress.done();
    this.run = undefined;
  }

  /** Analyses one directory from disk (open buffers standing for their files) and publishes. */
  private async analyseDir(dir: string): Promise<void> {
    const folder = this.folderOf(dir);
    const editor = folder ? this.scoped.get(folder) : undefined;
    if (!editor || !this.coversDir(dir)) return this.forgetDir(dir);
    const epoch = this.epoch;
    const unit = this.readUnit(dir, editor);
    let result: PackageResult;
    try {
      result = await this.deps.analyse(unit);
    } catch (err) {
      this.note(`goleash: could not analyse ${dir}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // Settings or folders changed meanwhile: this result is stale, and the directory is queued again.
    if (epoch !== this.epoch) return;
    const texts = new Map(unit.files.map((f) => [f.path, f.source.ok ? f.source.text : '']));
    const now = new Set<string>();
    for (const { path, findings } of result.files) {
      const uri = fileUri(path);
      if (this.deps.openText(uri) !== undefined) continue; // opened while it was analysed: the buffer speaks now
      const keys = findingKeys(texts.get(path) ?? '', findings);
      const diagnostics = findings.flatMap((f, i) => (f.severity === 'hint' ? [] : [toDiagnostic(uri, f, keys[i])]));
      this.deps.out.setClosed(uri, diagnostics);
      now.add(uri);
    }
    for (const uri of this.published.get(dir) ?? []) if (!now.has(uri) && this.deps.openText(uri) === undefined) this.deps.out.clear(uri);
    this.published.set(dir, now);
    for (const s of result.skipped) this.note(`goleash: not analysing ${s.path}: ${s.reason}`);
    for (const f of result.failures) this.note(`goleash: rule ${f.rule} failed on ${f.path}: ${f.message}`);
  }

  /** The directory's files: those without an open buffer, not excluded and not generated, are reported on. */
  private readUnit(dir: string, editor: EditorSettings): PackageUnit {
    const texts = new Map<string, string>();
    const requested: string[] = [];
    for (const path of goFilesOrNone(dir)) {
      const open = this.deps.openText(fileUri(path));
      if (open !== undefined) texts.set(resolve(path), open);
      else if (!this.deps.configs.excludes(path)) requested.push(path);
    }
    const unit = readPackage(dir, requested, this.deps.configs.settingsIn(dir, editor.analysis), texts);
    // Generated files and files over goleash.maxFileSize are not reported on; generated ones stay as their package's context.
    const skipped = (f: PackageUnit['files'][number]) => f.requested && f.source.ok && skipReason(f.source.text, editor.maxFileBytes) !== undefined;
    return { ...unit, files: unit.files.map((f) => (skipped(f) ? { ...f, requested: false } : f)) };
  }

  private forgetDir(dir: string): void {
    for (const uri of this.published.get(dir) ?? []) if (this.deps.openText(uri) === undefined) this.deps.out.clear(uri);
    this.published.delete(dir);
  }

  /** Is the directory in a folder reported on, outside skipped directories? */
  private coversDir(dir: string): boolean {
    const folder = this.folderOf(dir);
    if (!folder) return false;
    const rel = relative(folder, resolve(dir));
    return rel === '' || !rel.split(sep).some(isSkippedDir);
  }

  /** The innermost folder in scope holding `path`. */
  private folderOf(path: string): string | undefined {
    const abs = resolve(path);
    let best: string | undefined;
    for (const folder of this.scoped.keys()) {
      if ((abs === folder || abs.startsWith(folder.endsWith(sep) ? folder : folder + sep)) && (!best || folder.length > best.length)) best = folder;
    }
    return best;
  }

  private async createProgress(): Promise<WorkDoneProgressReporter> {
    const none: WorkDoneProgressReporter = { begin() {}, report() {}, done() {} };
    const timeout = new Promise<WorkDoneProgressReporter>((r) => setTimeout(() => r(none), PROGRESS_TIMEOUT_MS).unref());
    try {
      return await Promise.race([this.deps.connection.window.createWorkDoneProgress(), timeout]);
    } catch {
      return none;
    }
  }

  /** Logs a message once. */
  private note(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.deps.connection.console.info(message);
  }
}

/** Same folders with the same settings? */
function sameScope(a: ReadonlyMap<string, EditorSettings>, b: ReadonlyMap<string, EditorSettings>): boolean {
  if (a.size !== b.size) return false;
  for (const [folder, settings] of a) if (JSON.stringify(settings) !== JSON.stringify(b.get(folder))) return false;
  return true;
}
