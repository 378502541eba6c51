// The Control Plane token and endpoint defaults, apart from the REST client (client.ts): the session
// and the cluster resolution need them for every run, the client only when a file has a Control
// Plane cluster, so a file without one never loads the client (see engine/resolve-clusters.ts).

export const DEFAULT_CPLN_ENDPOINT = 'https://api.cpln.io';

/**
 * The token itself, as pasted into a secret: surrounding whitespace (a trailing newline from a file)
 * and a `Bearer ` prefix removed. The cluster API needs exactly this as its bearer token, so every
 * use of the token goes through here. Undefined when nothing is left.
 */
export function bareToken(token: string | undefined): string | undefined {
  const bare = (token ?? '')
    .trim()
    .replace(/^bearer\s+/i, '')
    .trim();
  return bare === '' ? undefined : bare;
}
