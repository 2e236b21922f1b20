// The `goleash` settings the language server is sent: only the values the user set, at any level
// (user, workspace, folder, and their [go] language overrides), never VS Code's defaults from the
// manifest. The server lays what it is sent over a goleash.json, so a default such as
// `goleash.escape: "hint"` must not hide the file's `"escape": "information"`; the server's own
// defaults are the manifest's (test/client/manifest.test.ts checks they agree).
// No `vscode` import here, so it can be tested on its own.

/** What `WorkspaceConfiguration.inspect` returns for one key. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** The keys (under `goleash.`) that the server reads; the others are the extension's own. */
export const SERVER_SETTINGS = ['enable', 'rules', 'escape', 'escapeInterfaces', 'diagnostics.scope', 'inlayHints.movedToHeap', 'maxFileSize'] as const;

/** Most general first: a later level wins, and object values (`rules`) are merged key by key, as VS Code merges them. */
const LEVELS = ['globalValue', 'workspaceValue', 'workspaceFolderValue', 'globalLanguageValue', 'workspaceLanguageValue', 'workspaceFolderLanguageValue'] as const;

export function explicitSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTINGS) {
    const inspected = inspect(key);
    if (!inspected) continue;
    const value = LEVELS.reduce<unknown>((acc, level) => merge(acc, inspected[level]), undefined);
    if (value !== undefined) setPath(out, key.split('.'), value);
  }
  return out;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) return { ...base, ...over };
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = isPlainObject(target[head]) ? (target[head] as Record<string, unknown>) : {};
  target[head] = child;
  setPath(child, rest, value);
}
