// for-select-no-done: a loop that blocks on channels (`for { select … }`, `for { v := <-ch … }`,
// `for range ticker.C`) and that no path can leave. Run as a goroutine it can never stop; run
// in line, its function never returns. What counts as a way out is facts/exits.ts.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../facts/fileFacts';
import type { FuncInfo } from '../facts/functions';
import type { LoopInfo } from '../facts/loops';
import { contextInScope } from '../facts/context';
import { structFields } from '../facts/types';
import { startsOf, type GoStart } from '../facts/goroutines';
import { calleeText, rangeOf, statementsOf, walkOwnCode } from '../facts/syntax';
import { doneChannelFix, exitCaseEdits, zeroReturn } from './fixes/loopExit';
import { ignoreCommentFix } from './fixes/edits';
import type { PackageIndex } from '../index/packageIndex';
import type { Finding, Fix, RelatedInfo, Rule } from './types';

const ID = 'for-select-no-done';
const FUNCTION_NODES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export const forSelectNoDone: Rule = {
  id: ID,
  title: 'A for-select (or ticker) loop with no way out: the goroutine running it can never stop',
  docs:
    'A `for { select { … } }`, `for { v := <-ch … }` or `for range ticker.C` loop with no `return`, no `break` ' +
    'that leaves the loop (a plain `break` in a `select` only leaves the select), no `<-ctx.Done()` or done-channel ' +
    'case that returns, and no call that ends the goroutine. The goroutine running it lives as long as the process: ' +
    'a goroutine leak each time it is started. Add a `case <-ctx.Done(): return`, or a done channel closed on shutdown.',
  example: {
    bad: `func (w *Watcher) loop() {
	for {
		select {
		case ev := <-w.events: // a break here would only leave the select
			w.apply(ev)
		}
	}
}`,
    good: `func (w *Watcher) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-w.events:
			w.apply(ev)
		}
	}
}`,
  },
  defaultSeverity: 'warning',
  check(file, pkg) {
    if (file.loops.length === 0) return [];
    const leaky = file.loops.filter(neverEnds);
    return innermostPerFunction(leaky)
      .map((loop) => findingFor(file, pkg, loop))
      .filter((f): f is Finding => f !== undefined);
  },
};

function neverEnds(loop: LoopInfo): boolean {
  const blocks = loop.form === 'ticker-range' || (loop.form === 'infinite' && loop.waitsOnChannel);
  return blocks && loop.exits.length === 0; // exits last: the costliest question
}

/**
 * A leaky loop nested in another leaky loop of the same function is the one that never ends:
 * report it, not its host. A loop in a goroutine started inside the host is a leak of its own.
 */
function innermostPerFunction(loops: LoopInfo[]): LoopInfo[] {
  return loops.filter(
    (outer) =>
      !loops.some(
        (inner) =>
          inner !== outer &&
          inner.node.startIndex > outer.node.startIndex &&
          inner.node.endIndex <= outer.node.endIndex &&
          inner.func?.node.id === outer.func?.node.id,
      ),
  );
}

interface RunContext {
  goroutine: boolean;
  /** A loop meant to live as long as the process: main, init, a sync.Once singleton, a signal relay. */
  deliberate: boolean;
  /** Where it is started, with the file when that is another file of the package. */
  starts: { start: GoStart; path?: string }[];
}

function findingFor(file: FileFacts, pkg: PackageIndex, loop: LoopInfo): Finding | undefined {
  const func = loop.func;
  if (!func) return undefined;
  const run = runContext(file, pkg, func);
  if (run.deliberate) return undefined;
  const forKeyword = rangeOf(loop.node);
  forKeyword.end = { line: forKeyword.start.line, character: forKeyword.start.character + 3 };
  return {
    rule: ID,
    severity: isTestCode(file, func) ? 'information' : 'warning',
    range: forKeyword,
    message: messageFor(loop, func, run),
    fixes: fixesFor(file, pkg, loop),
    related: relatedFor(loop, run),
  };
}

function messageFor(loop: LoopInfo, func: FuncInfo, run: RunContext): string {
  const where = run.goroutine ? `goroutine loop in ${func.name} has no exit: it can never stop` : `loop in ${func.name} has no exit: ${func.name} never returns`;
  if (loop.form === 'ticker-range') return `${where} (Ticker.Stop does not close C, so ranging over it never ends)`;
  if (loop.trappedBreaks.length > 0) return `${where} (a break inside select or switch leaves only that statement)`;
  return where;
}

