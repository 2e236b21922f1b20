// What a lint run is told to do, per directory: the configuration file that applies there
// (core/config.ts) with the command line on top. `--rule` wins over the file rule by rule, and
// a flag given on the command line wins over the file's key.
import { dirname } from 'node:path';
import { ConfigResolver, overlaySettings, type FailOnLevel } from '../core/config';
import type { Settings } from '../core/settings';

export interface RunConfig {
  settingsFor(dir: string): Settings;
  isExcluded(path: string): boolean;
  /** --fail-on, else the `failOn` of the --config file or the working directory's config. */
  failOn: FailOnLevel;
}

export interface CommandLineSettings {
  config?: string;
  failOn?: FailOnLevel;
  overrides: Partial<Settings>;
}

export function runConfig({ config, failOn, overrides }: CommandLineSettings): RunConfig {
  const resolver = new ConfigResolver(config);
  const settingsByDir = new Map<string, Settings>();
  return {
    settingsFor(dir) {
      let s = settingsByDir.get(dir);
      if (!s) settingsByDir.set(dir, (s = overlaySettings(resolver.forDirectory(dir)?.settings, overrides)));
      return s;
    },
    isExcluded: (path) => resolver.forDirectory(dirname(path))?.excludes(path) ?? false,
    failOn: failOn ?? resolver.forDirectory('.')?.failOn ?? 'warning',
  };
}
