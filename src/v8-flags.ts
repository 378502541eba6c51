// Imported first by both entry points (src/cli.ts, src/index.ts): V8 settings that trade a little
// speed in long-running processes for memory in ours, which live for seconds. Neither the action
// runner nor `npx` lets us pass node flags, so they are set here at run time, before the heavy
// code loads. Only flags V8 reads while it runs take effect this way (bench/results/memory.md,
// "Third round", lists the ones that do not, and `--no-parallel-marking`, which crashes V8).
//
// - `--semi-space-growth-factor=1` keeps the young generation at its initial 1 MB instead of
//   letting it grow to 3 × 16 MB. A plan allocates mostly short-lived objects (parsed YAML, IAM XML
//   pages, Kubernetes lists) that die young either way, so the bigger nursery bought little time
//   but most of the peak RSS: bundled 1,000-binding plan, 276 MB → 167–177 MB, wall time inside the
//   machine's noise. (`--max-semi-space-size` would do the same, but only on the command line.)
// - `--no-turbofan`: functions tier up to Maglev but not to Turbofan. In a plan of a few seconds,
//   Turbofan's compiles on V8's worker threads (~0.5 s of CPU at 1,000 bindings) rarely pay for
//   themselves, and its compile zones (malloc), code and the binary's Turbofan pages add to the peak.
// - `--heap-growing-percent=20`: after each full GC, old space may grow by 20 % before the next
//   one, instead of V8's 1.1–4× chosen for throughput. Without it a plan's old space fills with
//   promoted garbage and is collected once or twice in the whole run.
//
// Measured (bundled CLI, `plan --format json`, steady state unless said, the two last flags against
// main without them, alternating runs; bench/results/memory.md "Third round" has every figure):
// - 1,000 bindings: peak RSS 124–149 → 118–133 MB at load average 4–7, 148–156 → 128–156 MB
//   (median 151 → 140) at load average 2–3; CPU and wall time the same (Turbofan's background
//   compiles are gone, the extra full GCs cost about as much). 120 MB is approached, not met.
// - 10 bindings: no measurable change in CPU or wall time (12 alternating runs each).
// - 10,000 bindings, first plan: peak RSS 354–374 → 212–238 MB, under the 250 MB goal, for CPU
//   time +19–40 % (~30 full GCs instead of 4).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-turbofan');
setFlagsFromString('--heap-growing-percent=20');
