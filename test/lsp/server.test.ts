// End to end over stdio: the built server, a real JSON-RPC client, the whole edit loop.
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, InitializeResult, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startClient, type TestClient } from './client';

const URI = 'file:///work/example/watcher.go';
const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
const LEAKY = `package watcher

import "context"

type Watcher struct {
	events chan string
}

func (w *Watcher) loop(ctx context.Context) {
	for {
		select {
		case ev := <-w.events:
			println(ev)
		}
	}
}

func (w *Watcher) Start(ctx context.Context) { go w.loop(ctx) }
`;

let client: TestClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function initialize(c: TestClient, capabilities: object = {}): Promise<InitializeResult> {
  const result = await c.connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities });
  await c.connection.sendNotification('initialized', {});
  return result;
}

function open(c: TestClient, text: string, uri = URI, version = 1) {
  return c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
}

describe.skipIf(!existsSync(CLI))('language server over stdio', () => {
  it('diagnoses, offers the quick fix, and clears the diagnostic once the fix is applied', async () => {
    client = startClient();
    const init = await initialize(client, { workspace: { workspaceEdit: { documentChanges: true } } });
    expect(init.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(init.serverInfo?.name).toBe('goleash');

    const first = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    const { diagnostics, version } = await first;
    expect(version).toBe(1);
    expect(diagnostics).toHaveLength(1);
    const d: Diagnostic = diagnostics[0];
    expect(d).toMatchObject({
      source: 'goleash',
      code: 'for-select-no-done',
      severity: 2,
      range: { start: { line: 9, character: 1 }, end: { line: 9, character: 4 } },
    });
    expect(d.message).toMatch(/goroutine loop in \(\*Watcher\)\.loop has no exit/);
    expect(d.codeDescription?.href).toMatch(/#for-select-no-done$/);
    expect(d.relatedInformation?.[0].message).toMatch(/started here/);

    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(preferred).toMatchObject({ kind: 'quickfix', title: 'Return when ctx is done' });
    expect(preferred.diagnostics).toEqual([d]);
    expect(actions.map((a) => a.title)).toContain('Ignore for-select-no-done for this line');

    // Apply the edit the way an editor does: to its own copy, then tell the server with didChange.
    const docEdit = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    expect(docEdit.textDocument).toEqual({ uri: URI, version: 1 });
    const fixed = TextDocument.applyEdits(TextDocument.create(URI, 'go', 1, LEAKY), docEdit.edits);
    expect(fixed).toContain('\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase ev := <-w.events:');
    const cleared = client.nextDiagnostics(URI, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: docEdit.edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    expect((await cleared).diagnostics).toEqual([]);
  });

  it('re-analyses incrementally as the user types and keeps up with a burst of edits', async () => {
    client = startClient();
    await initialize(client);
    const clean = LEAKY.replace('\t\tselect {\n', '\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n');
    let doc = TextDocument.create(URI, 'go', 1, clean);
    const first = client.nextDiagnostics(URI);
    await open(client, clean);
    expect((await first).diagnostics).toEqual([]);
    // Delete "return" one character at a time: only the final text matters.
    const at = doc.getText().indexOf('return');
    const final = client.nextDiagnostics(URI, (p) => p.version === 7);
    for (let v = 2; v <= 7; v++) {
      const start = doc.positionAt(at);
      const change = { range: { start, end: doc.positionAt(at + 1) }, text: '' };
      doc = TextDocument.update(doc, [change], v);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: v }, contentChanges: [change] });
    }
    expect(doc.getText()).not.toContain('return');
    const diags = (await final).diagnostics;
    expect(diags.map((x) => x.code)).toEqual(['for-select-no-done']);
  });

  it('reads rule settings through workspace/configuration', async () => {
    client = startClient();
    client.connection.onRequest('workspace/configuration', () => [{ enable: true, rules: { 'for-select-no-done': 'error' } }]);
    await initialize(client, { workspace: { configuration: true } });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect((await got).diagnostics[0].severity).toBe(1);
  });

  it('publishes nothing for a disabled rule, and clears diagnostics when a document closes', async () => {
    client = startClient();
    client.connection.onRequest('workspace/configuration', () => [{ rules: { 'for-select-no-done': 'off' } }]);
    await initialize(client, { workspace: { configuration: true } });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect((await got).diagnostics).toEqual([]);
    const closed = client.nextDiagnostics(URI);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: URI } });
    expect((await closed).diagnostics).toEqual([]);
  });

  it('survives a client that never answers workspace/configuration', async () => {
    client = startClient();
    client.connection.onRequest('workspace/configuration', () => new Promise(() => {}));
    await initialize(client, { workspace: { configuration: true } });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect((await got).diagnostics.map((x) => x.code)).toEqual(['for-select-no-done']);
  });

  it('honours the ignore comment', async () => {
    client = startClient();
    await initialize(client);
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY.replace('\tfor {\n', '\tfor { //goleash:ignore for-select-no-done owned by the process\n'));
    expect((await got).diagnostics).toEqual([]);
  });

  it('answers requests for documents it never saw, and stays up', async () => {
    client = startClient();
    await initialize(client);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere.go' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    expect(actions).toEqual([]);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///nowhere.go', version: 3 },
      contentChanges: [{ range: { start: { line: 99, character: 0 }, end: { line: 99, character: 5 } }, text: 'x' }],
    });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect((await got).diagnostics).toHaveLength(1);
  });
});

