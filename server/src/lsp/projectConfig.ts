// goleash.json in the editor: the same file the command line reads (core/config.ts), found by
// walking up from each file's directory. Its rules, escape settings and reportUnusedIgnores are
// the base; what the user set in the editor is laid over them, rule by rule (as `--rule` is on
// the command line). Files its `exclude` globs match get no diagnostics. A file with a problem
// is reported once and ignored, so a typo in it never silences the editor.
import { dirname, resolve } from 'node:path';
import { ConfigError, ConfigResolver, overlaySettings, type Config } from '../core/config';
import type { Settings } from '../core/settings';

export class ProjectConfigs {
  private resolver = new ConfigResolver();
  private readonly broken = new Map<string, string>();
  private readonly reported = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /** The settings for the files of a directory: their goleash.json's, with the editor's on top. */
  settingsIn(dir: string, editor: Settings): Settings {
    const config = this.configOf(dir);
    return config ? overlaySettings(config.settings, editor) : editor;
  }

  /** Is the file left out by an `exclude` glob of its goleash.json? */
  excludes(path: string): boolean {
    return this.configOf(dirname(path))?.excludes(path) ?? false;
  }

  /** A goleash.json changed, appeared or went: read them all again. */
  reset(): void {
    this.resolver = new ConfigResolver();
    this.broken.clear();
    this.reported.clear();
  }

  private configOf(dir: string): Config | undefined {
    const key = resolve(dir);
    if (this.broken.has(key)) return undefined;
    try {
      return this.resolver.forDirectory(key);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.broken.set(key, err.message);
      if (!this.reported.has(err.message)) {
        this.reported.add(err.message);
        this.warn(`goleash: ignoring a configuration file: ${err.message}`);
      }
      return undefined;
    }
  }
}
