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
// - `--no-wasm-tier-up --no-wasm-dynamic-tiering`: WebAssembly stays in Liftoff, V8's baseline
//   compiler. The WebAssembly a run executes is undici's llhttp, the HTTP parser of fetch (Node's
//   own, for Octokit in the action; client-node's copy sent the Kubernetes requests until
//   src/kube/transport.ts replaced it). Once enough responses went through it, V8 recompiled its
//   33 KB state-machine function with TurboFan on a worker thread: 110–170 ms of CPU and a 23 MB
//   compile zone (malloc, kept by the thread's arena), then the single biggest piece of a
//   1,000-binding plan's peak (heaptrack). Both
//   flags are needed at run time: `--liftoff-only` and the tiering budget are not honoured once V8
//   has started (traced with --trace-wasm-compilation-times), and `--no-wasm-dynamic-tiering` alone
//   compiles every function with TurboFan up front.
// - `--invocation-count-for-maglev=2000` (V8's default 400): only functions that run often enough
//   to pay for it are compiled by Maglev. A plan calls hundreds of library functions a few hundred
//   times each (parsers, SDK middleware); their Maglev compiles ran concurrently on V8's worker
//   threads, each in its own compile zone, ~12 MB of malloc at the peak, for code that then ran a
//   handful more times. Hot loops still tier up (the parsers' inner functions run far more often).
// - `--memory-saver-mode`: V8's full GCs run in their memory-reducing form (they compact and give
//   freed pages back instead of keeping them pooled for reuse). In a 1,000-binding plan the pool
//   held up to 9 MB of pages the plan never needed again, and the peak varied by ±8 MB with when
//   the collections fell; with it, peak RSS of the steady plan 115–130 → 109–117 MB (8 runs each,
//   median 117 → 113). It costs CPU: +8 % at 1,000 bindings (1.74 → 1.87 s), +3 % at 10,000 and
//   ~+40 ms at 10 bindings; the limit is memory, and a plan's wall time moves far less.
//
// Measured (bundled CLI, `plan --format json`, alternating runs; bench/results/memory.md, "Third
// round" and "Fourth round", has every figure):
// - `--no-turbofan --heap-growing-percent=20`, 1,000 bindings, steady plan: peak RSS 148–156 →
//   128–156 MB at load average 2–3, CPU and wall time the same. 10,000 bindings, first plan:
//   354–374 → 212–238 MB, under the 250 MB goal, for CPU time +19–40 % (~30 full GCs instead of 4).
//   (Through the bench's old getrusage probe, which overstated peaks; see memory.md.)
// - The WebAssembly and Maglev lines on top (load average ~2, 5–6 runs each): 10 bindings 90–94 →
//   78–80 MB; 1,000 steady 129–146 → 113–120 MB; 1,000 first plan 130–154 → 114–119 MB; 10,000
//   first plan 236–237 → 217–226 MB. CPU time the same at every size.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-turbofan');
setFlagsFromString('--heap-growing-percent=20');
setFlagsFromString('--no-wasm-tier-up');
setFlagsFromString('--no-wasm-dynamic-tiering');
setFlagsFromString('--invocation-count-for-maglev=2000');
setFlagsFromString('--memory-saver-mode');
