// Settings from the editor through `workspace/configuration` (section "goleash"), cached per
// document until the client says they changed. A client that never answers must not stall
// analysis: after a short wait the defaults apply. Only what the user set overrides a
// goleash.json (see lsp/projectConfig.ts): the VS Code extension sends no default values.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_MAX_FILE_BYTES } from '../core/analyzer';
import { DEFAULT_SETTINGS, parseRuleSettings, withEscapeSettings, type Settings } from '../core/settings';

/** `goleash.diagnostics.scope`: report on open files only, or on every Go file of the workspace. */
export const DIAGNOSTIC_SCOPES = ['workspace', 'openFiles'] as const;
export type DiagnosticScope = (typeof DIAGNOSTIC_SCOPES)[number];

export interface EditorSettings {
  enable: boolean;
  /** The rule settings the user gave (laid over a goleash.json's). */
  analysis: Settings;
  scope: DiagnosticScope;
  /** `goleash.inlayHints.movedToHeap`: an inlay hint after each variable heap-escape moves to the heap. */
  movedToHeapHints: boolean;
  /** `goleash.maxFileSize` in MB: larger files are skipped (not analysed), as the CLI skips them. */
  maxFileBytes: number;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { enable: true, analysis: DEFAULT_SETTINGS, scope: 'workspace', movedToHeapHints: false, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
const ANSWER_TIMEOUT_MS = 1500;

export class SettingsCache {
  private readonly cache = new Map<string, Promise<EditorSettings>>();
  private reported = new Set<string>();
  supported = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<EditorSettings> {
    if (!this.supported) return Promise.resolve(DEFAULT_EDITOR_SETTINGS);
    let entry = this.cache.get(uri);
    if (!entry) {
      entry = this.fetch(uri);
      this.cache.set(uri, entry);
    }
    return entry;
  }

  clear(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  private async fetch(uri: string): Promise<EditorSettings> {
    const request = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'goleash' });
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ANSWER_TIMEOUT_MS).unref());
    try {
      const raw: unknown = await Promise.race([request, timeout]);
      return this.parse(raw);
    } catch (err) {
      this.connection.console.warn(`goleash: could not read settings: ${String(err)}`);
      return DEFAULT_EDITOR_SETTINGS;
    }
  }

  private parse(raw: unknown): EditorSettings {
    if (!raw || typeof raw !== 'object') return DEFAULT_EDITOR_SETTINGS;
    const value = raw as Record<string, unknown> & { diagnostics?: { scope?: unknown }; inlayHints?: { movedToHeap?: unknown } };
    const parsed = parseRuleSettings(value.rules, 'goleash.rules');
    const escape = withEscapeSettings(parsed.settings, value.escape, value.escapeInterfaces);
    const settings = escape.settings;
    // Nested (as VS Code sends them) or dotted keys (as some editors' users write them).
    const scope = parseScope(value.diagnostics?.scope ?? value['diagnostics.scope']);
    const maxSize = parseMaxFileSize(value.maxFileSize);
    const problems = [...parsed.problems, ...escape.problems, ...scope.problems, ...maxSize.problems];
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.connection.window.showWarningMessage(`goleash settings: ${p}`);
    }
    const hints = value.inlayHints?.movedToHeap ?? value['inlayHints.movedToHeap'];
    return { enable: value.enable !== false, analysis: settings, scope: scope.scope, movedToHeapHints: hints === true || hints === 'true', maxFileBytes: maxSize.bytes };
  }
}

function parseScope(raw: unknown): { scope: DiagnosticScope; problems: string[] } {
  const fallback = DEFAULT_EDITOR_SETTINGS.scope;
  if (raw === undefined || raw === null) return { scope: fallback, problems: [] };
  if ((DIAGNOSTIC_SCOPES as readonly unknown[]).includes(raw)) return { scope: raw as DiagnosticScope, problems: [] };
  return { scope: fallback, problems: [`goleash.diagnostics.scope: expected one of ${DIAGNOSTIC_SCOPES.join(', ')}, got ${JSON.stringify(raw)}`] };
}

/** `goleash.maxFileSize`: megabytes (a positive number, fractions allowed). */
function parseMaxFileSize(raw: unknown): { bytes: number; problems: string[] } {
  const fallback = DEFAULT_EDITOR_SETTINGS.maxFileBytes;
  if (raw === undefined || raw === null) return { bytes: fallback, problems: [] };
  const mb = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof mb === 'number' && Number.isFinite(mb) && mb > 0) return { bytes: Math.round(mb * 1024 * 1024), problems: [] };
  return { bytes: fallback, problems: [`goleash.maxFileSize: expected a positive number of megabytes, got ${JSON.stringify(raw)}`] };
}
