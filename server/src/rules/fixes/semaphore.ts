// Quick fixes that put a limit on goroutines started per item of a loop:
// - a semaphore: `sem := make(chan struct{}, 8)` before the loop, `sem <- struct{}{}` before
//   the start, `defer func() { <-sem }()` first in the goroutine;
// - `g.SetLimit(8)` after the declaration of an errgroup.Group that has none;
// - a sync.WaitGroup fan-out rewritten as an errgroup.Group with SetLimit, when the file
//   already imports errgroup.
// Edits are gofmt-shaped (tabs, one statement per line) and refuse shapes they cannot keep so.
import type { Node } from 'web-tree-sitter';
import type { GoInLoop, LoopFeed } from '../../facts/bounds';
import type { FileFacts } from '../../facts/fileFacts';
import type { FuncInfo } from '../../facts/functions';
import type { GoSymbol } from '../../facts/scopes';
import { calleeName, calleeReceiver, indentOf, namedChildren, statementsOf, walkOwnCode } from '../../facts/syntax';
import type { Fix, TextEdit } from '../types';
import { hasMultilineRawString, indentBlock, insertAt, pointOf } from './edits';

/** The size the fixes choose; the comment they leave says it is a choice to tune. */
export const LIMIT = 8;

const ERRGROUP_IMPORT = '"golang.org/x/sync/errgroup"';

/**
 * The limit fixes for a start, best first: SetLimit on an unlimited errgroup; the errgroup
 * rewrite of a WaitGroup fan-out when the file imports errgroup; the semaphore.
 */
export function limitFixes(file: FileFacts, site: GoInLoop, feed: LoopFeed, group: 'go' | 'errgroup' | 'waitgroup'): Fix[] {
  const fixes: (Fix | undefined)[] = [];
  if (group === 'errgroup') fixes.push(setLimitFix(file, site));
  if (group !== 'errgroup' && importsErrgroup(file)) fixes.push(errgroupFix(file, site));
  fixes.push(semaphoreFix(file, site, feed));
  return fixes.filter((f): f is Fix => f !== undefined);
}

// ---------------------------------------------------------------------------------------------
// The semaphore.

export function semaphoreFix(file: FileFacts, site: GoInLoop, feed: LoopFeed): Fix | undefined {
  const top = outermost(site.func);
  const name = top && freeName(file, top.node, ['sem', 'limit', 'slots', 'tokens']);
  const start = statementOf(site.start.node);
  const loopAt = insertionLineAbove(file, feed.loop.node);
  if (!name || loopAt === undefined || !startsItsLine(file, start)) return undefined;
  const release = releaseEdits(file, site, feed, `defer func() { <-${name} }()`);
  if (!release) return undefined;
  const loopIndent = indentOf(file.lines, feed.loop.node);
  const startIndent = indentOf(file.lines, start);
  return {
    title: `Limit to ${LIMIT} goroutines at a time with a semaphore channel`,
    edits: [
      insertAt({ line: loopAt, character: 0 }, `${loopIndent}${name} := make(chan struct{}, ${LIMIT}) // at most ${LIMIT} goroutines at a time\n`),
      insertAt({ line: start.startPosition.row, character: 0 }, `${startIndent}${name} <- struct{}{}\n`),
      ...release,
    ],
  };
}

/**
 * Edits that make the goroutine run `first` before anything else: a new first statement of its
 * func literal, or, for `go f(x)`, a literal wrapping the call. Wrapping moves the evaluation of
 * `f` and `x` into the goroutine, so it is done only when that cannot change what they are.
 */
function releaseEdits(file: FileFacts, site: GoInLoop, feed: LoopFeed, first: string): TextEdit[] | undefined {
  const start = site.start;
  if (start.literal) return prependToLiteral(file, start.literal, first);
  if (start.via !== 'go') return undefined;
  const call = start.node.namedChild(0);
  if (call?.type !== 'call_expression' || hasMultilineRawString(call) || !evaluatesSameInGoroutine(file, call, feed.loop.node, start.node)) return undefined;
  const indent = indentOf(file.lines, start.node);
  const callText = indentBlock(call.text).replace(/^\t/, '');
  const newText = `func() {\n${indent}\t${first}\n${indent}\t${callText}\n${indent}}()`;
  return [{ range: { start: pointOf(call), end: pointOf(call, true) }, newText }];
}

