// Preloaded into a measured child process (`node --import ./bench/rss-probe.mjs ...`): when the
// process exits it writes its peak resident set size (KiB, from the kernel's rusage) to the file
// named by BENCH_RSS_FILE, so the bench measures the real CLI without wrapping it in other code.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
