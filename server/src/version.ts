// The package version, stamped in by esbuild; "dev" when running from source (tests).
declare const GOLEASH_VERSION: string | undefined;

export const VERSION: string = typeof GOLEASH_VERSION === 'string' ? GOLEASH_VERSION : '0.0.0-dev';