/** `first` as the first statement of a func literal's body, opening a one-line body up. */
function prependToLiteral(file: FileFacts, literal: Node, first: string): TextEdit[] | undefined {
  const body = literal.childForFieldName('body');
  if (!body) return undefined;
  const open = body.startPosition;
  const indent = /^[ \t]*/.exec(file.lines[open.row] ?? '')![0];
  const statements = statementsOf(body);
  if (open.row !== body.endPosition.row) {
    // `{` must end its line (a comment may follow it): the statements below it are gofmt's.
    const rest = (file.lines[open.row] ?? '').slice(open.column + 1).trim();
    if (rest !== '' && !rest.startsWith('//')) return undefined;
    return [insertAt({ line: open.row + 1, character: 0 }, `${indent}\t${first}\n`)];
  }
  if (statements.length === 0 || namedChildren(body).some((c) => c.type === 'comment')) return undefined;
  const lines = [first, ...statements.map((s) => s.text)].map((l) => `${indent}\t${l}\n`).join('');
  return [{ range: { start: pointOf(body), end: pointOf(body, true) }, newText: `{\n${lines}${indent}}` }];
}

/**
 * Would `f(x)` mean the same inside `go func() { f(x) }()`? Only when evaluating it later can
 * read nothing else: no calls or receives in it, and every variable it reads either is declared
 * in the loop (per iteration since Go 1.22) and not assigned after the start, or is never
 * assigned in the loop at all.
 */
function evaluatesSameInGoroutine(file: FileFacts, call: Node, loop: Node, start: Node): boolean {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!fn || !args) return false;
  const evaluated = [fn.type === 'selector_expression' ? fn.childForFieldName('operand') : fn, ...namedChildren(args)].filter((n): n is Node => !!n);
  for (const part of evaluated) {
    if (part.type === 'func_literal') continue;
    if (part.descendantsOfType(['call_expression', 'unary_expression']).some((n) => n !== null && (n.type === 'call_expression' || n.child(0)?.type === '<-'))) return false;
  }
  const assigned = assignmentsIn(file, loop);
  for (const part of evaluated) {
    for (const id of part.type === 'identifier' ? [part] : part.descendantsOfType('identifier')) {
      const symbol = id && file.scopes.resolve(id);
      if (!symbol) continue;
      const writes = assigned.get(symbol.id) ?? [];
      const declaredInLoop = symbol.declNode.startIndex >= loop.startIndex && symbol.declNode.endIndex <= loop.endIndex;
      if (declaredInLoop ? writes.some((w) => w > start.startIndex) : writes.length > 0) return false;
    }
  }
  return true;
}

/** Symbol id → positions where the loop assigns it (`=`, `++`, `&x`, `case x = <-ch`, `for x = range`). */
function assignmentsIn(file: FileFacts, loop: Node): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const note = (target: Node | null | undefined, at: number) => {
    const id = target?.type === 'identifier' ? target : undefined;
    const s = id && file.scopes.resolve(id);
    if (!s) return;
    const list = out.get(s.id);
    if (list) list.push(at);
    else out.set(s.id, [at]);
  };
  for (const n of loop.descendantsOfType(['assignment_statement', 'inc_statement', 'dec_statement', 'receive_statement', 'range_clause', 'unary_expression'])) {
    if (!n) continue;
    if (n.type === 'inc_statement' || n.type === 'dec_statement') note(n.namedChild(0), n.startIndex);
    else if (n.type === 'unary_expression') {
      if (n.child(0)?.type === '&') note(n.childForFieldName('operand'), n.startIndex);
    } else if (n.type === 'assignment_statement' || hasOperator(n, '=')) {
      for (const left of namedChildren(n.childForFieldName('left') ?? n)) note(left, n.startIndex);
    }
  }
  return out;
}

