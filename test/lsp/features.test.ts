// Editor features over stdio: pull or push diagnostics by capability, hover, source.fixAll.goleash,
// diagnostic data that finds a fix after edits, and the moved-to-heap inlay hints.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  Diagnostic,
  DocumentDiagnosticReport,
  FullDocumentDiagnosticReport,
  Hover,
  InitializeResult,
  InlayHint,
  MarkupContent,
  TextDocumentEdit,
  WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { afterEach, describe, expect, it } from 'vitest';
import { findRule, RULES, ruleUrl } from '../../server/src/rules';
import { CLI, startClient, type TestClient } from './client';
import { FIXED, LEAKY } from './fixtures';

const URI = 'file:///work/example/a/watcher.go';

let client: TestClient | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await client?.close();
  client = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function initialize(c: TestClient, capabilities: object, rootDir?: string): Promise<InitializeResult> {
  const rootUri = rootDir ? pathToFileURL(rootDir).href : null;
  const result = await c.connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri, capabilities, initializationOptions: { statusNotifications: true } });
  await c.connection.sendNotification('initialized', {});
  return result;
}

function open(c: TestClient, text: string, uri = URI, version = 1) {
  return c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
}

function pullDocument(c: TestClient, uri: string, previousResultId?: string) {
  return c.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) });
}

/** A workspace directory with one leaky file (a/watcher.go). */
function workspaceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'goleash-features-'));
  dirs.push(dir);
  return dir;
}

const PULL = { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } };

describe.skipIf(!existsSync(CLI))('pull or push, by capability', () => {
  it('a client without textDocument.diagnostic gets publishDiagnostics and no diagnostic provider', async () => {
    client = startClient();
    const init = await initialize(client, {});
    expect(init.capabilities.diagnosticProvider).toBeUndefined();
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    expect((await got).diagnostics.map((d) => d.code)).toEqual(['for-select-no-done']);
  });

  it('a pulling client gets documents and the workspace by pull, and nothing pushed', async () => {
    const dir = workspaceDir();
    writeFileSync(join(dir, 'watcher.go'), LEAKY);
    writeFileSync(join(dir, 'open.go'), LEAKY.replace(/Watcher/g, 'Opened'));
    const closedUri = pathToFileURL(join(dir, 'watcher.go')).href;
    const openUri = pathToFileURL(join(dir, 'open.go')).href;
    client = startClient();
    const init = await initialize(client, { ...PULL, workspace: { ...PULL.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } }, dir);
    expect(init.capabilities.diagnosticProvider).toEqual({ identifier: 'goleash', interFileDependencies: true, workspaceDiagnostics: true });

    // A document pull right after the open waits for its analysis.
    await open(client, readFileSync(join(dir, 'open.go'), 'utf8'), openUri);
    const report = (await pullDocument(client, openUri)) as FullDocumentDiagnosticReport;
    expect(report.kind).toBe('full');
    expect(report.items.map((d) => d.code)).toEqual(['for-select-no-done']);
    expect(await pullDocument(client, openUri, report.resultId)).toEqual({ kind: 'unchanged', resultId: report.resultId });

    // The workspace pull reports the file that is not open (and not the open one).
    const workspace = await client.connection.sendRequest<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
    expect(workspace.items.map((i) => i.uri)).toEqual([closedUri]);
    const [item] = workspace.items as (FullDocumentDiagnosticReport & { uri: string })[];
    expect(item.items.map((d) => d.code)).toEqual(['for-select-no-done']);

    // A repeated workspace pull waits until something changes: here, the file fixed on disk.
    const next = client.connection.sendRequest<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [{ uri: closedUri, value: item.resultId }] });
    writeFileSync(join(dir, 'watcher.go'), FIXED);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: closedUri, type: 2 }] });
    const changed = await next;
    expect(changed.items).toHaveLength(1);
    expect(changed.items[0]).toMatchObject({ uri: closedUri, kind: 'full', items: [] });

    // An edit to the open file is pulled, not pushed.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: openUri, version: 2 }, contentChanges: [{ text: FIXED.replace(/Watcher/g, 'Opened') }] });
    expect(((await pullDocument(client, openUri, report.resultId)) as FullDocumentDiagnosticReport).items).toEqual([]);
    expect(client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics')).toEqual([]);
  });

  it('asks a pulling client to pull again when an edit elsewhere changes an open file', async () => {
    const dir = workspaceDir();
    const watcherUri = pathToFileURL(join(dir, 'watcher.go')).href;
    const startUri = pathToFileURL(join(dir, 'start.go')).href;
    const watcher = LEAKY.replace(/\nfunc \(w \*Watcher\) Start.*\n/, '\n');
    writeFileSync(join(dir, 'watcher.go'), watcher);
    writeFileSync(join(dir, 'start.go'), 'package a\n\nimport "context"\n\nfunc (w *Watcher) Start(ctx context.Context) { go w.loop(ctx) }\n');
    client = startClient();
    let refreshes = 0;
    client.connection.onRequest('workspace/diagnostic/refresh', () => void refreshes++);
    await initialize(client, PULL);
    await open(client, watcher, watcherUri);
    await open(client, readFileSync(join(dir, 'start.go'), 'utf8'), startUri, 1);
    const before = (await pullDocument(client, watcherUri)) as FullDocumentDiagnosticReport;
    expect(before.items[0].message).toMatch(/^goroutine loop/);
    // start.go no longer starts the goroutine: watcher.go's message changes without watcher.go being edited.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: startUri, version: 2 }, contentChanges: [{ text: 'package a\n' }] });
    await expect.poll(() => refreshes, { timeout: 5000 }).toBeGreaterThan(0);
    const after = (await pullDocument(client, watcherUri, before.resultId)) as FullDocumentDiagnosticReport;
    expect(after.items[0].message).toMatch(/^loop in/);
  });
});

