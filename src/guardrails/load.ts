// The guardrails file: bytes → YAML with positions → its own JSON Schema → typed rules, with the
// same file:line:col messages as the bindings file. When no file is found where one is looked for,
// the built-in defaults apply; a path given explicitly must exist.
import { dirname, join } from 'node:path';
import { hasErrors, type Diagnostic } from '../bindings/diagnostics.js';
import { sortDiagnostics } from '../bindings/load.js';
import {
  fileTooLarge,
  MAX_FILE_BYTES,
  parseBindingsSource,
  type JsonPath,
  type Locator,
} from '../bindings/parse.js';
import { schemaCheck } from '../bindings/schema.js';
import { checkControlCharacters } from '../bindings/control.js';
import { dotted } from '../bindings/describe.js';
import type { SourceLocation } from '../bindings/types.js';
import { isObject, valueAt } from '../bindings/values.js';
import schema from '../../schema/guardrails.schema.json' with { type: 'json' };
import { readInputFile } from '../support/input-file.js';
import { DEFAULT_GUARDRAILS } from './defaults.js';
import { RULE_IDS, type Guardrails, type Rule, type RuleException, type RuleId } from './types.js';

export const DEFAULT_GUARDRAILS_FILE = 'workload-identity.guardrails.yaml';

/** The JSON Schema of the guardrails file (draft 2020-12). */
export const guardrailsSchema: Readonly<Record<string, unknown>> = schema;
const checkGuardrailsSchema = schemaCheck(schema);

export interface GuardrailsLoadResult {
  /** Present only when there are no errors. */
  guardrails?: Guardrails;
  diagnostics: Diagnostic[];
}

/**
 * The parser's messages name the bindings file's keys; a guardrails file has others. Only the
 * messages about the file as a whole need rewording.
 */
function reword(d: Diagnostic): Diagnostic {
  let message = d.message;
  if (message.startsWith('the file is empty'))
    message =
      'the file is empty — start it with `version: 1` and the rules (see the README section "Guardrails"), or delete it to use the built-in defaults';
  else if (message.startsWith('the top level of the file is'))
    message = message.replace(
      /write keys at the top level: .*$/,
      'write keys at the top level: version, managedPolicies, inlinePolicies, permissionsBoundary, maxSessionDuration, subjects, roles, clusters',
    );
  message = message.replace(/a bindings file/g, 'a guardrails file');
  return message === d.message ? d : { ...d, message };
}

export function loadGuardrailsText(text: string | Uint8Array, path: string): GuardrailsLoadResult {
  const parsed = parseBindingsSource(text, path);
  if (!parsed.value) return { diagnostics: sortDiagnostics(parsed.diagnostics.map(reword)) };
  // A value holding a control character is reported once, for that (as in the bindings file).
  const control = checkControlCharacters(parsed.value, parsed.locate, path, {
    isFreeText: isGuardrailsFreeText,
    describe: (at) => (at.length ? dotted(at) : 'the top level'),
  });
  const positions = new Set(control.map((d) => `${d.line}:${d.col}`));
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics.map(reword),
    ...control,
    ...checkGuardrailsSchema(parsed.value, parsed.locate, path).filter(
      (d) => !positions.has(`${d.line}:${d.col}`),
    ),
  ]);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { guardrails: buildGuardrails(parsed.value, parsed.locate, path), diagnostics };
}

/** An exception's reason is the one free text: it may hold tabs and line breaks. */
function isGuardrailsFreeText(path: JsonPath): boolean {
  return path.length === 5 && path[2] === 'except' && path[4] === 'reason';
}

async function readGuardrails(path: string): Promise<GuardrailsLoadResult | 'missing'> {
  const read = await readInputFile(path, MAX_FILE_BYTES, {
    name: 'guardrails file',
    pointAt: 'point --guardrails (CLI) or the guardrails-file input (action) at the YAML file',
  });
  if (read.kind === 'missing') return 'missing';
  if (read.kind === 'bytes') return loadGuardrailsText(read.bytes, path);
  if (read.kind === 'too-large') return { diagnostics: [fileTooLarge(read.size, path)] };
  return { diagnostics: [{ severity: 'error', file: path, line: 1, col: 1, message: read.message }] };
}