function hasOperator(n: Node, op: string): boolean {
  for (let i = 0; i < n.childCount; i++) if (n.child(i)?.type === op) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// errgroup.Group.SetLimit.

/** `g.SetLimit(8)` on the line after `var g errgroup.Group` / `g, ctx := errgroup.WithContext(ctx)`. */
export function setLimitFix(file: FileFacts, site: GoInLoop): Fix | undefined {
  const receiver = calleeReceiver(site.start.node);
  const symbol = receiver?.type === 'identifier' ? file.scopes.resolve(receiver) : undefined;
  const statement = symbol && declaringStatement(symbol);
  if (!receiver || !statement || !endsItsLine(file, statement)) return undefined;
  const indent = indentOf(file.lines, statement);
  return {
    title: `Limit the group to ${LIMIT} goroutines at a time: ${receiver.text}.SetLimit(${LIMIT})`,
    edits: [insertAt({ line: statement.endPosition.row + 1, character: 0 }, `${indent}${receiver.text}.SetLimit(${LIMIT})\n`)],
  };
}

/** The statement declaring a local: a `:=` or a `var` in a block (not an `if x := …;` header). */
function declaringStatement(symbol: GoSymbol): Node | undefined {
  if (symbol.kind !== 'local') return undefined;
  let decl: Node | null = symbol.declaration;
  if (decl.type === 'var_spec') decl = decl.parent;
  if (decl?.type === 'var_spec_list') decl = decl.parent;
  return decl && decl.parent?.type === 'statement_list' ? decl : undefined;
}

// ---------------------------------------------------------------------------------------------
// sync.WaitGroup fan-out → errgroup.Group with SetLimit.

export function importsErrgroup(file: FileFacts): boolean {
  return file.text.includes(ERRGROUP_IMPORT) && file.nodesOf('import_spec').some((s) => s.childForFieldName('path')?.text === ERRGROUP_IMPORT && !s.childForFieldName('name'));
}

/**
 * `var wg sync.WaitGroup; …; wg.Add(1); go func() { defer wg.Done(); … }(); …; wg.Wait()` (or
 * `wg.Go(func() { … })`) becomes `var g errgroup.Group; g.SetLimit(8); …; g.Go(func() error {
 * …; return nil }); …; _ = g.Wait()`. Only when the WaitGroup is used for nothing else.
 */
export function errgroupFix(file: FileFacts, site: GoInLoop): Fix | undefined {
  const start = site.start;
  const literal = start.literal;
  const top = outermost(site.func);
  if (!literal || !top || namedChildren(literal.childForFieldName('parameters') ?? literal).length > 0) return undefined;
  const body = literal.childForFieldName('body');
  if (!body || body.startPosition.row === body.endPosition.row) return undefined;
  const statements = statementsOf(body);

  // The WaitGroup: from `wg.Go(…)`, or from `defer wg.Done()` first in `go func() { … }()`.
  let wgNode: Node | undefined;
  let done: Node | undefined;
  let add: Node | undefined;
  if (start.via === 'group') {
    wgNode = calleeReceiver(start.node);
  } else if (start.via === 'go') {
    const call = start.node.namedChild(0);
    if (namedChildren(call?.childForFieldName('arguments') ?? literal).length > 0) return undefined;
    done = statements[0];
    const deferred = done?.type === 'defer_statement' ? done.namedChild(0) : undefined;
    if (deferred?.type !== 'call_expression' || calleeName(deferred) !== 'Done') return undefined;
    wgNode = calleeReceiver(deferred);
    add = start.node.previousNamedSibling ?? undefined;
    const addCall = add?.type === 'expression_statement' ? add.namedChild(0) : undefined;
    if (addCall?.type !== 'call_expression' || calleeName(addCall) !== 'Add' || calleeReceiver(addCall)?.text !== wgNode?.text || namedChildren(addCall.childForFieldName('arguments')!).map((a) => a.text).join() !== '1') return undefined;
  } else return undefined;
  if (wgNode?.type !== 'identifier') return undefined;
  const wg = file.scopes.resolve(wgNode);
  const decl = wg && declaringStatement(wg);
  if (!wg || !decl || decl.type !== 'var_declaration' || wg.type !== 'sync.WaitGroup') return undefined;
  // `var wg sync.WaitGroup` alone, or one line `wg sync.WaitGroup` of a `var ( … )` block.
  const spec = wg.declaration;
  const grouped = decl.startPosition.row !== decl.endPosition.row;
  if (!aloneOnItsLine(file, grouped ? spec : decl) || spec.childrenForFieldName('name').length !== 1 || (grouped && decl.text.includes('//'))) return undefined;

  // Every use of the WaitGroup must be one this rewrite knows.
  const waits: Node[] = [];
  for (const id of top.node.descendantsOfType('identifier')) {
    if (!id || id.id === wg.declNode.id || file.scopes.resolve(id)?.id !== wg.id) continue;
    const sel = id.parent;
    const call = sel?.type === 'selector_expression' ? sel.parent : undefined;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== sel?.id) return undefined;
    if (call.id === start.node.id) continue;
    if (add && add.namedChild(0)?.id === call.id) continue;
    if (done && done.namedChild(0)?.id === call.id) continue;
    if (calleeName(call) === 'Wait' && (call.parent?.type === 'expression_statement' || call.parent?.type === 'defer_statement')) {
      waits.push(call);
      continue;
    }
    return undefined;
  }
  if (waits.length === 0) return undefined;

  // In a block, gofmt aligns the types: a name as long as the old one keeps the columns.
  const g = freeName(file, top.node, ['g', 'eg', 'grp', 'group'].filter((n) => !grouped || n.length === wg.name.length));
  if (!g) return undefined;
  const edits: TextEdit[] = [];
  const declIndent = indentOf(file.lines, decl);
  if (grouped) {
    const type = spec.childForFieldName('type')!;
    edits.push({ range: { start: pointOf(wg.declNode), end: pointOf(wg.declNode, true) }, newText: g });
    edits.push({ range: { start: pointOf(type), end: pointOf(type, true) }, newText: 'errgroup.Group' });
    edits.push(insertAt({ line: decl.endPosition.row + 1, character: 0 }, `${declIndent}${g}.SetLimit(${LIMIT})\n`));
  } else {
    edits.push({ range: { start: pointOf(decl), end: pointOf(decl, true) }, newText: `var ${g} errgroup.Group\n${declIndent}${g}.SetLimit(${LIMIT})` });
  }
  for (const stmt of [add, done]) {
    if (!stmt) continue;
    if (!aloneOnItsLine(file, stmt)) return undefined;
    edits.push({ range: { start: { line: stmt.startPosition.row, character: 0 }, end: { line: stmt.startPosition.row + 1, character: 0 } }, newText: '' });
  }
  const params = literal.childForFieldName('parameters')!;
  edits.push({ range: { start: pointOf(start.node), end: pointOf(params, true) }, newText: `${g}.Go(func() error` });
  walkOwnCode(body, (n) => {
    if (n.type === 'return_statement' && n.namedChildCount === 0) edits.push(insertAt(pointOf(n, true), ' nil'));
  });
  const last = statements[statements.length - 1];
  if (last?.type !== 'return_statement') {
    const close = body.endPosition;
    if ((file.lines[close.row] ?? '').slice(0, close.column - 1).trim() !== '') return undefined;
    const indent = /^[ \t]*/.exec(file.lines[close.row] ?? '')![0];
    edits.push(insertAt({ line: close.row, character: 0 }, `${indent}\treturn nil\n`));
  }
  if (start.via === 'go') {
    // `}()` → `})`: the literal is now an argument.
    edits.push({ range: { start: pointOf(literal, true), end: pointOf(start.node, true) }, newText: ')' });
  }
  for (const wait of waits) {
    const prefix = wait.parent?.type === 'expression_statement' ? '_ = ' : '';
    edits.push({ range: { start: pointOf(wait), end: pointOf(wait, true) }, newText: `${prefix}${g}.Wait()` });
  }
  // The declaration was the file's last use of package sync: drop the import, or it will not compile.
  const syncImport = (file.text.match(/\bsync\./g) ?? []).length === 1 ? importLine(file, '"sync"') : undefined;
  if (syncImport !== undefined) edits.push({ range: { start: { line: syncImport, character: 0 }, end: { line: syncImport + 1, character: 0 } }, newText: '' });
  return { title: `Use an errgroup.Group limited to ${LIMIT} goroutines instead of the sync.WaitGroup`, edits };
}

