// The language server: wires the protocol to the parts that do the work — open documents
// analysed as they change (openFiles.ts), the rest of the workspace analysed in the background
// (workspace.ts), diagnostics pushed or pulled (diagnostics.ts), and the requests answered from
// the last analysis: code actions (codeActions.ts), hover (hover.ts), inlay hints (inlayHints.ts).
import { basename, dirname, resolve } from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  IPCMessageReader,
  IPCMessageWriter,
  MarkupKind,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { checkSource, DEFAULT_MAX_FILE_BYTES } from '../core/analyzer';
import { CONFIG_NAMES } from '../core/config';
import { createGoParser } from '../parse/grammar';
import { DocumentTrees } from '../parse/documents';
import { VERSION } from '../version';
import { BackgroundAnalyser } from './backgroundAnalyser';
import { FIX_ALL_KIND, fixAllAction, quickFixes } from './codeActions';
import { DiagnosticsOut } from './diagnostics';
import { hoverAt } from './hover';
import { movedToHeapHints } from './inlayHints';
import { DEBOUNCE_MS, NEIGHBOUR_DEBOUNCE_MS, OpenFiles } from './openFiles';
import { filePath, PackageCache } from './packages';
import { ProjectConfigs } from './projectConfig';
import { SettingsCache } from './settings';
import { WorkspaceIndex, type IndexStatus } from './workspace';

export { DEBOUNCE_MS, NEIGHBOUR_DEBOUNCE_MS } from './openFiles';

/** `goleash/status`, sent to clients that ask for it in `initializationOptions.statusNotifications`. */
export const STATUS_NOTIFICATION = 'goleash/status';

/** A connection over an explicit transport (the `goleash lsp` command's flags). */
export function connectionFor(transport: 'stdio' | 'node-ipc'): Connection {
  if (transport === 'node-ipc') return createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  return createConnection(ProposedFeatures.all, new ResyncingReader(process.stdin), new StreamMessageWriter(process.stdout));
}

/**
 * After a header it cannot use (no Content-Length, or not a number) vscode-jsonrpc's reader stops
 * until more bytes arrive, so messages already buffered behind the bad header — often the
 * client's `initialize` — would wait forever. Reading on at once skips the bad header only.
 */
class ResyncingReader extends StreamMessageReader {
  constructor(readable: NodeJS.ReadableStream) {
    super(readable);
    this.onError(() => setImmediate(() => (this as unknown as { onData(data: Uint8Array): void }).onData(new Uint8Array(0))));
  }
}

