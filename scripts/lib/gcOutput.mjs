// Reading the Go compiler's escape-analysis report (`go build -gcflags=-m`) and goleash's
// heap-escape findings in the same terms, so the two can be compared line by line. Shared by
// scripts/oracle.mjs and test/rules/heapEscapeOracle.test.ts; pure (no I/O, no Go toolchain).
//
// Every message falls into one kind:
//   moved  `moved to heap: NAME`: a variable the compiler allocates on the heap.
//   alloc  an allocation site, escaping or not: `&T{...}`, `&[3]int{}`, `new(T)`, `make(...)`,
//          slice literals `[]T{...}`, map literals `map[K]V{...}`, `func literal`, and `append`
//          (the backing array it allocates when the slice grows, which recent compilers keep on
//          the stack when the slice does not escape).
//   iface  any other expression that `escapes to heap` or `does not escape`: values converted to
//          an interface (`x`, `"lit"`, `T{...}`, `3`), `... argument`, `string(b)` and
//          `([]byte)(s)` conversions, string concatenations, method values.
//   param  what the compiler says about parameters: `leaking param: p`, `leaking param content:
//          p`, and `p does not escape` (a bare identifier that does not escape). Ignored.
//          The rule is deliberately simple: a bare identifier converted to an interface that does
//          not escape reads the same way and lands here too; only escaping iface messages are
//          scored, so nothing scored is lost.
//   other  everything else (`can inline f`, `inlining call to g`, `zero-copy string->[]byte
//          conversion`, `index bounds check elided`, ...). Ignored.

/** @typedef {{ file: string, line: number, column: number, message: string }} GcMessage */
/** @typedef {'moved' | 'alloc' | 'iface' | 'param' | 'other'} Kind */
/** @typedef {'func' | 'append' | 'addr' | 'new' | 'make' | 'slice' | 'map'} AllocForm */
/**
 * @typedef {object} Classified
 * @property {Kind} kind
 * @property {boolean} escapes  moved, or `escapes to heap`
 * @property {string} subject   the variable name (moved) or the expression text
 * @property {AllocForm} [form] for alloc: which allocation
 */

const POSITIONED = /^(.+?):(\d+):(\d+): (.*)$/;

/**
 * The positioned lines of compiler output, with file names made absolute against the directory
 * the compiler ran in (it prints `./f.go` or `../x/f.go` when shorter, else the absolute path).
 * Package headers (`# pkg`) and anything else unpositioned are dropped.
 * @param {string} text
 * @param {(file: string) => string} absolute
 * @returns {GcMessage[]}
 */
export function parseGcOutput(text, absolute) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = POSITIONED.exec(line.trimEnd());
    if (m) out.push({ file: absolute(m[1]), line: Number(m[2]), column: Number(m[3]), message: m[4] });
  }
  return out;
}

/**
 * Sorted by file, line, column and message, each message once. The compiler prints in its own
 * order and can repeat a message (a generic function analysed once per shape).
 * @template {GcMessage} T
 * @param {T[]} messages
 * @returns {T[]}
 */
export function sortMessages(messages) {
  const key = (m) => `${m.file}\0${m.line}\0${m.column}\0${m.message}`;
  const unique = new Map(messages.map((m) => [key(m), m]));
  return [...unique.values()].sort(
    (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.message, b.message),
  );
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// goleash phrases a finding as the compiler does and adds why in parentheses at the end:
// `moved to heap: x (captured by a goroutine)`, `&Node{...} escapes to heap (returned)`.
const WITH_REASON = /^(.*?(?:escapes to heap|does not escape|moved to heap: [^\s(]+)) \((.*)\)$/s;

/**
 * The message without goleash's trailing ` (reason)`; compiler messages pass unchanged.
 * @param {string} message
 */
export function stripReason(message) {
  const m = WITH_REASON.exec(message);
  return m ? m[1] : message;
}

const MOVED = /^moved to heap: (\S+)$/;
const VERDICT = /^(.+) (escapes to heap|does not escape)$/s; // s: goleash may quote a multi-line expression
const LEAKING = /^leaking (param|param content|closure reference)\b/;
const BARE_IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Allocation forms by how the compiler spells them; first match wins. */
const ALLOC_FORMS = /** @type {const} */ ([
  ['func', /^func literal$/],
  ['append', /^append$/], // `append(...) escapes to heap` is the result converted to an interface
  ['addr', /^&/], // &T{...}, &[3]int{}
  ['new', /^new\(/],
  ['make', /^make\(/],
  ['slice', /^\[\][^{]*\{.*\}$/s], // []T{...}; conversions print as ([]byte)(s)
  ['map', /^map\[.*\}$/s], // map[K]V{...}
]);

/**
 * The kind of a compiler message, or of a goleash message once its reason is stripped.
 * @param {string} message
 * @returns {Classified}
 */
export function classify(message) {
  const text = stripReason(message);
  const moved = MOVED.exec(text);
  if (moved) return { kind: 'moved', escapes: true, subject: moved[1] };
  if (LEAKING.test(text)) return { kind: 'param', escapes: false, subject: text };
  const verdict = VERDICT.exec(text);
  if (!verdict) return { kind: 'other', escapes: false, subject: text };
  const subject = verdict[1];
  const escapes = verdict[2] === 'escapes to heap';
  const form = ALLOC_FORMS.find(([, re]) => re.test(subject))?.[0];
  if (form) return { kind: 'alloc', escapes, subject, form };
  if (!escapes && BARE_IDENTIFIER.test(subject)) return { kind: 'param', escapes, subject };
  return { kind: 'iface', escapes, subject };
}

/**
 * Expression text compared without layout: the compiler prints `map[string]int{...}`, goleash
 * may keep the source's spacing.
 * @param {string} expr
 */
export function normalizeExpr(expr) {
  return expr.replace(/\s+/g, '');
}
