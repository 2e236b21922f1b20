// The whole-workspace view over stdio: background indexing with work-done progress, diagnostics
// for files that are not open, kept current from workspace/didChangeWatchedFiles, the CLI's
// skipped directories, generated files and goleash.json honoured, and `scope: openFiles`.
import { existsSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkDoneProgress, type CodeAction, type InitializeResult, type ProgressToken, type PublishDiagnosticsParams, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, startClient, type TestClient } from './client';
import { FIXED, LEAKY, makeWorkspace } from './fixtures';

let client: TestClient | undefined;
let ws: ReturnType<typeof makeWorkspace>;

beforeEach(() => {
  ws = makeWorkspace();
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  ws.dispose();
});

const WATCHING = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } };

async function initialize(c: TestClient, capabilities: object, initializationOptions: object = { statusNotifications: true }): Promise<InitializeResult> {
  const result = await c.connection.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(ws.dir).href,
    workspaceFolders: [{ uri: pathToFileURL(ws.dir).href, name: 'ws' }],
    capabilities,
    initializationOptions,
  });
  await c.connection.sendNotification('initialized', {});
  return result;
}

const ready = (c: TestClient) => c.notification('goleash/status', (s) => s.state === 'ready');
const published = (c: TestClient) => c.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').map((n) => n.params as PublishDiagnosticsParams);

