// The goleash VS Code extension: starts the language server (dist/server.js) over IPC, forwards
// the `goleash` settings the user set, and shows the server's state in the status bar. No
// analysis lives here. It registers no language: `go` belongs to VS Code and the Go extension.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { explicitSettings } from './explicitSettings';
import { statusView, type ProblemCounts, type ServerState } from './statusText';

const SECTION = 'goleash';
const STATUS_NOTIFICATION = 'goleash/status';
/** Recount problems at most this often while diagnostics stream in (workspace indexing). */
const RECOUNT_MS = 300;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let state: ServerState = { kind: 'starting' };
let recountTimer: NodeJS.Timeout | undefined;
// Start, stop and restart run one after another, so a settings change during a restart cannot
// leave two servers running.
let queue: Promise<void> = Promise.resolve();

function enqueue(op: () => Promise<void>): Promise<void> {
  queue = queue.then(op).catch((error: unknown) => {
    output.appendLine(`[goleash] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  });
  return queue;
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('goleash');
  traceOutput = vscode.window.createOutputChannel('goleash Trace');
  statusItem = vscode.window.createStatusBarItem('goleash.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'goleash';
  statusItem.command = 'goleash.showOutput';
  context.subscriptions.push(
    output,
    traceOutput,
    statusItem,
    vscode.commands.registerCommand('goleash.restartServer', () => enqueue(() => restart(context))),
    vscode.commands.registerCommand('goleash.showOutput', () => output.show(true)),
    vscode.languages.onDidChangeDiagnostics(() => recountSoon()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.enable`) || event.affectsConfiguration(`${SECTION}.server.path`)) {
        void enqueue(async () => {
          await stop();
          await start(context);
        });
      }
    }),
    { dispose: () => clearTimeout(recountTimer) },
  );
  return enqueue(() => start(context));
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  if (!vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true)) {
    void vscode.window.showInformationMessage('goleash is disabled (goleash.enable is false).');
    return;
  }
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  if (client) return;
  const config = vscode.workspace.getConfiguration(SECTION);
  if (!config.get<boolean>('enable', true)) {
    output.appendLine('[goleash] disabled by goleash.enable; the server is not running.');
    setState({ kind: 'stopped' });
    return;
  }
  const serverModule = serverPath(context, config.get<string>('server.path', ''));
  if (!fs.existsSync(serverModule)) {
    const message = `language server not found at ${serverModule}`;
    output.appendLine(`[goleash] ${message}`);
    setState({ kind: 'error', message });
    void vscode.window.showErrorMessage(`goleash: ${message}`);
    return;
  }
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files on disk and unsaved new buffers; not the copies in diff views, git or other schemes.
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
    ],
    // The server registers its own file watchers (**/*.go, goleash.json) once it starts.
    synchronize: { configurationSection: SECTION },
    initializationOptions: { statusNotifications: true },
    outputChannel: output,
    traceOutputChannel: traceOutput,
    middleware: {
      workspace: {
        // A change of goleash.enable or goleash.server.path also stops this client while it is
        // still forwarding that change; only a client that is still the current one may complain.
        didChangeConfiguration: (sections, send) =>
          send(sections).catch((error: unknown) => {
            if (client === candidate) throw error;
          }),
        // Only what the user set, so that VS Code's defaults do not hide a goleash.json.
        configuration: async (params, token, next) => {
          if (params.items.every((item) => item.section === SECTION)) return params.items.map((item) => userSettings(item.scopeUri));
          const answered = await next(params, token);
          if (!Array.isArray(answered)) return answered;
          return params.items.map((item, i) => (item.section === SECTION ? userSettings(item.scopeUri) : answered[i]));
        },
      },
    },
  };
  const candidate = new LanguageClient(SECTION, 'goleash', serverOptions, clientOptions);
  candidate.onDidChangeState(({ newState }) => {
    // Only the current client speaks; one being stopped on purpose says nothing.
    if (client !== candidate && newState !== State.Starting) return;
    if (newState === State.Starting) setState({ kind: 'starting' });
    else if (newState === State.Running && state.kind !== 'indexing') setState({ kind: 'ready' });
    else if (newState === State.Stopped) setState({ kind: 'error', message: 'the language server stopped; see the output' });
  });
  // Registered before start: indexing begins as soon as the server is initialized.
  candidate.onNotification(STATUS_NOTIFICATION, (status: { state: string; done?: number; total?: number }) => {
    if (client !== undefined && client !== candidate) return;
    if (status.state === 'indexing') setState({ kind: 'indexing', done: status.done ?? 0, total: status.total ?? 0 });
    else if (status.state === 'ready') setState({ kind: 'ready' });
  });
  output.appendLine(`[goleash] starting ${serverModule}`);
  setState({ kind: 'starting' });
  try {
    await candidate.start();
  } catch (error) {
    // The client has already reported the failure; leave nothing half-started behind.
    await candidate.dispose().catch(() => undefined);
    throw error;
  }
  client = candidate;
  if (state.kind === 'starting') setState({ kind: 'ready' });
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (!current) return;
  output.appendLine('[goleash] stopping the server');
  await current.dispose();
  setState({ kind: 'stopped' });
}

function userSettings(scopeUri: string | undefined): Record<string, unknown> {
  const scope = scopeUri ? { uri: vscode.Uri.parse(scopeUri), languageId: 'go' } : undefined;
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return explicitSettings((key) => config.inspect(key));
}

function setState(next: ServerState): void {
  state = next;
  render();
}

function recountSoon(): void {
  if (recountTimer) return;
  recountTimer = setTimeout(() => {
    recountTimer = undefined;
    render();
  }, RECOUNT_MS);
}

function render(): void {
  if (!statusItem) return;
  const view = statusView(state, countProblems());
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  statusItem.show();
}

/** The goleash problems the editor shows now (push or pull, open files or the workspace). */
function countProblems(): ProblemCounts {
  const counts: ProblemCounts = { errors: 0, warnings: 0, infos: 0, files: 0 };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    let inFile = 0;
    for (const d of diagnostics) {
      if (d.source !== 'goleash') continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
      else if (d.severity === vscode.DiagnosticSeverity.Information) counts.infos++;
      else continue;
      inFile++;
    }
    if (inFile > 0) counts.files++;
  }
  return counts;
}

/** `goleash.server.path` if set (relative to the first workspace folder), else the bundled server. */
function serverPath(context: vscode.ExtensionContext, configured: string): string {
  const trimmed = configured.trim();
  if (!trimmed) return context.asAbsolutePath(path.join('dist', 'server.js'));
  if (path.isAbsolute(trimmed)) return trimmed;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, trimmed) : path.resolve(trimmed);
}
