// The language server: keeps one tree per open Go document, re-analyses it shortly after each
// change (a newer change cancels the pending run), publishes diagnostics, and answers code
// actions from the fixes computed with them — a lookup, not a second analysis.
import {
  CodeActionKind,
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  ProposedFeatures,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { analyzeFile } from '../core/analyze';
import { checkSource, DEFAULT_MAX_FILE_BYTES } from '../core/analyzer';
import { createGoParser } from '../parse/grammar';
import { DocumentTrees, type ParsedDocument } from '../parse/documents';
import type { Settings } from '../core/settings';
import type { Finding } from '../rules/types';
import { VERSION } from '../version';
import { sameFinding, toCodeActions, toDiagnostic } from './convert';
import { PackageCache } from './packages';
import { SettingsCache } from './settings';

/** Wait this long after a keystroke before analysing: a burst of typing costs one run. */
export const DEBOUNCE_MS = 40;
/** Other open files of the package are re-analysed once typing pauses for this long. */
export const NEIGHBOUR_DEBOUNCE_MS = 400;

interface Analysed {
  version: number;
  findings: Finding[];
}

/** A connection over an explicit transport (the `goleash lsp` command's flags). */
export function connectionFor(transport: 'stdio' | 'node-ipc'): Connection {
  if (transport === 'node-ipc') return createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  return createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const settings = new SettingsCache(connection);
  const results = new Map<string, Analysed>();
  const timers = new Map<string, NodeJS.Timeout>();
  const reportedFailures = new Set<string>();
  let trees: DocumentTrees | undefined;
  let packages: PackageCache | undefined;
  let versionedEdits = false;

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const parser = await createGoParser();
    trees = new DocumentTrees(parser);
    packages = new PackageCache(parser, trees);
    settings.supported = params.capabilities.workspace?.configuration === true;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'goleash', version: VERSION },
    };
  });

  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    if (!trees) return;
    if (typeof d?.uri !== 'string' || typeof d.text !== 'string') {
      connection.console.warn('goleash: ignoring a didOpen without a uri and text');
      return;
    }
    if (!checkSource(Buffer.from(d.text.slice(0, 8192)), DEFAULT_MAX_FILE_BYTES).ok || d.text.length > DEFAULT_MAX_FILE_BYTES) {
      connection.console.info(`goleash: not analysing ${d.uri}: binary or over ${DEFAULT_MAX_FILE_BYTES} bytes`);
      return;
    }
    trees.open(d.uri, d.languageId, d.version, d.text);
    schedule(d.uri, 0);
    scheduleNeighbours(d.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    try {
      if (!trees?.change(textDocument.uri, textDocument.version, contentChanges)) return;
      schedule(textDocument.uri, DEBOUNCE_MS);
      scheduleNeighbours(textDocument.uri);
    } catch (err) {
      connection.console.error(`goleash: could not apply a change to ${textDocument.uri}: ${String(err)}`);
    }
  });

  connection.onDidCloseTextDocument(({ textDocument: { uri } }) => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    trees?.close(uri);
    packages?.forget(uri);
    results.delete(uri);
    scheduleNeighbours(uri);
    settings.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    for (const uri of results.keys()) schedule(uri, 0);
  });

  connection.onCodeAction((params) => codeActions(params));

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    trees?.closeAll();
    packages?.dispose();
  });

  /** What one file closes or starts can change findings in the rest of its package. */
  function scheduleNeighbours(uri: string): void {
    for (const other of packages?.neighbours(uri) ?? []) schedule(other, NEIGHBOUR_DEBOUNCE_MS);
  }

  function schedule(uri: string, delay: number): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        analyse(uri).catch((err) => connection.console.error(`goleash: analysis of ${uri} failed: ${String(err)}`));
      }, delay),
    );
  }

  async function analyse(uri: string): Promise<void> {
    const before = trees?.get(uri);
    if (!before) return;
    const editor = await settings.get(uri);
    const doc = trees?.get(uri);
    // A newer change arrived while settings were read: its own run is already scheduled.
    if (!doc || doc.document.version !== before.document.version || timers.has(uri)) return;
    const findings = editor.enable ? run(doc, editor.analysis) : [];
    results.set(uri, { version: doc.document.version, findings });
    void connection.sendDiagnostics({ uri, version: doc.document.version, diagnostics: findings.map((f) => toDiagnostic(uri, f)) });
  }

  function run(doc: ParsedDocument, analysis: Settings): Finding[] {
    const { file, pkg } = packages!.packageOf(doc);
    const { findings, failures } = analyzeFile(file, pkg, { settings: analysis });
    for (const f of failures) {
      const key = `${f.rule}\u0000${doc.uri}`;
      if (reportedFailures.has(key)) continue;
      reportedFailures.add(key);
      connection.console.error(`goleash: rule ${f.rule} failed on ${doc.uri}: ${f.error.stack ?? f.error.message}`);
    }
    return findings;
  }

  function codeActions(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const analysed = results.get(uri);
    if (!analysed) return [];
    const wanted = params.context?.only;
    if (wanted && !wanted.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
    // Clients echo diagnostics back imperfectly (Neovim 0.7 drops their ranges): match what is usable.
    const echoed = (params.context?.diagnostics ?? []).filter((d) => d?.range?.start && d.range.end);
    const actions: CodeAction[] = [];
    for (const finding of analysed.findings) {
      const diagnostic = echoed.find((d) => sameFinding(d, finding)) ?? (overlaps(finding, params) ? toDiagnostic(uri, finding) : undefined);
      if (diagnostic) actions.push(...toCodeActions(uri, analysed.version, finding, diagnostic, versionedEdits));
    }
    return actions;
  }

  connection.listen();
  return connection;
}

function overlaps(finding: Finding, params: CodeActionParams): boolean {
  const a = finding.range;
  const b = params.range;
  if (!b?.start || !b.end) return false;
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