describe.skipIf(!existsSync(CLI))('the workspace view', () => {
  it('indexes the workspace under work-done progress and reports on files that are not open', async () => {
    client = startClient();
    const created: ProgressToken[] = [];
    const progress: { token: ProgressToken; value: any }[] = [];
    const registrations: any[] = [];
    client.connection.onRequest('window/workDoneProgress/create', (p: { token: ProgressToken }) => {
      created.push(p.token);
      client!.connection.onProgress(WorkDoneProgress.type, p.token, (value) => progress.push({ token: p.token, value }));
    });
    client.connection.onRequest('client/registerCapability', (p: { registrations: unknown[] }) => void registrations.push(...p.registrations));
    const diagnostics = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await initialize(client, { window: { workDoneProgress: true }, ...WATCHING });

    // goleash.json's severity applies to the file read from disk.
    const { diagnostics: found, version } = await diagnostics;
    expect(version).toBeUndefined();
    expect(found.map((d) => [d.code, d.severity])).toEqual([['for-select-no-done', 1]]);
    expect(found[0].data).toMatchObject({ rule: 'for-select-no-done', key: expect.any(String) });
    // a/ and excluded/ (whose files are read but not reported on).
    expect(await ready(client)).toMatchObject({ packages: 2 });

    // Progress: created, then begin … report … end on that token.
    expect(created).toHaveLength(1);
    expect(progress.every((p) => p.token === created[0])).toBe(true);
    expect(progress.map((p) => p.value)).toEqual([
      { kind: 'begin', title: 'goleash', percentage: 0, message: 'indexing 2 packages', cancellable: false },
      { kind: 'report', percentage: 50, message: '1/2 packages' },
      { kind: 'report', percentage: 100, message: '2/2 packages' },
      { kind: 'end' },
    ]);

    // Only a/watcher.go has something to say: vendor, testdata, dot and underscore directories,
    // node_modules, the excluded directory and the generated file are left out.
    expect(published(client).filter((p) => p.diagnostics.length > 0).map((p) => p.uri)).toEqual([ws.uri('a/watcher.go')]);

    // A watcher for Go files (and goleash.json) was registered.
    expect(registrations.map((r) => r.method)).toEqual(['workspace/didChangeWatchedFiles']);
    expect(registrations[0].registerOptions.watchers.map((w: { globPattern: string }) => w.globPattern)).toEqual(['**/*.go', '**/goleash.json', '**/.goleash.json']);
  });

  it('keeps the diagnostics of unopened files current from didChangeWatchedFiles', async () => {
    client = startClient();
    const first = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await initialize(client, WATCHING);
    expect((await first).diagnostics).toHaveLength(1);

    // Fixed on disk by another program.
    ws.write('a/watcher.go', FIXED);
    const cleared = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('a/watcher.go'), type: 2 }] });
    expect((await cleared).diagnostics).toEqual([]);

    // A new leaky file in a new package, then deleted.
    ws.write('b/leak.go', LEAKY.replace('package a', 'package b'));
    const created = client.nextDiagnostics(ws.uri('b/leak.go'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('b/leak.go'), type: 1 }] });
    expect((await created).diagnostics.map((d) => d.code)).toEqual(['for-select-no-done']);
    unlinkSync(join(ws.dir, 'b/leak.go'));
    const deleted = client.nextDiagnostics(ws.uri('b/leak.go'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('b/leak.go'), type: 3 }] });
    expect((await deleted).diagnostics).toEqual([]);

    // goleash.json changed: everything is analysed again with the new severity.
    ws.write('goleash.json', JSON.stringify({ rules: { 'for-select-no-done': 'information' } }));
    ws.write('a/watcher.go', LEAKY);
    const reconfigured = client.nextDiagnostics(ws.uri('a/watcher.go'), (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('goleash.json'), type: 2 }] });
    expect((await reconfigured).diagnostics.map((d) => d.severity)).toEqual([3]);
    // The excluded directory is reported on now that goleash.json no longer excludes it.
    expect((await client.nextDiagnostics(ws.uri('excluded/leak.go'), (p) => p.diagnostics.length > 0)).diagnostics).toHaveLength(1);
  });

  it('hands a file to its buffer while open, and back to the disk when closed', async () => {
    client = startClient();
    const indexed = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await initialize(client, WATCHING);
    await indexed;
    const uri = ws.uri('a/watcher.go');
    const opened = client.nextDiagnostics(uri, (p) => p.version === 1);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAKY } });
    expect((await opened).diagnostics).toHaveLength(1);
    // Fixed in the buffer, not saved: the buffer speaks for the file.
    const edited = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: FIXED }] });
    expect((await edited).diagnostics).toEqual([]);
    // Closed without saving: the leak on disk is reported again.
    const closed = client.nextDiagnostics(uri, (p) => p.version === undefined);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect((await closed).diagnostics.map((d) => d.code)).toEqual(['for-select-no-done']);
  });

  it("gives the quick fix for a Problems entry of a file that was not open (the editor opens it to ask)", async () => {
    client = startClient();
    const indexed = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await initialize(client, { workspace: { workspaceEdit: { documentChanges: true } } });
    const [problem] = (await indexed).diagnostics;
    const uri = ws.uri('a/watcher.go');
    // No waiting for the open file's own analysis: the code action request waits for it.
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAKY } });
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: problem.range, context: { diagnostics: [problem], only: ['quickfix'] } });
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(preferred.title).toBe('Return when ctx is done');
    expect(preferred.diagnostics).toEqual([problem]);
    const edit = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    expect(edit.textDocument).toEqual({ uri, version: 1 });
  });

  it('with scope openFiles, indexes nothing and reports only open files', async () => {
    client = startClient();
    client.connection.onRequest('workspace/configuration', () => [{ diagnostics: { scope: 'openFiles' } }]);
    let progressCreated = false;
    client.connection.onRequest('window/workDoneProgress/create', () => void (progressCreated = true));
    await initialize(client, { workspace: { configuration: true }, window: { workDoneProgress: true } });
    expect(await ready(client)).toEqual({ state: 'ready', packages: 0 });
    expect(progressCreated).toBe(false);
    const uri = ws.uri('a/watcher.go');
    const opened = client.nextDiagnostics(uri);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAKY } });
    expect((await opened).diagnostics).toHaveLength(1);
    const closed = client.nextDiagnostics(uri);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect((await closed).diagnostics).toEqual([]);
    expect(published(client).map((p) => p.uri)).toEqual([uri, uri]);
  });

  it('indexes again only when a setting it depends on changes; scope openFiles clears the unopened files', async () => {
    client = startClient();
    let settings: object = { escape: 'hint' };
    client.connection.onRequest('workspace/configuration', () => [settings]);
    const indexed = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await initialize(client, { workspace: { configuration: true } });
    expect((await indexed).diagnostics).toHaveLength(1);
    await ready(client);
    const indexing = () => client!.notifications.filter((n) => n.method === 'goleash/status' && n.params.state === 'indexing' && n.params.done === 0).length;
    expect(indexing()).toBe(1);

    // The same settings again (as when another extension's setting changes): nothing to do.
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(indexing()).toBe(1);

    settings = { diagnostics: { scope: 'openFiles' } };
    const cleared = client.nextDiagnostics(ws.uri('a/watcher.go'));
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    expect((await cleared).diagnostics).toEqual([]);
    expect(indexing()).toBe(1);
  });

  it('follows workspace folders as they are added and removed', async () => {
    const other = makeWorkspace();
    try {
      client = startClient();
      const first = client.nextDiagnostics(ws.uri('a/watcher.go'));
      await initialize(client, { workspace: { workspaceFolders: true } });
      await first;
      const added = client.nextDiagnostics(other.uri('a/watcher.go'), (p) => p.diagnostics.length > 0);
      const removed = client.nextDiagnostics(ws.uri('a/watcher.go'), (p) => p.diagnostics.length === 0);
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
        event: { added: [{ uri: pathToFileURL(other.dir).href, name: 'other' }], removed: [{ uri: pathToFileURL(ws.dir).href, name: 'ws' }] },
      });
      expect((await added).diagnostics.map((d) => d.code)).toEqual(['for-select-no-done']);
      expect((await removed).diagnostics).toEqual([]);
    } finally {
      other.dispose();
    }
  });

  it('answers an open file while indexing: one package per turn of the event loop', async () => {
    for (let i = 0; i < 150; i++) ws.write(`many/p${i}/leak.go`, LEAKY.replace('package a', `package p${i}`));
    client = startClient();
    await initialize(client, {});
    const uri = ws.uri('a/watcher.go');
    const opened = client.nextDiagnostics(uri, (p) => p.version === 1);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAKY } });
    await opened;
    const statusIndex = () => client!.notifications.findIndex((n) => n.method === 'goleash/status' && n.params.state === 'ready');
    const openIndex = client.notifications.findIndex((n) => n.method === 'textDocument/publishDiagnostics' && n.params.version === 1);
    expect(statusIndex()).toBe(-1); // still indexing when the open file's diagnostics came
    expect(await ready(client)).toMatchObject({ packages: 152 });
    expect(openIndex).toBeLessThan(statusIndex());
  });

  it('does not index a home directory', async () => {
    client = startClient();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(homedir()).href, capabilities: {}, initializationOptions: { statusNotifications: true } });
    await client.connection.sendNotification('initialized', {});
    expect(await ready(client)).toEqual({ state: 'ready', packages: 0 });
    expect((await client.notification('window/logMessage', (p) => p.message.includes('too broad'))).message).toContain(`not indexing ${homedir()}`);
  });
});