interface Session {
  capabilities: ClientCapabilities;
  trees: DocumentTrees;
  packages: PackageCache;
  out: DiagnosticsOut;
  open: OpenFiles;
  workspace: WorkspaceIndex;
  background: BackgroundAnalyser;
  fixAll: { parser: Awaited<ReturnType<typeof createGoParser>>; packages: PackageCache };
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const settings = new SettingsCache(connection);
  const configs = new ProjectConfigs((message) => void connection.window.showWarningMessage(message));
  let session: Session | undefined;

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const capabilities = params.capabilities;
    const parser = await createGoParser();
    const trees = new DocumentTrees(parser);
    const packages = new PackageCache(parser, trees);
    settings.supported = capabilities.workspace?.configuration === true;
    const pull = capabilities.textDocument?.diagnostic !== undefined;
    const out = new DiagnosticsOut(connection, pull ? 'pull' : 'push', capabilities.workspace?.diagnostics?.refreshSupport === true);
    const open = new OpenFiles({ connection, trees, packages, settings, configs, out });
    const wantsStatus = (params.initializationOptions as { statusNotifications?: unknown } | undefined)?.statusNotifications === true;
    const background = new BackgroundAnalyser(parser);
    const workspace = new WorkspaceIndex({
      connection,
      analyse: (unit) => background.analyse(unit),
      settings,
      configs,
      out,
      openText: (uri) => trees.get(uri)?.document.getText(),
      status: (status: IndexStatus) => {
        if (wantsStatus) void connection.sendNotification(STATUS_NOTIFICATION, status);
      },
    });
    workspace.setFolders(workspaceFolders(params));
    session = { capabilities, trees, packages, out, open, workspace, background, fixAll: { parser, packages } };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        inlayHintProvider: true,
        ...(pull ? { diagnosticProvider: { identifier: 'goleash', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'goleash', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (!session) return;
    if (session.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true) {
      const watchers = [{ globPattern: '**/*.go' }, ...CONFIG_NAMES.map((name) => ({ globPattern: `**/${name}` }))];
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch((err) => connection.console.warn(`goleash: could not watch files: ${String(err)}`));
    }
    if (session.capabilities.workspace?.workspaceFolders === true) {
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        if (!session) return;
        const paths = (folders: { uri: string }[]) => folders.map((f) => filePath(f.uri)).filter((p): p is string => !!p).map((p) => resolve(p));
        const gone = new Set(paths(removed));
        session.workspace.setFolders([...session.workspace.folderPaths().filter((f) => !gone.has(f)), ...paths(added)]);
        void session.workspace.restart();
      });
    }
    void session.workspace.restart();
  });

  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    if (!session) return;
    if (typeof d?.uri !== 'string' || typeof d.text !== 'string') {
      connection.console.warn('goleash: ignoring a didOpen without a uri and text');
      return;
    }
    if (!checkSource(Buffer.from(d.text.slice(0, 8192)), DEFAULT_MAX_FILE_BYTES).ok || d.text.length > DEFAULT_MAX_FILE_BYTES) {
      connection.console.info(`goleash: not analysing ${d.uri}: binary or over ${DEFAULT_MAX_FILE_BYTES} bytes`);
      return;
    }
    session.trees.open(d.uri, d.languageId, d.version, d.text);
    session.open.schedule(d.uri, 0);
    session.open.scheduleNeighbours(d.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    if (!session) return;
    try {
      if (!session.trees.change(textDocument.uri, textDocument.version, contentChanges)) return;
      session.open.schedule(textDocument.uri, DEBOUNCE_MS);
      session.open.scheduleNeighbours(textDocument.uri);
      // Files of the package without a buffer read this unsaved text too.
      const path = filePath(textDocument.uri);
      if (path) session.workspace.refresh([dirname(path)], NEIGHBOUR_DEBOUNCE_MS);
    } catch (err) {
      connection.console.error(`goleash: could not apply a change to ${textDocument.uri}: ${String(err)}`);
    }
  });

  connection.onDidCloseTextDocument(({ textDocument: { uri } }) => {
    if (!session) return;
    session.trees.close(uri);
    session.packages.forget(uri);
    session.open.closed(uri);
    session.open.scheduleNeighbours(uri);
    settings.forget(uri);
    // In the workspace view the file keeps diagnostics, now from disk; otherwise they go.
    const path = filePath(uri);
    if (!path || !session.workspace.fileClosed(path)) session.out.clear(uri);
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    reanalyseEverything(true);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (!session) return;
    const paths = (changes ?? []).map((c) => filePath(c?.uri ?? '')).filter((p): p is string => !!p);
    if (paths.some((p) => (CONFIG_NAMES as readonly string[]).includes(basename(p)))) {
      configs.reset();
      reanalyseEverything();
      return;
    }
    const dirs = new Set(paths.filter((p) => p.endsWith('.go')).map((p) => dirname(p)));
    session.workspace.refresh(dirs);
    // Open files read their siblings from disk: a sibling saved or changed by another program counts.
    for (const uri of session.open.uris()) {
      const path = filePath(uri);
      if (path && dirs.has(dirname(path))) session.open.schedule(uri, NEIGHBOUR_DEBOUNCE_MS);
    }
  });

  /** Settings (`onlyIfChanged`: maybe) or a goleash.json changed. */
  function reanalyseEverything(onlyIfChanged = false): void {
    if (!session) return;
    session.open.scheduleAll();
    void session.workspace.restart(onlyIfChanged);
    if (session.capabilities.workspace?.inlayHint?.refreshSupport === true) connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  connection.languages.diagnostics.on(async (params, token) => {
    if (!session) return { kind: 'full', items: [] };
    const uri = params.textDocument.uri;
    const done = session.out.pullStarted(uri);
    try {
      await session.open.settled(uri, token);
    } finally {
      done();
    }
    return session.out.documentReport(uri, params.previousResultId);
  });

  connection.languages.diagnostics.onWorkspace(async (params, token) => {
    if (!session) return { items: [] };
    return session.out.workspaceReport(params.previousResultIds ?? [], token);
  });

  connection.onCodeAction(async (params, token): Promise<CodeAction[]> => {
    const uri = params.textDocument?.uri;
    const analysed = session && typeof uri === 'string' ? await session.open.settled(uri, token) : undefined;
    if (!session || !analysed) return [];
    const versioned = session.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const actions = quickFixes(analysed, params, versioned);
    const doc = session.trees.get(uri);
    if (doc && doc.document.version === analysed.version) {
      const fixAll = fixAllAction(session.fixAll, analysed, doc.document.getText(), params.context?.only, versioned);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  });

  connection.onHover(async (params, token) => {
    const analysed = session ? await session.open.settled(params.textDocument.uri, token) : undefined;
    if (!session || !analysed || !params.position) return null;
    const formats = session.capabilities.textDocument?.hover?.contentFormat;
    return hoverAt(analysed.findings, params.position, !formats || formats.includes(MarkupKind.Markdown));
  });

  connection.languages.inlayHint.on(async (params, token) => {
    const analysed = session ? await session.open.settled(params.textDocument.uri, token) : undefined;
    if (!analysed?.editor.movedToHeapHints || !params.range) return [];
    return movedToHeapHints(analysed.findings, params.range);
  });

  connection.onShutdown(async () => {
    session?.open.dispose();
    session?.workspace.dispose();
    await session?.background.close();
    session?.out.dispose();
    session?.trees.closeAll();
    session?.packages.dispose();
  });

  connection.listen();
  return connection;
}

/** The folders to index: `workspaceFolders`, else the root. */
function workspaceFolders(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const paths = uris.map((u) => filePath(u)).filter((p): p is string => !!p);
  if (paths.length === 0 && typeof params.rootPath === 'string' && params.rootPath) paths.push(params.rootPath);
  return paths;
}
