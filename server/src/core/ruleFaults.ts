// A rule that fails on demand, so tests can check from the outside that one rule's exception is
// reported once and never suppresses the others: GOLEASH_TEST_RULE_FAULT=RULE-ID makes that rule
// throw on every file. Unset (always, outside tests), the rules are the real ones.
import { RULES } from '../rules';
import type { Rule } from '../rules/types';

export function rulesWithFaults(env: NodeJS.ProcessEnv = process.env): readonly Rule[] | undefined {
  const id = env.GOLEASH_TEST_RULE_FAULT;
  if (!id) return undefined;
  return RULES.map((rule) =>
    rule.id !== id
      ? rule
      : {
          ...rule,
          check: () => {
            throw new Error(`injected fault (GOLEASH_TEST_RULE_FAULT=${id})`);
          },
        },
  );
}