/** The line of an import spec standing alone on its line in an import block. */
function importLine(file: FileFacts, path: string): number | undefined {
  const spec = file.nodesOf('import_spec').find((s) => s.childForFieldName('path')?.text === path && !s.childForFieldName('name'));
  if (!spec || spec.parent?.type !== 'import_spec_list' || !aloneOnItsLine(file, spec)) return undefined;
  return spec.startPosition.row;
}

// ---------------------------------------------------------------------------------------------
// Layout helpers.

function outermost(func: FuncInfo | undefined): FuncInfo | undefined {
  let f = func;
  while (f?.parent) f = f.parent;
  return f;
}

/** The first name not already used anywhere in the function. */
function freeName(file: FileFacts, func: Node, names: string[]): string | undefined {
  const text = file.text.slice(func.startIndex, func.endIndex);
  return names.find((n) => !new RegExp(`\\b${n}\\b`).test(text));
}

/** `g.Go(…)` is an expression statement; `go f()` is a statement itself. */
function statementOf(node: Node): Node {
  return node.parent?.type === 'expression_statement' ? node.parent : node;
}

function startsItsLine(file: FileFacts, node: Node): boolean {
  return (file.lines[node.startPosition.row] ?? '').slice(0, node.startPosition.column).trim() === '';
}

function endsItsLine(file: FileFacts, node: Node): boolean {
  const rest = (file.lines[node.endPosition.row] ?? '').slice(node.endPosition.column).trim();
  return rest === '' || rest.startsWith('//');
}

function aloneOnItsLine(file: FileFacts, node: Node): boolean {
  return startsItsLine(file, node) && node.startPosition.row === node.endPosition.row && (file.lines[node.endPosition.row] ?? '').slice(node.endPosition.column).trim() === '';
}

/**
 * The line to insert a statement before a loop: above its label and above the comments that
 * introduce it, so they keep describing the loop. Undefined when the loop does not start a line.
 */
function insertionLineAbove(file: FileFacts, loop: Node): number | undefined {
  const stmt = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  if (!startsItsLine(file, stmt)) return undefined;
  let row = stmt.startPosition.row;
  while (row > 0 && /^\s*\/\//.test(file.lines[row - 1] ?? '')) row--;
  return row;
}
