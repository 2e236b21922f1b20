// The analysis of open documents: each is re-analysed shortly after a change (a newer change
// cancels the pending run), with its package read from its directory, and its findings kept
// with their keys for the requests that come after (code actions, hover, inlay hints, fix all):
// those are lookups, not second analyses. A request may wait for the run its document is due.
import { dirname } from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { analyzeFile } from '../core/analyze';
import { findingKeys } from '../core/findingKeys';
import { isGeneratedSource } from '../core/packages';
import { rulesWithFaults } from '../core/ruleFaults';
import type { Settings } from '../core/settings';
import type { DocumentTrees, ParsedDocument } from '../parse/documents';
import type { Finding } from '../rules/types';
import { toDiagnostic } from './convert';
import type { DiagnosticsOut } from './diagnostics';
import { filePath, type PackageCache } from './packages';
import type { ProjectConfigs } from './projectConfig';
import type { EditorSettings, SettingsCache } from './settings';

/** The real rules, unless a test injects a failing one (core/ruleFaults.ts). */
const TEST_RULES = rulesWithFaults();
/** Wait this long after a keystroke before analysing: a burst of typing costs one run. */
export const DEBOUNCE_MS = 40;
/** Other open files of the package are re-analysed once typing pauses for this long. */
export const NEIGHBOUR_DEBOUNCE_MS = 400;
/** A request waits at most this long for its document's analysis before answering from the last one. */
const SETTLE_TIMEOUT_MS = 5000;

export interface Analysed {
  uri: string;
  version: number;
  findings: Finding[];
  /** Per finding (same order): its key (core/findingKeys.ts), carried in `Diagnostic.data`. */
  keys: string[];
  /** The settings it ran with (fix all re-analyses with the same). */
  settings: Settings;
  editor: EditorSettings;
}

export interface OpenFilesDeps {
  connection: Connection;
  trees: DocumentTrees;
  packages: PackageCache;
  settings: SettingsCache;
  configs: ProjectConfigs;
  out: DiagnosticsOut;
}

export class OpenFiles {
  private readonly results = new Map<string, Analysed>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly reportedFailures = new Set<string>();
  private readonly reportedSkips = new Set<string>();

  constructor(private readonly deps: OpenFilesDeps) {}

  /** The last analysis of an open document (maybe of an older version). */
  result(uri: string): Analysed | undefined {
    return this.results.get(uri);
  }

  uris(): string[] {
    return [...this.results.keys()];
  }

  schedule(uri: string, delay: number): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.running.add(uri);
        this.analyse(uri)
          .catch((err) => this.deps.connection.console.error(`goleash: analysis of ${uri} failed: ${String(err)}`))
          .finally(() => {
            this.running.delete(uri);
            this.wake(uri);
          });
      }, delay),
    );
  }

  /** What one file closes or starts can change findings in the rest of its package. */
  scheduleNeighbours(uri: string): void {
    for (const other of this.deps.packages.neighbours(uri)) this.schedule(other, NEIGHBOUR_DEBOUNCE_MS);
  }

  /** Re-analyses every open document (settings or a configuration file changed). */
  scheduleAll(): void {
    for (const uri of this.results.keys()) this.schedule(uri, 0);
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.results.delete(uri);
    this.wake(uri);
  }

  /**
   * The analysis of the document's current version, once the run it is due has finished (or
   * the last one, when the wait times out or the request is cancelled).
   */
  async settled(uri: string, token?: CancellationToken): Promise<Analysed | undefined> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const doc = this.deps.trees.get(uri);
      const result = this.results.get(uri);
      const pending = this.timers.has(uri) || this.running.has(uri);
      if (!doc || !pending || token?.isCancellationRequested || Date.now() > deadline) return result;
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(uri) ?? [];
        list.push(resolve);
        this.waiters.set(uri, list);
        setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1).unref();
      });
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const uri of [...this.waiters.keys()]) this.wake(uri);
  }

  private wake(uri: string): void {
    const list = this.waiters.get(uri);
    this.waiters.delete(uri);
    for (const resolve of list ?? []) resolve();
  }

  private async analyse(uri: string): Promise<void> {
    const { trees, settings, configs, out } = this.deps;
    const before = trees.get(uri);
    if (!before) return;
    const editor = await settings.get(uri);
    const doc = trees.get(uri);
    // A newer change arrived while settings were read: its own run is already scheduled.
    if (!doc || doc.document.version !== before.document.version || this.timers.has(uri)) return;
    const path = filePath(uri);
    const analysis = path ? configs.settingsIn(dirname(path), editor.analysis) : editor.analysis;
    const skip = skipReason(doc.document.getText(), editor.maxFileBytes);
    if (skip) this.noteSkip(uri, skip);
    const reported = editor.enable && !skip && !(path && configs.excludes(path));
    const findings = reported ? this.run(doc, analysis) : [];
    const keys = findingKeys(doc.document.getText(), findings);
    const version = doc.document.version;
    this.results.set(uri, { uri, version, findings, keys, settings: analysis, editor });
    out.setOpen(
      uri,
      version,
      findings.map((f, i) => toDiagnostic(uri, f, keys[i])),
    );
  }

  /** Says once per document and reason why it is not analysed (window/logMessage). */
  private noteSkip(uri: string, reason: string): void {
    const key = `${uri}\u0000${reason}`;
    if (this.reportedSkips.has(key)) return;
    this.reportedSkips.add(key);
    this.deps.connection.console.info(`goleash: not analysing ${uri}: ${reason}`);
  }

  private run(doc: ParsedDocument, analysis: Settings): Finding[] {
    const { file, pkg } = this.deps.packages.packageOf(doc);
    const { findings, failures } = analyzeFile(file, pkg, { settings: analysis, rules: TEST_RULES });
    for (const f of failures) {
      const key = `${f.rule}\u0000${doc.uri}`;
      if (this.reportedFailures.has(key)) continue;
      this.reportedFailures.add(key);
      this.deps.connection.console.error(`goleash: rule ${f.rule} failed on ${doc.uri}: ${f.error.stack ?? f.error.message}`);
    }
    return findings;
  }
}

/**
 * Why an open document is not analysed, if it is not: larger than `goleash.maxFileSize`, or
 * generated (`// Code generated … DO NOT EDIT.`), as the command line skips them too.
 */
export function skipReason(text: string, maxBytes: number): string | undefined {
  // UTF-16 length is at most the UTF-8 length: only texts near the limit need counting.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)) {
    return `larger than goleash.maxFileSize (${maxBytes} bytes)`;
  }
  if (isGeneratedSource(text)) return 'generated file (// Code generated … DO NOT EDIT.)';
  return undefined;
}