/** Where the guardrails file is looked for when no path is given: next to the bindings file, then the root. */
export function guardrailsCandidates(bindingsPath: string): string[] {
  const beside = join(dirname(bindingsPath), DEFAULT_GUARDRAILS_FILE);
  return beside === DEFAULT_GUARDRAILS_FILE ? [beside] : [beside, DEFAULT_GUARDRAILS_FILE];
}

/**
 * Loads the guardrails for a bindings file. `explicitPath` (--guardrails / guardrails-file) must
 * exist; otherwise the first candidate found is used, and the built-in defaults when there is none.
 */
export async function loadGuardrails(options: {
  bindingsPath: string;
  explicitPath?: string;
}): Promise<GuardrailsLoadResult> {
  if (options.explicitPath) {
    const found = await readGuardrails(options.explicitPath);
    if (found !== 'missing') return found;
    return {
      diagnostics: [
        {
          severity: 'error',
          file: options.explicitPath,
          line: 1,
          col: 1,
          message: `guardrails file not found: tried "${options.explicitPath}" — create it, fix the path given with --guardrails (CLI) or the guardrails-file input (action), or leave it out to use ${DEFAULT_GUARDRAILS_FILE} or the built-in defaults`,
        },
      ],
    };
  }
  for (const candidate of guardrailsCandidates(options.bindingsPath)) {
    const found = await readGuardrails(candidate);
    if (found !== 'missing') return found;
  }
  return { guardrails: DEFAULT_GUARDRAILS, diagnostics: [] };
}

// ---- building typed rules from a checked value ------------------------------------------------

function buildGuardrails(value: Record<string, unknown>, locate: Locator, path: string): Guardrails {
  const at = (p: JsonPath): SourceLocation => ({ file: path, ...locate.key(p) });
  const rules: Rule[] = [];
  for (const id of RULE_IDS) {
    const [group, name] = id.split('.');
    const raw = valueAt(value, [group, name]);
    if (!isObject(raw)) continue;
    const except: RuleException[] = Array.isArray(raw.except)
      ? (raw.except as Array<{ role: string; reason: string }>).map((e, i) => ({
          role: e.role,
          reason: e.reason,
          location: { file: path, ...locate.value([group, name, 'except', i]) },
        }))
      : [];
    const base = {
      severity: raw.severity === 'warning' ? ('warning' as const) : ('error' as const),
      except,
      location: at([group, name]),
    };
    rules.push(ruleFrom(id, raw, base));
  }
  return { path, rules };
}

type Base = Pick<Rule, 'severity' | 'except' | 'location'>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function ruleFrom(id: RuleId, raw: Record<string, unknown>, base: Base): Rule {
  switch (id) {
    case 'managedPolicies.deny':
    case 'managedPolicies.allow':
      return { id, ...base, policies: strings(raw.policies) };
    case 'inlinePolicies.denyActions':
      return { id, ...base, actions: strings(raw.actions), onAllResources: raw.onAllResources === true };
    case 'inlinePolicies.requireResourceScoping':
      return { id, ...base, services: strings(raw.services) };
    case 'inlinePolicies.denyNotAction':
      return { id, ...base };
    case 'permissionsBoundary.required':
      return raw.allowed === undefined ? { id, ...base } : { id, ...base, allowed: strings(raw.allowed) };
    case 'maxSessionDuration.max':
      return { id, ...base, seconds: Number(raw.seconds) };
    case 'subjects.allowWildcards':
      return {
        id,
        ...base,
        allowed: raw.allowed === 'names' || raw.allowed === 'partial' ? raw.allowed : false,
      };
    case 'subjects.allowedNamespaces': {
      const clusters: Record<string, string[]> = {};
      for (const [key, list] of Object.entries(raw.clusters as Record<string, unknown>))
        clusters[key] = strings(list);
      return { id, ...base, clusters };
    }
    case 'subjects.deniedNamespaces':
      return { id, ...base, namespaces: strings(raw.namespaces) };
    case 'roles.namePattern':
      return { id, ...base, pattern: String(raw.pattern) };
    case 'roles.requiredTags':
      return {
        id,
        ...base,
        tags: (raw.tags as Array<{ key: string; values?: unknown }>).map((t) =>
          t.values === undefined ? { key: t.key } : { key: t.key, values: strings(t.values) },
        ),
      };
    case 'clusters.allowedIssuers':
      return { id, ...base, issuers: strings(raw.issuers) };
  }
}
