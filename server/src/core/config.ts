// The configuration file: `goleash.json` or `.goleash.json`, found by walking up from a linted
// file's directory (the nearest wins), or one file named for everything (`--config`). It is
// checked against schemas/goleash.schema.json, the same schema editors use to complete it, and
// every problem names the file, the key and what was expected. Front ends overlay their own
// options on the settings it gives (see overlaySettings).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
// The ES module build: the UMD one (package.json "main") loads its parts with a dynamic require
// that a bundle cannot follow.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import picomatch from 'picomatch';
import schema from '../../../schemas/goleash.schema.json';
import { DEFAULT_SETTINGS, parseRuleSettings, withEscapeSettings, type Settings } from './settings';

export const CONFIG_NAMES = ['goleash.json', '.goleash.json'] as const;

/** `failOn` values: a severity (info for information), or none. */
export const FAIL_ON_LEVELS = ['error', 'warning', 'information', 'hint', 'info', 'none'] as const;
export type FailOnLevel = (typeof FAIL_ON_LEVELS)[number];

/** A configuration file that cannot be used: the message names the file and the key. */
export class ConfigError extends Error {}

export interface Config {
  /** The file, as the user would name it (relative to the working directory when inside it). */
  path: string;
  /** Its directory, absolute: exclude globs are relative to it. */
  dir: string;
  settings: Settings;
  failOn?: FailOnLevel;
  /** Is this file (or a directory above it, up to `dir`) matched by an exclude glob? */
  excludes(path: string): boolean;
}

/** The file's contents as JSON Schema describes them (checked before use). */
interface RawConfig {
  rules?: Record<string, unknown>;
  exclude?: string[];
  escape?: string;
  escapeInterfaces?: boolean;
  reportUnusedIgnores?: boolean;
  failOn?: FailOnLevel;
}

/** Reads and checks one configuration file; throws ConfigError on any problem. */
export function loadConfig(file: string): Config {
  const path = displayPath(file);
  const raw = validate(path, parseJson(path, readText(path, file)));
  const rules = parseRuleSettings(raw.rules, `${path}: rules`);
  const escape = withEscapeSettings(rules.settings, raw.escape, raw.escapeInterfaces, path);
  const problems = [...rules.problems, ...escape.problems];
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const dir = dirname(resolve(file));
  const settings = raw.reportUnusedIgnores === undefined ? escape.settings : { ...escape.settings, reportUnusedIgnores: raw.reportUnusedIgnores };
  return { path, dir, settings, ...(raw.failOn ? { failOn: raw.failOn } : {}), excludes: excludeMatcher(path, dir, raw.exclude ?? []) };
}

/**
 * Finds the configuration for each directory: the `--config` file for all of them when given,
 * else the nearest goleash.json / .goleash.json at or above the directory. Files are read once.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, Config | undefined>();
  private readonly byFile = new Map<string, Config>();

  constructor(private readonly override?: string) {
    if (override !== undefined && !existsSync(override)) throw new ConfigError(`${override}: no such configuration file`);
  }

  /** The configuration that applies to files in `dir`, if any. */
  forDirectory(dir: string): Config | undefined {
    if (this.override !== undefined) return this.load(this.override);
    const abs = resolve(dir);
    if (!this.byDir.has(abs)) {
      const here = configFileIn(abs);
      const parent = dirname(abs);
      this.byDir.set(abs, here ? this.load(here) : parent === abs ? undefined : this.forDirectory(parent));
    }
    return this.byDir.get(abs);
  }

  private load(file: string): Config {
    const key = resolve(file);
    let config = this.byFile.get(key);
    if (!config) this.byFile.set(key, (config = loadConfig(file)));
    return config;
  }
}

