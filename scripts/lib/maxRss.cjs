// Preloaded (node --require) into the processes `npm run bench` measures: when the process
// exits, its peak resident set size (process.resourceUsage().maxRSS, in KiB; the whole process,
// worker threads included) is written to the file named by GOLEASH_BENCH_RSS_FILE.
const { writeFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.GOLEASH_BENCH_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
