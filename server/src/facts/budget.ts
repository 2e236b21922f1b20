// A time budget for analysing one file with one rule. JavaScript cannot interrupt synchronous
// code, so the budget is cooperative: the analysis core opens a budget around each rule
// (`withBudget`), and the loops that can run long on hostile input (the escape walks, the rule
// loops) call `checkBudget()`, which throws `BudgetExceeded` once the deadline has passed. The
// core reports that as the rule's failure on the file. With no budget open, checks cost a counter.
// It lives under facts/ (the lowest layer) so that index/ and rules/ can check it too.

/** The default per file and rule; a rule this slow on one file is looping on bad input. */
export const DEFAULT_BUDGET_MS = 2000;

/** Thrown inside a rule whose time on a file ran out. */
export class BudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`aborted after ${budgetMs} ms (the per-file time budget)`);
    this.name = 'BudgetExceeded';
  }
}

// Reading the clock is the costly part: look at it once every CHECK_EVERY calls.
const CHECK_EVERY = 256;

interface Budget {
  deadline: number;
  ms: number;
}

let current: Budget | undefined;
let calls = 0;

/** Runs `fn` with `ms` milliseconds to spare (Infinity or undefined: no limit); budgets nest. */
export function withBudget<T>(ms: number | undefined, fn: () => T): T {
  if (ms === undefined || !Number.isFinite(ms)) return fn();
  const outer = current;
  current = { deadline: Date.now() + ms, ms };
  calls = 0;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** Throws BudgetExceeded when the open budget has run out. Cheap enough for hot loops. */
export function checkBudget(): void {
  if (!current || ++calls % CHECK_EVERY !== 0) return;
  if (Date.now() > current.deadline) throw new BudgetExceeded(current.ms);
}