describe.skipIf(!existsSync(CLI))('hover', () => {
  it('explains the finding with the rule docs, a bad/good example and the README link', async () => {
    client = startClient();
    await initialize(client, {});
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    const [d] = (await got).diagnostics;
    const rule = findRule('for-select-no-done')!;
    const hover = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: d.range.start });
    const { kind, value } = hover.contents as MarkupContent;
    expect(kind).toBe('markdown');
    expect(hover.range).toEqual(d.range);
    expect(value).toContain(`[documentation](${ruleUrl(rule.id)})`);
    expect(value).toContain('goroutine loop in (\\*Watcher).loop has no exit'); // the message, markdown-escaped
    expect(value).toContain(rule.docs);
    expect(value).toContain('Bad:\n```go\n' + rule.example!.bad + '\n```');
    expect(value).toContain('Good:\n```go\n' + rule.example!.good + '\n```');
    // Nothing to say away from findings.
    expect(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 2 } })).toBeNull();
  });

  it('speaks plain text to a client that reads only plain text', async () => {
    client = startClient();
    await initialize(client, { textDocument: { hover: { contentFormat: ['plaintext'] } } });
    const got = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    const [d] = (await got).diagnostics;
    const hover = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: d.range.end });
    const { kind, value } = hover.contents as MarkupContent;
    expect(kind).toBe('plaintext');
    expect(value).not.toContain('```');
    expect(value).toContain('goroutine loop in (*Watcher).loop has no exit');
  });

  it('links every rule to a README section that exists', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const id of [...RULES.map((r) => r.id), 'unused-ignore']) {
      expect(ruleUrl(id)).toMatch(new RegExp(`README\\.md#${id}$`));
      // GitHub's anchor for a heading is its text, lower-cased, with spaces as dashes.
      expect(readme, id).toMatch(new RegExp(`^### ${id}$`, 'm'));
    }
  });
});

const FIXABLE = `package fixes

import "context"

type Page struct{}
type result struct {
	page *Page
	err  error
}

func get(string) (*Page, error) { return nil, nil }

func Fetch(ctx context.Context, url string) (*Page, error) {
	ch := make(chan result)
	go func() {
		p, err := get(url)
		ch <- result{p, err}
	}()
	select {
	case r := <-ch:
		return r.page, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func Loop(ctx context.Context, events chan string) {
	go func() {
		for {
			select {
			case ev := <-events:
				println(ev)
			}
		}
	}()
}

func Produce(n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			out <- i
		}
	}()
	return out
}
`;

async function preferredActions(c: TestClient, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const got = await c.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
    actions.push(...got.filter((a) => a.isPreferred));
  }
  return actions;
}

