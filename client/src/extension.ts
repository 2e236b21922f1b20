// The goleash VS Code extension: starts the language server (dist/server.js) over IPC and
// forwards the `goleash` settings. No analysis lives here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

const SECTION = 'goleash';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let watchers: vscode.FileSystemWatcher[] = [];
// Start, stop and restart run one after another, so a settings change during a restart cannot
// leave two servers running.
let queue: Promise<void> = Promise.resolve();

function enqueue(op: () => Promise<void>): Promise<void> {
  queue = queue.then(op).catch((error: unknown) => {
    output.appendLine(`[goleash] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });
  return queue;
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('goleash');
  traceOutput = vscode.window.createOutputChannel('goleash Trace');
  watchers = [
    vscode.workspace.createFileSystemWatcher('**/*.go'),
    vscode.workspace.createFileSystemWatcher('**/{goleash.json,.goleash.json}'),
  ];
  context.subscriptions.push(
    output,
    traceOutput,
    ...watchers,
    vscode.commands.registerCommand('goleash.restartServer', () => enqueue(() => restart(context))),
    vscode.commands.registerCommand('goleash.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.enable`) || event.affectsConfiguration(`${SECTION}.server.path`)) {
        void enqueue(async () => {
          await stop();
          await start(context);
        });
      }
    }),
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
    return;
  }
  const serverModule = serverPath(context, config.get<string>('server.path', ''));
  if (!fs.existsSync(serverModule)) {
    const message = `goleash: language server not found at ${serverModule}`;
    output.appendLine(`[goleash] ${message}`);
    void vscode.window.showErrorMessage(message);
    return;
  }
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
    ],
    synchronize: { configurationSection: SECTION, fileEvents: watchers },
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
      },
    },
  };
  const candidate = new LanguageClient(SECTION, 'goleash', serverOptions, clientOptions);
  output.appendLine(`[goleash] starting ${serverModule}`);
  try {
    await candidate.start();
  } catch (error) {
    // The client has already reported the failure; leave nothing half-started behind.
    await candidate.dispose().catch(() => undefined);
    throw error;
  }
  client = candidate;
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (!current) return;
  output.appendLine('[goleash] stopping the server');
  await current.dispose();
}

/** `goleash.server.path` if set (relative to the first workspace folder), else the bundled server. */
function serverPath(context: vscode.ExtensionContext, configured: string): string {
  const trimmed = configured.trim();
  if (!trimmed) return context.asAbsolutePath(path.join('dist', 'server.js'));
  if (path.isAbsolute(trimmed)) return trimmed;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, trimmed) : path.resolve(trimmed);
}
