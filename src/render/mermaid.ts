// A Mermaid flowchart of the bindings a plan touches: ServiceAccount → role → policies. Reviewers
// see at a glance who gains which permissions. Labels come from the bindings file and IAM, so each
// is quoted and every character Mermaid or Markdown could interpret is written as an entity.
import type { Change, ResourceKind } from '../plan/types.js';

/** Beyond this many nodes a graph is unreadable (and slow to render); the plan table remains. */
export const MAX_GRAPH_NODES = 120;

export type GraphResult =
  { kind: 'graph'; source: string } | { kind: 'empty' } | { kind: 'too-large'; nodes: number };

/** A Mermaid label body: quotes, `#`, angle brackets and backticks as Mermaid entities, one line. */
export function mermaidLabel(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;');
}

type Shape = 'service-account' | 'role' | 'managed-policy' | 'inline-policy';
type Status = 'create' | 'change' | 'destroy' | 'unchanged';

interface Node {
  id: string;
  shape: Shape;
  label: string;
  status: Status;
}

const STATUS_OF: Record<Change['action'], Status> = {
  create: 'create',
  update: 'change',
  adopt: 'change',
  replace: 'change',
  delete: 'destroy',
  'no-op': 'unchanged',
};

const STATUS_NOTE: Record<Status, string> = {
  create: ' (new)',
  change: ' (changed)',
  destroy: ' (destroyed)',
  unchanged: '',
};

function shaped(node: Node): string {
  const label = `"${mermaidLabel(node.label + STATUS_NOTE[node.status])}"`;
  switch (node.shape) {
    case 'service-account':
      return `${node.id}([${label}])`;
    case 'role':
      return `${node.id}[${label}]`;
    case 'managed-policy':
      return `${node.id}[[${label}]]`;
    case 'inline-policy':
      return `${node.id}{{${label}}}`;
  }
}

class GraphBuilder {
  private readonly nodes = new Map<string, Node>();
  private readonly edges = new Set<string>();

  node(key: string, shape: Shape, label: string, status: Status = 'unchanged'): string {
    const existing = this.nodes.get(key);
    if (existing) {
      if (existing.status === 'unchanged') existing.status = status;
      return existing.id;
    }
    const id = `n${this.nodes.size + 1}`;
    this.nodes.set(key, { id, shape, label, status });
    return id;
  }

  edge(from: string, to: string): void {
    this.edges.add(`  ${from} --> ${to}`);
  }

  get size(): number {
    return this.nodes.size;
  }

  render(): string {
    const lines = ['flowchart LR', ...[...this.nodes.values()].map((n) => `  ${shaped(n)}`), ...this.edges];
    const byStatus = (status: Status) =>
      [...this.nodes.values()].filter((n) => n.status === status).map((n) => n.id);
    const styles: Array<[Status, string]> = [
      ['create', 'fill:#dafbe1,stroke:#1a7f37'],
      ['change', 'fill:#fff8c5,stroke:#9a6700'],
      ['destroy', 'fill:#ffebe9,stroke:#cf222e'],
    ];
    for (const [status, style] of styles) {
      const ids = byStatus(status);
      if (ids.length) lines.push(`  classDef ${status} ${style}`, `  class ${ids.join(',')} ${status}`);
    }
    return lines.join('\n');
  }
}

const key = (kind: ResourceKind | 'policy' | 'inline', name: string): string => `${kind}:${name}`;

/** The short name of a managed policy ARN (`policy/path/Name` → `Name`), the ARN when it is not one. */
function policyName(arn: string): string {
  const match = /:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match ? match[1] : arn;
}

function addRole(graph: GraphBuilder, change: Extract<Change, { kind: 'role' }>): void {
  const role = change.after ?? change.before;
  if (!role) return;
  const status = STATUS_OF[change.action];
  const roleId = graph.node(key('role', role.name), 'role', `role ${role.name}`, status);
  if (change.after) {
    for (const subject of change.after.subjects) {
      const sa = `${subject.cluster}/${subject.namespace}/${subject.name}`;
      graph.edge(graph.node(key('service-account', sa), 'service-account', `SA ${sa}`), roleId);
    }
  }
  for (const arn of role.managedPolicies) {
    graph.edge(roleId, graph.node(key('policy', arn), 'managed-policy', policyName(arn)));
  }
  for (const name of Object.keys(role.inlinePolicies)) {
    graph.edge(roleId, graph.node(key('inline', `${role.name}/${name}`), 'inline-policy', `inline ${name}`));
  }
}

function addServiceAccount(graph: GraphBuilder, change: Extract<Change, { kind: 'service-account' }>): void {
  const sa = change.after ?? change.before;
  if (!sa) return;
  const ref = `${sa.cluster}/${sa.namespace}/${sa.name}`;
  const saId = graph.node(
    key('service-account', ref),
    'service-account',
    `SA ${ref}`,
    STATUS_OF[change.action],
  );
  if (change.after)
    graph.edge(saId, graph.node(key('role', change.after.role), 'role', `role ${change.after.role}`));
}

/** The graph for the plan's role and ServiceAccount changes (OIDC providers are not drawn). */
export function renderBindingGraph(changes: readonly Change[]): GraphResult {
  const graph = new GraphBuilder();
  for (const change of changes) if (change.kind === 'role') addRole(graph, change);
  for (const change of changes) if (change.kind === 'service-account') addServiceAccount(graph, change);
  if (graph.size === 0) return { kind: 'empty' };
  if (graph.size > MAX_GRAPH_NODES) return { kind: 'too-large', nodes: graph.size };
  return { kind: 'graph', source: graph.render() };
}