describe.skipIf(!existsSync(CLI))('the package around an open file', () => {
  it('sees goroutine starts and closes in other files of the directory, on disk and in open buffers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goleash-pkg-'));
    const fixtures = join(__dirname, '..', 'fixtures', 'for-select-no-done', 'crossfile');
    for (const f of ['start.go', 'stop.go']) copyFileSync(join(fixtures, f), join(dir, f));
    const watcher = readFileSync(join(fixtures, 'watcher.go'), 'utf8');
    const uri = pathToFileURL(join(dir, 'watcher.go')).href;
    try {
      client = startClient();
      await initialize(client);
      const first = client.nextDiagnostics(uri);
      await open(client, watcher, uri);
      const [d] = (await first).diagnostics;
      expect(d.message).toMatch(/^goroutine loop in \(\*Watcher\)\.loop has no exit/);
      const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      expect(actions.find((a) => a.isPreferred)?.title).toBe('Return when w.quit is closed');

      // An unsaved edit to start.go that no longer starts the goroutine changes the message in watcher.go.
      const startUri = pathToFileURL(join(dir, 'start.go')).href;
      const after = client.nextDiagnostics(uri, (p) => p.diagnostics[0]?.message.startsWith('loop in'));
      await open(client, readFileSync(join(dir, 'start.go'), 'utf8').replace('go w.loop()', 'w.loop()'), startUri);
      expect((await after).diagnostics[0].message).toMatch(/^loop in \(\*Watcher\)\.loop has no exit/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(CLI))('language server robustness', () => {
  it('skips a message that is not JSON and answers the next one', async () => {
    client = startClient();
    client.process.stdin!.write('Content-Length: 10\r\n\r\n{not json}');
    const init = await initialize(client);
    expect(init.serverInfo?.name).toBe('goleash');
  });

  it('answers unknown methods with MethodNotFound and malformed params without dying', async () => {
    client = startClient();
    await initialize(client);
    await expect(client.connection.sendRequest('goleash/nope', {})).rejects.toMatchObject({ code: -32601 });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'go', version: 1, text: null } });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    const [d] = (await got).diagnostics;
    // Neovim 0.7 echoes diagnostics back without their ranges: the request's range still finds the fix.
    const { range: _dropped, ...rangeless } = d;
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: d.range,
      context: { diagnostics: [rangeless] },
    });
    expect(actions.find((a) => a.isPreferred)?.title).toBe('Return when ctx is done');
    expect(client.process.exitCode).toBeNull();
  });
});

describe.skipIf(!existsSync(SERVER))('dist/server.js over Node IPC (how VS Code starts it)', () => {
  it('initializes and publishes the diagnostic', async () => {
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const published = new Promise<PublishDiagnosticsParams>((resolve) => connection.onNotification('textDocument/publishDiagnostics', resolve));
    connection.listen();
    try {
      await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'go', version: 1, text: LEAKY } });
      expect((await published).diagnostics.map((d) => d.code)).toEqual(['for-select-no-done']);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
