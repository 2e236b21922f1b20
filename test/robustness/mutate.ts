// Seeded mutations of real Go files for the fuzz test: the same seed gives the same bytes, so a
// failing input is reproduced from its seed alone (`npm run fuzz -- --seed S --count 1`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; plenty for choosing mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every .go file under test/fixtures, read once. */
export function loadCorpus(): { path: string; bytes: Uint8Array }[] {
  const out: { path: string; bytes: Uint8Array }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.go')) out.push({ path: p, bytes: new Uint8Array(readFileSync(p)) });
    }
  };
  walk(FIXTURES);
  return out;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const enc = new TextEncoder();

const TOKENS = ['go', 'func', 'chan', 'select', 'case', 'for', 'range', '{', '}', '(', ')', '<-', ':=', '=', 'defer', 'return', '&', '*', 'make(chan int)', 'close(', 'ctx.Done()', '"', '`', '/*', '//', '\n', ';', 'x', 'package p', 'import', 'type T struct{', 'interface{', '...', '[]'];

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

function lines(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) (out.push(b.subarray(start, i + 1)), (start = i + 1));
  out.push(b.subarray(start));
  return out;
}

function join_(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** The mutations, each from real bytes to damaged bytes. */
export const MUTATIONS: Record<string, (b: Uint8Array, r: Rand) => Uint8Array> = {
  flipBytes(b, r) {
    const out = b.slice();
    for (let n = 1 + int(r, 8); n > 0 && out.length; n--) out[int(r, out.length)] ^= 1 << int(r, 8);
    return out;
  },
  truncate: (b, r) => b.subarray(0, int(r, b.length + 1)),
  deleteLines(b, r) {
    const ls = lines(b);
    const at = int(r, ls.length);
    ls.splice(at, 1 + int(r, 5));
    return join_(ls);
  },
  duplicateLines(b, r) {
    const ls = lines(b);
    const at = int(r, ls.length);
    const chunk = ls.slice(at, at + 1 + int(r, 10));
    ls.splice(int(r, ls.length + 1), 0, ...Array.from({ length: 1 + int(r, 20) }, () => chunk).flat());
    return join_(ls);
  },
  randomTokens(b, r) {
    let out = b;
    for (let n = 1 + int(r, 10); n > 0; n--) out = splice(out, int(r, out.length + 1), 0, enc.encode(` ${TOKENS[int(r, TOKENS.length)]} `));
    return out;
  },
  deepNesting(b, r) {
    const open = ['{', '(', '[', 'func() {', 'go func() {', 'if x {', '*', '&'][int(r, 8)];
    const depth = 100 + int(r, 5000);
    const close = open.includes('{') ? '}' : open === '(' ? ')' : open === '[' ? ']' : '';
    const nested = open.repeat(depth) + 'ch <- 1' + close.repeat(r() < 0.5 ? depth : int(r, depth));
    return splice(b, int(r, b.length + 1), 0, enc.encode(nested));
  },
  nulBytes(b, r) {
    let out = b;
    for (let n = 1 + int(r, 4); n > 0; n--) out = splice(out, int(r, out.length + 1), 0, new Uint8Array(1 + int(r, 3)));
    return out;
  },
  invalidUtf8(b, r) {
    const bad = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];
    let out = b;
    for (let n = 1 + int(r, 6); n > 0; n--) out = splice(out, int(r, out.length + 1), 0, new Uint8Array(bad[int(r, bad.length)]));
    return out;
  },
};

/** A 10 MB file: the source repeated (the size limit must skip it, not analyse it). */
export function huge(b: Uint8Array, bytes = 10 * 1024 * 1024): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += b.length) out.set(b.subarray(0, Math.min(b.length, bytes - at)), at);
  return out;
}

export interface FuzzInput {
  seed: number;
  source: string;
  mutations: string[];
  bytes: Uint8Array;
}

const NAMES = Object.keys(MUTATIONS);

/** The input for one seed: a fixture with one to three mutations (one in 2,000 is also made 10 MB). */
export function inputFor(seed: number, corpus: readonly { path: string; bytes: Uint8Array }[]): FuzzInput {
  const r = prng(seed);
  const base = corpus[int(r, corpus.length)];
  let bytes = base.bytes;
  const mutations: string[] = [];
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const name = NAMES[int(r, NAMES.length)];
    mutations.push(name);
    bytes = MUTATIONS[name](bytes, r);
  }
  if (int(r, 2000) === 0) (mutations.push('huge'), (bytes = huge(bytes.length ? bytes : base.bytes)));
  return { seed, source: base.path, mutations, bytes };
}