function relatedFor(loop: LoopInfo, run: RunContext): RelatedInfo[] {
  const related: RelatedInfo[] = run.starts
    .slice(0, 3)
    .map(({ start, path }) => ({ range: rangeOf(start.node), message: 'the goroutine is started here', ...(path ? { path } : {}) }));
  for (const b of loop.trappedBreaks.slice(0, 3)) {
    related.push({ range: rangeOf(b), message: 'this break leaves only the enclosing select or switch, not the loop' });
  }
  return related;
}

function fixesFor(file: FileFacts, pkg: PackageIndex, loop: LoopInfo): Fix[] {
  const fixes: Fix[] = [];
  const ctx = contextInScope(loop.node, loop.func, file.types);
  const quit = ctx ? undefined : closedReceiverChannel(file, pkg, loop.func);
  if (ctx) {
    const edits = exitCaseEdits(file, loop, `${ctx}.Done()`, zeroReturn(file, loop.func, `${ctx}.Err()`));
    if (edits) fixes.push({ title: `Return when ${ctx} is done`, edits, isPreferred: true });
  } else if (quit) {
    const edits = exitCaseEdits(file, loop, quit, zeroReturn(file, loop.func, 'nil'));
    if (edits) fixes.push({ title: `Return when ${quit} is closed`, edits, isPreferred: true });
  } else if (!calledFromOtherFiles(file, pkg, loop.func)) {
    const done = doneChannelFix(file, loop);
    if (done) fixes.push(done);
  }
  fixes.push(ignoreCommentFix(ID, loop.node, file.lines));
  return fixes;
}

/**
 * A `chan struct{}` field of the method's receiver that the package closes somewhere (a Stop or
 * Close method): the loop's owner already has a shutdown signal, it just does not listen to it.
 */
function closedReceiverChannel(file: FileFacts, pkg: PackageIndex, func: FuncInfo | undefined): string | undefined {
  let method = func;
  while (method?.parent) method = method.parent;
  const recv = method?.receiver;
  if (!recv?.name || recv.name === '_') return undefined;
  for (const other of pkg.visibleFrom(file)) {
    for (const [field, type] of structFields(other.types.get(recv.typeName))) {
      if (!/^(<-)?chan struct\{\}$/.test(type.replace(/\s+/g, ' ').replace('struct {}', 'struct{}'))) continue;
      const key = `field:${recv.typeName}.${field}`;
      if (pkg.opsOnChannel(file, key).some((op) => op.item.kind === 'close')) return `${recv.name}.${field}`;
    }
  }
  return undefined;
}

/** Does another file of the package call this function? Then a new parameter would break it. */
function calledFromOtherFiles(file: FileFacts, pkg: PackageIndex, func: FuncInfo | undefined): boolean {
  let named = func;
  while (named?.kind === 'literal' && named.parent) named = named.parent;
  if (!named?.declName) return false;
  const call = new RegExp(`${named.kind === 'method' ? '\\.' : '\\b'}${named.declName}\\(`);
  return pkg.files.some((other) => other !== file && call.test(other.text));
}

/** Where the loop's function runs: started as a goroutine anywhere in the package, and by whom. */
function runContext(file: FileFacts, pkg: PackageIndex, func: FuncInfo): RunContext {
  const located = startsOf(func, pkg.goStarts(file));
  const starts = located.map((l) => l.item);
  const deliberate =
    isProcessLifetime(file, func) ||
    (located.length > 0 && located.every((l) => isProcessLifetime(l.file, l.file.functionAt(l.item.node)))) ||
    located.some((l) => insideOnceDo(l.file, l.item) || behindStartedFlag(l.item)) ||
    located.some((l) => runOnlyThroughOnce(pkg, l.file, l.file.functionAt(l.item.node))) ||
    relaysSignals(file, pkg, func);
  const where = located.map((l) => ({ start: l.item, path: l.file === file ? undefined : l.file.path }));
  return { goroutine: starts.length > 0, deliberate, starts: where };
}

/**
 * Code that runs once per process: init() of any package, main() of package main. A loop
 * there, or in a goroutine started there, is a singleton that lives with the process.
 */
function isProcessLifetime(file: FileFacts, func: FuncInfo | undefined): boolean {
  let top = func;
  while (top?.parent) top = top.parent;
  if (top?.kind !== 'function') return false;
  return top.declName === 'init' || (top.declName === 'main' && file.packageName === 'main');
}

/** A goroutine started inside `once.Do(func() { … })` of a package-wide Once is a deliberate singleton. */
function insideOnceDo(file: FileFacts, start: GoStart): boolean {
  for (let p = start.node.parent; p; p = p.parent) {
    if (p.type === 'call_expression' && isProcessWideOnceDo(file, p)) return true;
  }
  return false;
}

/**
 * `once.Do(f)` on a package-level Once (one argument: singleflight's `g.Do(key, fn)` is not a
 * once). A Once that is a field or a local (`fs.startOnce.Do`) runs once per owner: a goroutine
 * started there still leaks once per owner.
 */