/** The config file of one directory; both names at once is ambiguous and refused. */
function configFileIn(dir: string): string | undefined {
  const found = CONFIG_NAMES.map((name) => join(dir, name)).filter(isFile);
  if (found.length > 1) throw new ConfigError(`${displayPath(dir)}: both ${CONFIG_NAMES.join(' and ')}; keep one`);
  return found[0];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Settings with a front end's own options on top: each rule the options name, and each flag
 * they set, wins over the file's.
 */
export function overlaySettings(base: Settings | undefined, over: Partial<Settings>): Settings {
  const from = base ?? DEFAULT_SETTINGS;
  const merged: Settings = { ...from, rules: { ...from.rules, ...over.rules } };
  if (over.escapeInterfaces !== undefined) merged.escapeInterfaces = over.escapeInterfaces;
  if (over.reportUnusedIgnores !== undefined) merged.reportUnusedIgnores = over.reportUnusedIgnores;
  return merged;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(file);
}

function readText(path: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Strict JSON (no comments, no trailing commas), with the place of the first error. */
function parseJson(path: string, text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return value;
  const [first] = errors;
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(); // ValueExpected → value expected
  throw new ConfigError(`${path}:${lineColumn(text, first.offset)}: not valid JSON: ${what}`);
}

/** `line:column`, 1-based, of an offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

let validator: ValidateFunction | undefined;

/** Checks the parsed file against the schema (compiled on first use: most runs have no config). */
function validate(path: string, data: unknown): RawConfig {
  validator ??= new Ajv({ allErrors: true, verbose: true }).compile(schema);
  if (validator(data)) return data as RawConfig;
  const messages = [...new Set((validator.errors ?? []).map((e) => `${path}: ${describeError(e)}`))];
  throw new ConfigError(messages.join('\n'));
}

/** One schema violation in words: the key path, then what was expected and what was found. */
function describeError(e: ErrorObject): string {
  const at = keyPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return `${at ? `${at}.` : ''}${key}: unknown key; expected one of ${known.join(', ')}`;
    }
    case 'type':
      return `${at || '(top level)'}: expected ${withArticle((e.params as { type: string }).type)}, got ${jsonType(e.data)}`;
    case 'enum':
      return `${at}: expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`;
    default:
      return `${at || '(top level)'}: ${e.message ?? 'invalid'}`;
  }
}

/** `/rules/heap-escape` → `rules.heap-escape`; `/exclude/0` → `exclude[0]`. */
function keyPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
  return withArticle(typeof v === 'object' ? 'object' : typeof v === 'number' ? `number (${v})` : `${typeof v} (${String(v)})`);
}

/**
 * Exclude globs (picomatch syntax) matched against paths relative to the config's directory, and
 * against each directory on the way, so `gen` or `**\/mocks` leave out whole trees. A glob that
 * cannot match (unbalanced brackets, absolute, reaching above the directory, negated) is an error.
 */
function excludeMatcher(path: string, dir: string, globs: readonly string[]): (file: string) => boolean {
  if (globs.length === 0) return () => false;
  const problems = globs.flatMap((glob, i) => {
    const why = globProblem(glob);
    return why ? [`${path}: exclude[${i}]: ${JSON.stringify(glob)} is not a valid glob: ${why}`] : [];
  });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const matches = picomatch([...globs], { dot: true });
  return (file) => {
    const rel = relative(dir, resolve(file));
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return false;
    const parts = rel.split(sep);
    return parts.some((_, i) => matches(parts.slice(0, i + 1).join('/')));
  };
}

/** Why a glob is refused, or undefined when it is fine. */
function globProblem(glob: string): string | undefined {
  if (glob.startsWith('!')) return 'negation (!) is not supported; list only what to leave out';
  if (isAbsolute(glob) || /^[A-Za-z]:[\\/]/.test(glob)) return "expected a path relative to the config file's directory";
  if (glob.split('/').includes('..')) return "expected a path inside the config file's directory (no ..)";
  try {
    // picomatch turns a pattern it cannot compile into /$^/, which matches nothing.
    if (picomatch.makeRe(glob, { dot: true, strictBrackets: true }).source === '$^') return 'it cannot match any path';
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
