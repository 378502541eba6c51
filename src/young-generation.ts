// Imported first by both entry points (src/cli.ts, src/index.ts): keeps V8's young generation at
// its initial size instead of letting it grow to 3 × 16 MB. A plan allocates mostly short-lived
// objects (parsed YAML, IAM XML pages, Kubernetes lists) that die young either way, so the bigger
// nursery bought little time but most of the peak RSS: measured on the bundled 1,000-binding plan
// (on a 2-core machine at a load average of ~20), peak RSS 276 MB → 167–177 MB, wall time 17.4 s
// → 16.9–22.7 s, inside that machine's noise; it costs more scavenges (GC was ~10 % of a
// 10-binding plan's CPU profile). bench/results/latest.md has the current figures. `--max-semi-space-size` would do the same but can only be given on the command line,
// and neither the action runner nor `npx` lets us pass node flags; the growth factor can still be
// set at run time.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
