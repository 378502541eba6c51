// The bench's RSS probe must report the measured process's own peak, not memory it inherited: a
// child's getrusage ru_maxrss carries the RSS of the forked copy of its parent that its exec
// replaced, so a small child of a big parent (the bench, which holds the emulators) looked big.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const probe = join(import.meta.dirname, '..', '..', 'bench', 'rss-probe.mjs');

/** Peak RSS (MB) the probe reports for `node -e 0` spawned by a parent that first touches `parentMb`. */
function reportedChildPeak(parentMb: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'wib-rss-probe-'));
  try {
    const rssFile = join(dir, 'maxrss');
    const parent = `
      const held = [];
      for (let i = 0; i < ${parentMb}; i++) held.push(Buffer.alloc(1 << 20, 1));
      const r = require('node:child_process').spawnSync(process.execPath, ['--import', ${JSON.stringify(probe)}, '-e', '0'], {
        env: { ...process.env, BENCH_RSS_FILE: ${JSON.stringify(rssFile)} },
        stdio: 'inherit',
      });
      process.exitCode = r.status ?? 1;
      held.length = 0;
    `;
    const run = spawnSync(process.execPath, ['-e', parent], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    return Number(readFileSync(rssFile, 'utf8')) / 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux("reports the child's own peak whatever the size of the process that spawned it", () => {
  const small = reportedChildPeak(0);
  const big = reportedChildPeak(300);
  // `node -e 0` needs ~40–50 MB; with ru_maxrss the second figure was ~300 MB.
  expect(small).toBeGreaterThan(10);
  expect(small).toBeLessThan(150);
  expect(big).toBeLessThan(small + 30);
});
