// The long fuzz run: `npm run fuzz -- --count 100000 --seed 7` (`--seconds N` stops it after N
// seconds and prints how many inputs it ran). Runs the same test CI runs
// (test/robustness/fuzz.test.ts) with more inputs; a failure names the seed that rebuilds it
// (`npm run fuzz -- --count 1 --seed THAT`).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    budget: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '0' },
  },
});
for (const [name, v] of Object.entries(values)) {
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got ${v}`);
}
console.log(`fuzz: ${values.count} inputs from seed ${values.seed}, budget ${values.budget} ms per rule and file`);
const r = spawnSync('npx', ['vitest', 'run', 'test/robustness/fuzz.test.ts', '-t', 'analysis core'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_COUNT: values.count, FUZZ_SEED: values.seed, FUZZ_BUDGET_MS: values.budget, FUZZ_VERBOSE: '1', ...(values.seconds !== '0' ? { FUZZ_SECONDS: values.seconds } : {}) },
});
process.exit(r.status ?? 1);