function isProcessWideOnceDo(file: FileFacts, call: Node): boolean {
  const callee = calleeText(call);
  if (!callee?.endsWith('.Do') || call.childForFieldName('arguments')?.namedChildCount !== 1) return false;
  const operand = callee.slice(0, -'.Do'.length);
  if (!/^\w+$/.test(operand)) return false;
  const symbol = file.scopes.lookup(operand, call.startIndex);
  return !symbol || symbol.kind === 'global';
}

/**
 * `if !x.started { x.started = true; go x.tick() }`: a hand-made once, the go-metrics meter
 * arbiter shape. The flag is set in the same block that starts the goroutine.
 */
function behindStartedFlag(start: GoStart): boolean {
  for (let p = start.node.parent; p && !FUNCTION_NODES.has(p.type); p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const flag = /^!\s*([\w.]+)$/.exec(p.childForFieldName('condition')?.text ?? '')?.[1];
    const block = p.childForFieldName('consequence');
    if (!flag || !block) continue;
    const setsFlag = statementsOf(block).some((st) => st.type === 'assignment_statement' && st.text.replace(/\s+/g, '') === `${flag}=true`);
    if (setsFlag) return true;
  }
  return false;
}

/**
 * A loop in a function that calls signal.Notify, directly or through a package helper such as
 * `shutdownSignals()`, relays signals for the life of the process.
 */
function relaysSignals(file: FileFacts, pkg: PackageIndex, func: FuncInfo): boolean {
  for (let f: FuncInfo | undefined = func; f; f = f.parent) {
    const notifies = someOwnCall(f, (callee) =>
      callee === 'signal.Notify' || pkg.callees(file, callee).some((helper) => someOwnCall(helper.item, (c) => c === 'signal.Notify')),
    );
    if (notifies) return true;
  }
  return false;
}

/** Does a call in f's own code (not its literals) have a callee the test accepts? */
function someOwnCall(f: FuncInfo, test: (callee: string) => boolean): boolean {
  let found = false;
  if (f.body) {
    walkOwnCode(f.body, (n) => {
      if (n.type === 'call_expression') {
        const callee = calleeText(n);
        if (callee && test(callee)) found = true;
      }
      return !found;
    });
  }
  return found;
}

/**
 * A function the package runs only as `once.Do(start)` or `once.Do(x.start)`: the goroutine it
 * starts is a singleton. Any other mention of the name in code (a direct call, a method value
 * stored away) counts against.
 */
function runOnlyThroughOnce(pkg: PackageIndex, file: FileFacts, func: FuncInfo | undefined): boolean {
  let named = func;
  while (named?.parent) named = named.parent;
  const name = named?.declName;
  if (!name || name === '_') return false;
  let onceRefs = 0;
  let mentions = 0;
  const declaration = new RegExp(`\\bfunc\\s*(\\([^)]*\\)\\s*)?${name}\\s*[[(]`, 'g');
  const mention = new RegExp(`\\b${name}\\b`, 'g');
  const startFunc = new RegExp(`^(\\w+\\.)?${name}$`);
  for (const other of pkg.visibleFrom(file)) {
    if (!other.text.includes(name)) continue;
    const code = withoutComments(other);
    mentions += (code.match(mention) ?? []).length - (code.match(declaration) ?? []).length;
    onceRefs += other
      .nodesOf('call_expression')
      .filter((call) => startFunc.test(call.childForFieldName('arguments')?.namedChild(0)?.text ?? '') && isProcessWideOnceDo(other, call)).length;
  }
  return onceRefs > 0 && mentions === onceRefs;
}

/** The file's text with its comments blanked out (doc comments name their function). */
function withoutComments(file: FileFacts): string {
  let code = '';
  let at = 0;
  for (const c of file.nodesOf('comment')) {
    code += file.text.slice(at, c.startIndex) + ' '.repeat(c.endIndex - c.startIndex);
    at = c.endIndex;
  }
  return code + file.text.slice(at);
}

/** Tests, benchmarks and examples (Example functions, example programs): a stuck loop there hurts less. */
function isTestCode(file: FileFacts, func: FuncInfo): boolean {
  let top = func;
  while (top.parent) top = top.parent;
  return file.isTestFile || /^(Test|Benchmark|Example|Fuzz)/.test(top.declName ?? '') || isExampleProgram(file);
}

/** A `package main` under an `example/`, `examples/` or `_examples/` directory. */
function isExampleProgram(file: FileFacts): boolean {
  return file.packageName === 'main' && /(^|[\\/])_?examples?[\\/]/.test(file.path);
}
