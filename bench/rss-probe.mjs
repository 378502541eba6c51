// Preloaded into a measured child process (`node --import ./bench/rss-probe.mjs ...`): when the
// process exits it writes its peak resident set size (KiB) to the file named by BENCH_RSS_FILE, so
// the bench measures the real CLI without wrapping it in other code.
//
// The peak is the kernel's VmHWM (/proc/self/status): the high-water mark of this process's own
// memory since it started. Not getrusage's ru_maxrss (`process.resourceUsage().maxRSS`): Linux
// carries into it the RSS of the process image the exec replaced, which for a child of node is a
// fork of the parent — so a plan spawned by the bench, whose process holds the emulators and grows
// with every baseline run, reported up to ~40 MB more than it ever used (a `node -e 0` spawned from
// a parent of 347 MB reported 306 MB; its VmHWM was 42 MB). Off Linux, ru_maxrss is what there is.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;

/** Peak RSS in KiB of this process since it started. */
function peakRssKib() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

if (target) process.on('exit', () => writeFileSync(target, String(peakRssKib())));
