// Settings from the editor through `workspace/configuration` (section "goleash"), cached per
// document until the client says they changed. A client that never answers must not stall
// analysis: after a short wait the defaults apply.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, parseRuleSettings, withEscapeSettings, type Settings } from '../core/settings';

export interface EditorSettings {
  enable: boolean;
  analysis: Settings;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { enable: true, analysis: DEFAULT_SETTINGS };
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
    const value = raw as { enable?: unknown; rules?: unknown; escape?: unknown; escapeInterfaces?: unknown };
    const parsed = parseRuleSettings(value.rules, 'goleash.rules');
    const escape = withEscapeSettings(parsed.settings, value.escape, value.escapeInterfaces);
    const settings = escape.settings;
    const problems = [...parsed.problems, ...escape.problems];
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.connection.window.showWarningMessage(`goleash settings: ${p}`);
    }
    return { enable: value.enable !== false, analysis: settings };
  }
}
