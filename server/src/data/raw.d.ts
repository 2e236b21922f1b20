// `import text from './file?raw'`: the file's text. Vite (vitest) does this natively; esbuild.mjs
// does it with a small plugin.
declare module '*?raw' {
  const text: string;
  export default text;
}
