// Imported first by both entry points (src/cli.ts, src/index.ts): keeps V8's young generation at
// its initial size instead of letting it grow to 3 × 16 MB. A plan allocates mostly short-lived
// objects (parsed YAML, IAM XML pages, Kubernetes lists) that die young either way, so the bigger
// nursery bought little time but most of the peak RSS: measured on the 1,000-binding plan, 276 MB
// → 159 MB with no measurable change in wall time (bench/results/latest.md has the current
// figures). `--max-semi-space-size` would do the same but can only be given on the command line,
// and neither the action runner nor `npx` lets us pass node flags; the growth factor can still be
// set at run time.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
