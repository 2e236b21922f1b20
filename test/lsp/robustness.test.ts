// The server must not be knocked over: broken framing, unknown methods, edits that do not fit the
// document, a flood of changes, a rule that throws, huge and generated files. Each test drives the
// built server over stdio and then checks it still answers with the right diagnostics.
import { existsSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startClient, type TestClient } from './client';

const URI = 'file:///work/robust/watcher.go';
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
const FIXED = LEAKY.replace('\t\tselect {\n', '\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n');

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

const open = (c: TestClient, text: string, uri = URI, version = 1) =>
  c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });

const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);

describe.skipIf(!existsSync(CLI))('language server survival', () => {
  it('recovers from a short body, a Content-Length that is not a number and a header without one', async () => {
    client = startClient();
    // A header with a short body: the reader takes the next message's bytes as the rest of it.
    client.process.stdin!.write('Content-Length: 5\r\n\r\n{"a":');
    client.process.stdin!.write('Content-Length: 3\r\n\r\n1}\n');
    client.process.stdin!.write('Content-Length: nope\r\n\r\n');
    client.process.stdin!.write('X-Header: no length at all\r\n\r\n');
    // These arrive with the initialize request in one chunk: it must be read at once, not stall.
    const init = await initialize(client);
    expect(init.serverInfo?.name).toBe('goleash');
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect(codes(await got)).toEqual(['for-select-no-done']);
  });

  it('ignores unknown notifications and answers unknown requests with -32601', async () => {
    client = startClient();
    await initialize(client);
    await client.connection.sendNotification('goleash/unheardOf', { x: 1 });
    await client.connection.sendNotification('$/somethingElse', {});
    await expect(client.connection.sendRequest('goleash/unheardOf', {})).rejects.toMatchObject({ code: -32601 });
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///never/opened.go' }, position: { line: 3, character: 4 } });
    expect(hover).toBeNull();
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect(codes(await got)).toEqual(['for-select-no-done']);
    expect(client.process.exitCode).toBeNull();
  });

  it('clamps out-of-range edits to an open document and analyses the text that results', async () => {
    client = startClient();
    await initialize(client);
    const first = client.nextDiagnostics(URI);
    await open(client, FIXED);
    expect(codes(await first)).toEqual([]);
    // Past the end of the document and of a line: clamped, as the protocol's TextDocument does.
    const changes = [
      { range: { start: { line: 500, character: 0 }, end: { line: 900, character: 3 } }, text: '\n// tail\n' },
      { range: { start: { line: 2, character: 400 }, end: { line: 2, character: 999 } }, text: ' // ctx' },
    ];
    const expected = TextDocument.update(TextDocument.create(URI, 'go', 1, FIXED), changes, 2).getText();
    const got = client.nextDiagnostics(URI, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: changes });
    expect(codes(await got)).toEqual([]);
    // The server's text is the clamped one: a fix computed on it lands where the client expects.
    const leak = client.nextDiagnostics(URI, (p) => p.version === 3);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: expected.replace('\t\tcase <-ctx.Done():\n\t\t\treturn\n', '') }] });
    expect(codes(await leak)).toEqual(['for-select-no-done']);
  });

  it('keeps up with 1,000 changes in under a second and ends with the final text’s diagnostics', async () => {
    client = startClient();
    await initialize(client);
    const first = client.nextDiagnostics(URI);
    await open(client, FIXED);
    expect(codes(await first)).toEqual([]);
    let doc = TextDocument.create(URI, 'go', 1, FIXED);
    const started = Date.now();
    // Type and delete a comment 999 times, then remove the `return` that keeps the loop honest.
    for (let v = 2; v <= 1000; v++) {
      const end = doc.positionAt(doc.getText().length);
      const change = v % 2 === 0 ? { range: { start: end, end }, text: '/' } : { range: { start: doc.positionAt(doc.getText().length - 1), end }, text: '' };
      doc = TextDocument.update(doc, [change], v);
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: v }, contentChanges: [change] });
    }
    const at = doc.getText().indexOf('\t\t\treturn\n');
    const last = { range: { start: doc.positionAt(at), end: doc.positionAt(at + '\t\t\treturn\n'.length) }, text: '' };
    doc = TextDocument.update(doc, [last], 1001);
    const final = client.nextDiagnostics(URI, (p) => p.version === 1001, 20_000);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 1001 }, contentChanges: [last] });
    expect(Date.now() - started).toBeLessThan(1000);
    const diags = await final;
    expect(codes(diags)).toEqual(['for-select-no-done']);
    // The finding sits where the final text has the loop.
    expect(diags.diagnostics[0].range.start.line).toBe(doc.getText().split('\n').findIndex((l) => l === '\tfor {'));
  });

  it('logs a failing rule once, with the rule and the file, and still publishes the other rules’ findings', async () => {
    process.env.GOLEASH_TEST_RULE_FAULT = 'heap-escape';
    try {
      client = startClient();
    } finally {
      delete process.env.GOLEASH_TEST_RULE_FAULT;
    }
    await initialize(client);
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect(codes(await got)).toEqual(['for-select-no-done']);
    const again = client.nextDiagnostics(URI, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: LEAKY + '\n' }] });
    expect(codes(await again)).toEqual(['for-select-no-done']);
    const logged = client.notifications.filter((n) => n.method === 'window/logMessage' && /rule heap-escape failed on/.test(n.params.message));
    expect(logged).toHaveLength(1);
    expect(logged[0].params.message).toContain(URI);
    expect(logged[0].params.message).toContain('injected fault');
  });

  it('skips generated files and files over goleash.maxFileSize with one note each', async () => {
    client = startClient();
    client.connection.onRequest('workspace/configuration', () => [{ maxFileSize: 0.01 }]); // 10 KB
    await initialize(client, { workspace: { configuration: true } });
    const generated = 'file:///work/robust/gen.go';
    const big = 'file:///work/robust/big.go';
    const gotGenerated = client.nextDiagnostics(generated);
    await open(client, `// Code generated by hand. DO NOT EDIT.\n\n${LEAKY}`, generated);
    expect((await gotGenerated).diagnostics).toEqual([]);
    const bigText = LEAKY + '\n// padding\n'.repeat(1000);
    const gotBig = client.nextDiagnostics(big);
    await open(client, bigText, big);
    expect((await gotBig).diagnostics).toEqual([]);
    const again = client.nextDiagnostics(big, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: big, version: 2 }, contentChanges: [{ text: bigText + '\n' }] });
    expect((await again).diagnostics).toEqual([]);
    const notes = client.notifications.filter((n) => n.method === 'window/logMessage' && /not analysing/.test(n.params.message)).map((n) => n.params.message);
    expect(notes).toEqual([`goleash: not analysing ${generated}: generated file (// Code generated … DO NOT EDIT.)`, `goleash: not analysing ${big}: larger than goleash.maxFileSize (10486 bytes)`]);
    // An ordinary file of the same size limit is analysed.
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect(codes(await got)).toEqual(['for-select-no-done']);
  });
});
