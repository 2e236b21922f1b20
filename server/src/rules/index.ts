// The rule registry: the only way front ends reach rules. A new rule is one file and one line here.
import { blockedSend } from './blockedSend';
import { forSelectNoDone } from './forSelectNoDone';
import { heapEscape } from './heapEscape';
import { unboundedGoroutine } from './unboundedGoroutine';
import { unclosedChannel } from './unclosedChannel';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [forSelectNoDone, unboundedGoroutine, unclosedChannel, blockedSend, heapEscape];

/** Rule ids that are part of the public interface but whose analysis has not landed yet. */
export const PLANNED_RULE_IDS: readonly string[] = [];

export const DOCS_BASE = 'https://github.com/goleash/goleash/blob/main/README.md';

export function ruleUrl(id: string): string {
  return `${DOCS_BASE}#${id}`;
}

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
