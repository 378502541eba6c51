// `workload-identity schema`: print the bindings file's JSON Schema (for editors and CI checks).
import { bindingsSchema } from '../bindings/schema.js';
import type { CommandIo } from './io.js';

export function schemaCommand(io: CommandIo): number {
  io.out(JSON.stringify(bindingsSchema, null, 2));
  return 0;
}