describe.skipIf(!existsSync(CLI))('source.fixAll.goleash', () => {
  it('applies every safe fix of the file at once; what is left has no safe fix', async () => {
    client = startClient();
    const init = await initialize(client, { workspace: { workspaceEdit: { documentChanges: true } } });
    expect((init.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds).toEqual(['quickfix', 'source.fixAll.goleash']);
    const first = client.nextDiagnostics(URI);
    await open(client, FIXABLE);
    const before = (await first).diagnostics;
    const fixable = await preferredActions(client, URI, before);
    expect(fixable.map((a) => a.title).sort()).toEqual(['Close out when the sending goroutine returns', 'Make ch buffered (capacity 1) so the send cannot block', 'Return when ctx is done']);

    // Not offered unless source actions are asked for (a lightbulb request).
    const unasked = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: URI }, range: before[0].range, context: { diagnostics: [] } });
    expect(unasked.filter((a) => a.kind === 'source.fixAll.goleash')).toEqual([]);

    // As on save with "source.fixAll" in editor.codeActionsOnSave.
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    expect(actions.map((a) => [a.kind, a.title])).toEqual([['source.fixAll.goleash', 'Fix all goleash problems (3)']]);
    const edit = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    expect(edit.textDocument).toEqual({ uri: URI, version: 1 });
    const fixed = TextDocument.applyEdits(TextDocument.create(URI, 'go', 1, FIXABLE), edit.edits);
    expect(fixed).toContain('ch := make(chan result, 1)');
    expect(fixed).toContain('case <-ctx.Done():\n\t\t\t\treturn');
    expect(fixed).toContain('defer close(out)');

    // The server re-analyses the fixed text: no safe fix is left, and fix all has nothing to do.
    const after = client.nextDiagnostics(URI, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    const remaining = (await after).diagnostics;
    expect(remaining.length).toBeLessThan(before.length);
    expect(await preferredActions(client, URI, remaining)).toEqual([]);
    const again = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: URI }, range: remaining[0]?.range ?? before[0].range, context: { diagnostics: [], only: ['source.fixAll.goleash'] } });
    expect(again).toEqual([]);
  });
});

describe.skipIf(!existsSync(CLI))('diagnostic data', () => {
  it('finds the fix for a diagnostic from an older version of the text, by its data', async () => {
    client = startClient();
    await initialize(client, { workspace: { workspaceEdit: { documentChanges: true } } });
    const first = client.nextDiagnostics(URI);
    await open(client, LEAKY);
    const [old] = (await first).diagnostics;
    expect(old.data).toEqual({ rule: 'for-select-no-done', key: expect.stringMatching(/^[0-9a-f]{24}$/) });

    // Three lines inserted above: the finding moves down, its key does not change.
    const edited = `// one\n// two\n// three\n${LEAKY}`;
    const moved = client.nextDiagnostics(URI, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// one\n// two\n// three\n' }] });
    const [now] = (await moved).diagnostics;
    expect(now.range.start.line).toBe(old.range.start.line + 3);
    expect(now.data).toEqual(old.data);

    // The Problems view may still hold the old diagnostic; asked about it (at its old place), the server answers with the new fix.
    const asked = { textDocument: { uri: URI }, range: old.range, context: { diagnostics: [old], only: ['quickfix'] } };
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', asked);
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(preferred.diagnostics).toEqual([old]);
    const edit = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    expect(edit.textDocument.version).toBe(2);
    expect(TextDocument.applyEdits(TextDocument.create(URI, 'go', 2, edited), edit.edits)).toBe(`// one\n// two\n// three\n${FIXED}`);

    // Without the data, the old diagnostic names nothing the server has now.
    const { data: _data, ...bare } = old;
    const without = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { ...asked, context: { diagnostics: [bare], only: ['quickfix'] } });
    expect(without).toEqual([]);
  });
});

const ESCAPES = `package heap

type Config struct{ Addr string }

func NewConfig(addr string) *Config {
	c := Config{Addr: addr}
	return &c
}

func Sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}
`;

describe.skipIf(!existsSync(CLI))('moved-to-heap inlay hints', () => {
  it('are off by default, and mark each moved variable when goleash.inlayHints.movedToHeap is on', async () => {
    client = startClient();
    let hints = false;
    let refreshed = 0;
    client.connection.onRequest('workspace/configuration', () => [{ inlayHints: { movedToHeap: hints } }]);
    client.connection.onRequest('workspace/inlayHint/refresh', () => void refreshed++);
    const init = await initialize(client, { workspace: { configuration: true, inlayHint: { refreshSupport: true } } });
    expect(init.capabilities.inlayHintProvider).toBe(true);
    const got = client.nextDiagnostics(URI);
    await open(client, ESCAPES);
    const moved = (await got).diagnostics.filter((d) => d.message.startsWith('moved to heap:'));
    expect(moved.map((d) => d.message)).toEqual(['moved to heap: c (its address is returned)']);
    const whole = { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } };
    expect(await client.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', whole)).toEqual([]);

    hints = true;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await expect.poll(() => refreshed).toBe(1);
    const shown = await client.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', whole);
    expect(shown).toEqual([{ position: moved[0].range.end, label: 'moved to heap', paddingLeft: true, tooltip: moved[0].message }]);
    expect(ESCAPES.split('\n')[shown[0].position.line].slice(0, shown[0].position.character)).toBe('\tc');
    // Outside the requested range: none.
    expect(await client.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', { ...whole, range: { start: { line: 9, character: 0 }, end: { line: 15, character: 0 } } })).toEqual([]);
  });
});
