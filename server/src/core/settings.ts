// User settings shared by the editor and the command line: which rules run, at what severity.
// Values come from JSON (LSP workspace/configuration, a config file), so they are checked here
// and every problem is described, never silently dropped.
import { PLANNED_RULE_IDS, RULES } from '../rules';
import { SEVERITIES, type Severity } from '../rules/types';

export type RuleSetting = Severity | 'off';
export const RULE_SETTINGS: readonly RuleSetting[] = [...SEVERITIES, 'off'];

export interface Settings {
  /** Per rule: its severity, or 'off'. Rules not named run at their default severity. */
  rules: Record<string, RuleSetting>;
  /** heap-escape also reports interface conversions (`x escapes to heap` for fmt arguments). */
  escapeInterfaces?: boolean;
  /** Suppression comments that silence nothing are reported (see core/unusedSuppressions.ts). */
  reportUnusedIgnores?: boolean;
}

/** `goleash.escape`: heap-escape's level, kept low by default (it is information, not a bug). */
export const ESCAPE_LEVELS = ['off', 'hint', 'information'] as const;

/**
 * Reads `escape` (off | hint | information) and `escapeInterfaces` (boolean) into settings;
 * an explicit `rules["heap-escape"]` wins over `escape`.
 */
export function withEscapeSettings(settings: Settings, escape: unknown, interfaces: unknown, where = 'goleash'): SettingsResult {
  const problems: string[] = [];
  const rules = { ...settings.rules };
  if (escape !== undefined && escape !== null) {
    const level = escape === 'info' ? 'information' : escape;
    if (typeof level === 'string' && (ESCAPE_LEVELS as readonly string[]).includes(level)) rules['heap-escape'] ??= level as RuleSetting;
    else problems.push(`${where}.escape: expected one of ${ESCAPE_LEVELS.join(', ')}, got ${JSON.stringify(escape)}`);
  }
  let escapeInterfaces = settings.escapeInterfaces;
  if (interfaces !== undefined && interfaces !== null) {
    if (interfaces === true || interfaces === 'true') escapeInterfaces = true;
    else if (interfaces === false || interfaces === 'false') escapeInterfaces = false;
    else problems.push(`${where}.escapeInterfaces: expected true or false, got ${JSON.stringify(interfaces)}`);
  }
  return { settings: { ...settings, rules, ...(escapeInterfaces !== undefined ? { escapeInterfaces } : {}) }, problems };
}

export const DEFAULT_SETTINGS: Settings = { rules: {} };

export interface SettingsResult {
  settings: Settings;
  problems: string[];
}

const KNOWN_IDS = new Set([...RULES.map((r) => r.id), ...PLANNED_RULE_IDS]);

/**
 * Reads `{ "rule-id": "warning" | "off" | true | false, … }`. `true` means on at the default
 * severity. Unknown rule ids and values are reported in `problems` and ignored.
 */
export function parseRuleSettings(raw: unknown, where = 'rules'): SettingsResult {
  const rules: Record<string, RuleSetting> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { settings: { rules }, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: { rules }, problems: [`${where}: expected an object of rule id → severity, got ${JSON.stringify(raw)}`] };
  }
  for (const [id, value] of Object.entries(raw)) {
    if (!KNOWN_IDS.has(id)) {
      problems.push(`${where}.${id}: unknown rule (known: ${[...KNOWN_IDS].join(', ')})`);
      continue;
    }
    const setting = toSetting(value);
    if (setting === undefined) {
      problems.push(`${where}.${id}: expected one of ${RULE_SETTINGS.join(', ')} (or info), true or false, got ${JSON.stringify(value)}`);
      continue;
    }
    if (setting !== 'default') rules[id] = setting;
  }
  return { settings: { rules }, problems };
}

function toSetting(value: unknown): RuleSetting | 'default' | undefined {
  // Strings too: the command line and some editors' settings carry everything as text.
  if (value === true || value === 'true') return 'default';
  if (value === false || value === 'false') return 'off';
  if (value === 'info') return 'information';
  if (typeof value === 'string' && (RULE_SETTINGS as readonly string[]).includes(value)) return value as RuleSetting;
  return undefined;
}

/** The severity a rule runs at under these settings, or undefined when it is off. */
export function effectiveSeverity(settings: Settings, id: string, fallback: Severity): Severity | undefined {
  const s = settings.rules[id];
  if (s === 'off') return undefined;
  return s ?? fallback;
}
