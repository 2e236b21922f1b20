// Scoring goleash's heap-escape findings against the compiler's report, kind by kind (see
// gcOutput.mjs for the kinds).
//
// Matching is per file and line. The compiler's column is not the expression's start (`&T{}` is
// at `&`, calls, make, new and conversions at `(`, slice and map literals at `{`), so columns are
// not compared. When a line holds several sites of one kind they are paired one to one: first
// those whose expression text agrees, then (for allocations) those of the same form, then (for
// interface conversions) any; a goleash report is paired with an escaping site before a
// non-escaping one.
import { classify, normalizeExpr, stripReason } from './gcOutput.mjs';

/** @typedef {import('./gcOutput.mjs').GcMessage} GcMessage */
/** @typedef {GcMessage & ReturnType<typeof classify>} Site */
/** @typedef {{ file: string, line: number, message: string, note: string }} Miss */

/**
 * @param {GcMessage[]} compiler  the compiler's messages
 * @param {GcMessage[]} goleash   goleash's heap-escape findings (1-based lines)
 */
export function scoreEscapes(compiler, goleash) {
  const tally = newTally();
  const misses = { moved: { fn: [], fp: [] }, alloc: { fn: [], fp: [] }, iface: { fn: [], fp: [] } };
  const compilerLines = byLine(compiler);
  const goleashLines = byLine(goleash);
  for (const key of new Set([...compilerLines.keys(), ...goleashLines.keys()])) {
    const truth = (compilerLines.get(key) ?? []).map(site);
    const claims = (goleashLines.get(key) ?? []).map(site);
    scoreMoved(truth, claims, tally.moved, misses.moved);
    scoreAlloc(truth, claims, tally.alloc, misses.alloc);
    scoreIface(truth, claims, tally.iface, misses.iface);
    tally.goleashIgnored += claims.filter((c) => !isClaim(c)).length;
  }
  return { tally, figures: figures(tally), misses };
}

function newTally() {
  return {
    moved: { compiler: 0, goleash: 0, matched: 0 },
    // sites: every alloc site the compiler reports; escaping: those that escape. Of goleash's
    // claims: truePos on escaping sites, onNonEscaping on sites the compiler keeps on the stack,
    // noSite where the compiler reports no allocation of that form on the line.
    alloc: { sites: 0, escaping: 0, goleash: 0, truePos: 0, onNonEscaping: 0, noSite: 0 },
    iface: { compilerEscaping: 0, compilerNotEscaping: 0, goleash: 0, matched: 0 },
    /** goleash findings that are no claim of an escape (`does not escape`, unrecognised wording). */
    goleashIgnored: 0,
  };
}

/** @returns {Site} */
function site(m) {
  return { ...m, ...classify(m.message) };
}

function byLine(messages) {
  const lines = new Map();
  for (const m of messages) {
    const key = `${m.file}:${m.line}`;
    const list = lines.get(key);
    if (list) list.push(m);
    else lines.set(key, [m]);
  }
  return lines;
}

/** goleash claims an escape only with `moved to heap` or `escapes to heap`. */
export function isClaim(c) {
  return c.escapes && (c.kind === 'moved' || c.kind === 'alloc' || c.kind === 'iface');
}

/**
 * Pairs claims with sites one to one, trying each `same` test in turn over what is left.
 * Sites come in order of preference.
 */
function pairUp(claims, sites, sameTests) {
  const free = [...sites];
  const pairs = [];
  let left = claims;
  for (const same of sameTests) {
    const stillLeft = [];
    for (const c of left) {
      const i = free.findIndex((s) => same(c, s));
      if (i >= 0) pairs.push([c, free.splice(i, 1)[0]]);
      else stillLeft.push(c);
    }
    left = stillLeft;
  }
  return { pairs, unpairedClaims: left, unpairedSites: free };
}

const sameText = (c, s) => normalizeExpr(c.subject) === normalizeExpr(s.subject);
const sameForm = (c, s) => c.form === s.form;
const anySite = () => true;
const escapingFirst = (sites) => [...sites.filter((s) => s.escapes), ...sites.filter((s) => !s.escapes)];

function miss(m, note) {
  return { file: m.file, line: m.line, message: m.message, note };
}

function scoreMoved(truth, claims, t, misses) {
  const sites = truth.filter((s) => s.kind === 'moved');
  const mine = claims.filter((c) => c.kind === 'moved');
  const { pairs, unpairedClaims, unpairedSites } = pairUp(mine, sites, [(c, s) => c.subject === s.subject]);
  t.compiler += sites.length;
  t.goleash += mine.length;
  t.matched += pairs.length;
  for (const s of unpairedSites) misses.fn.push(miss(s, 'goleash is silent'));
  for (const c of unpairedClaims) misses.fp.push(miss(c, 'the compiler keeps it on the stack'));
}

function scoreAlloc(truth, claims, t, misses) {
  const sites = escapingFirst(truth.filter((s) => s.kind === 'alloc'));
  const mine = claims.filter((c) => c.kind === 'alloc' && c.escapes);
  const { pairs, unpairedClaims, unpairedSites } = pairUp(mine, sites, [sameText, sameForm]);
  t.sites += sites.length;
  t.escaping += sites.filter((s) => s.escapes).length;
  t.goleash += mine.length;
  for (const [c, s] of pairs) {
    if (s.escapes) t.truePos++;
    else {
      t.onNonEscaping++;
      misses.fp.push(miss(c, `the compiler: ${stripReason(s.message)}`));
    }
  }
  t.noSite += unpairedClaims.length;
  for (const c of unpairedClaims) misses.fp.push(miss(c, 'the compiler reports no such allocation here'));
  for (const s of unpairedSites.filter((x) => x.escapes)) misses.fn.push(miss(s, 'goleash is silent'));
}

function scoreIface(truth, claims, t, misses) {
  const sites = truth.filter((s) => s.kind === 'iface' && s.escapes);
  const mine = claims.filter((c) => c.kind === 'iface' && c.escapes);
  const { pairs, unpairedClaims, unpairedSites } = pairUp(mine, sites, [sameText, anySite]);
  t.compilerEscaping += sites.length;
  t.compilerNotEscaping += truth.filter((s) => s.kind === 'iface' && !s.escapes).length;
  t.goleash += mine.length;
  t.matched += pairs.length;
  for (const s of unpairedSites) misses.fn.push(miss(s, 'goleash is silent'));
  for (const c of unpairedClaims) misses.fp.push(miss(c, 'the compiler reports no escaping conversion here'));
}

/** A ratio, or null when there is nothing to divide by. */
function ratio(n, d) {
  return d === 0 ? null : n / d;
}

function figures(t) {
  const a = t.alloc;
  return {
    moved: { precision: ratio(t.moved.matched, t.moved.goleash), recall: ratio(t.moved.matched, t.moved.compiler) },
    alloc: {
      // goleash predicts "escapes" for a site iff it reports it.
      accuracy: ratio(a.truePos + (a.sites - a.escaping - a.onNonEscaping), a.sites),
      everythingEscapesAccuracy: ratio(a.escaping, a.sites),
      precision: ratio(a.truePos, a.goleash),
      recall: ratio(a.truePos, a.escaping),
    },
    iface: { precision: ratio(t.iface.matched, t.iface.goleash), recall: ratio(t.iface.matched, t.iface.compilerEscaping) },
  };
}
