// A minimal LSP client for tests: spawns the built server over stdio and speaks JSON-RPC to it
// through vscode-languageserver-protocol, the same library editors' clients are built on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface Notification {
  method: string;
  params: any;
}

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  /** Resolves with the next diagnostics for `uri` that satisfy `accept`. */
  nextDiagnostics(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** Every notification the server sent so far, in order. */
  notifications: Notification[];
  /** Resolves with the first notification (already received or to come) of `method` that satisfies `accept`. */
  notification(method: string, accept?: (params: any) => boolean, timeoutMs?: number): Promise<any>;
  stderr(): string;
  close(): Promise<void>;
}

export function startClient(args: string[] = ['lsp', '--stdio']): TestClient {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: { uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const notifications: Notification[] = [];
  const watchers: { method: string; accept: (params: any) => boolean; resolve: (params: any) => void }[] = [];
  // No handler is registered for any notification, so every one arrives here.
  connection.onUnhandledNotification(({ method, params }) => {
    notifications.push({ method, params });
    for (const w of watchers.filter((w) => w.method === method && w.accept(params))) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve(params);
    }
    if (method !== 'textDocument/publishDiagnostics') return;
    const p = params as PublishDiagnosticsParams;
    const i = waiters.findIndex((w) => w.uri === p.uri && w.accept(p));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(p);
  });
  connection.listen();
  return {
    connection,
    process: child,
    notifications,
    notification(method, accept = () => true, timeoutMs = 10_000) {
      const seen = notifications.find((n) => n.method === method && accept(n.params));
      if (seen) return Promise.resolve(seen.params);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        watchers.push({ method, accept, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
    nextDiagnostics(uri, accept = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ uri, accept, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
    stderr: () => stderr,
    async close() {
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // the server may already be gone
      }
      connection.dispose();
      child.kill();
    },
  };
}
