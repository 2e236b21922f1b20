// Memoised summaries of mutually recursive functions, computed to a fixed point. A summary may
// ask for others, including itself through a cycle (a recursive-descent parser's methods all call
// each other through the receiver). A summary asked for while it is being computed answers with
// its value so far (bottom at first); when the outermost summary of a cycle is done, the cycle is
// computed again from the values reached until no summary was read at a value it later left, and
// only then are its summaries final. Each cycle is one strongly connected component of the
// "asks for" graph (found as Tarjan's algorithm does, on the call stack), so a summary outside
// any cycle is computed exactly once, and a cycle costs a few passes over its members — never a
// recomputation per nesting level, which is exponential in the depth of the cycle.
//
// Values only grow (each pass joins the new value into the old), so a pass that changes
// something raises a value in a finite lattice, and the passes end.

interface Pending<V> {
  key: string;
  order: number;
  /** The lowest order of a pending summary this one (or one it asked for) read: Tarjan's lowlink. */
  low: number;
  value: V;
  /** The value the first read of it while pending returned, this pass (undefined: not read). */
  firstRead?: V;
}

export class RecursiveMemo<V> {
  private readonly done = new Map<string, V>();
  private readonly pending = new Map<string, Pending<V>>();
  /** Tarjan's stack: pending summaries, in the order they started. */
  private readonly stack: Pending<V>[] = [];
  /** Summaries being computed, innermost last. */
  private readonly computing: Pending<V>[] = [];
  /** Values reached by members of a cycle in an earlier pass: where the next pass starts. */
  private readonly seeds = new Map<string, V>();
  private order = 0;

  constructor(
    private readonly bottom: V,
    private readonly join: (a: V, b: V) => V,
  ) {}

  get(key: string, compute: () => V): V {
    const done = this.done.get(key);
    if (done !== undefined) return done;
    const asker = this.computing.at(-1);
    const pending = this.pending.get(key);
    if (pending) {
      // A cycle: answer with the value so far, and note it was read at that value.
      if (asker) asker.low = Math.min(asker.low, pending.order);
      pending.firstRead ??= pending.value;
      return pending.value;
    }
    const node: Pending<V> = { key, order: this.order++, low: 0, value: this.seeds.get(key) ?? this.bottom };
    node.low = node.order;
    this.pending.set(key, node);
    this.stack.push(node);
    try {
      this.evaluate(node, compute);
      if (node.low === node.order) this.settle(node, compute);
    } catch (err) {
      this.abandon();
      throw err;
    }
    if (asker) asker.low = Math.min(asker.low, node.low);
    return node.value;
  }

  private evaluate(node: Pending<V>, compute: () => V): void {
    this.computing.push(node);
    try {
      node.value = this.join(node.value, compute());
    } finally {
      this.computing.pop();
    }
  }

  /** `root` heads a component (the summaries above it on the stack): iterate it, then finalise. */
  private settle(root: Pending<V>, compute: () => V): void {
    const seeded: string[] = [];
    for (;;) {
      const members = this.stack.slice(this.stack.indexOf(root));
      const stale = members.some((m) => m.firstRead !== undefined && m.firstRead !== m.value);
      if (!stale) {
        this.stack.length -= members.length;
        for (const m of members) {
          this.pending.delete(m.key);
          this.done.set(m.key, m.value);
        }
        for (const key of seeded) this.seeds.delete(key);
        return;
      }
      // Another pass: the members start again from the values they reached.
      for (const m of members.slice(1)) {
        this.pending.delete(m.key);
        this.seeds.set(m.key, m.value);
        seeded.push(m.key);
      }
      this.stack.length -= members.length - 1;
      root.firstRead = undefined;
      root.low = root.order;
      this.evaluate(root, compute);
      // The new values took the pass somewhere that reads a summary pending further out: the
      // cycle is part of a larger one, which its own head settles.
      if (root.low !== root.order) return;
    }
  }

  /** A computation threw: forget everything unfinished (finished summaries stay). */
  private abandon(): void {
    this.pending.clear();
    this.stack.length = 0;
    this.computing.length = 0;
    this.seeds.clear();
  }
}
