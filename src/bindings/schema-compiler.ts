// Compiles a JSON Schema (the bindings file's, the guardrails file's) into a validator with ajv.
// The bundle does not ship this module: scripts/bundle.mjs puts in its place the validators ajv
// generates ahead of time from the same schemas and options (scripts/schema-standalone.mjs), so a
// run neither loads ajv nor compiles a schema. Keep AJV_OPTIONS equal to the options there.
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';

const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false };

// ajv is CommonJS; under Node's ESM (and jest's) the default import is module.exports, whose
// `default` property is the class.
const Ajv2020 = Ajv2020Module.default;
let ajv: InstanceType<typeof Ajv2020> | undefined;

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020(AJV_OPTIONS);
    // `x-rule` is our annotation: the rule in words that messages quote.
    ajv.addVocabulary(['x-rule']);
  }
  return ajv.compile(schema);
}
