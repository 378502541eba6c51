// Rules for a cluster's OIDC issuer URL as IAM wants it for an OIDC provider: https, a host and an
// optional path, and nothing else (IAM: "path components are allowed but query parameters are not
// … the URL should not contain a port number"). The token's `iss` claim must match it exactly.

/** The problem with an issuer URL in words, or undefined when IAM will accept it. */
export function issuerProblem(issuer: string): string | undefined {
  const example = 'https://oidc.example.com/id/ABC';
  if (/\s/.test(issuer))
    return `issuer "${issuer}" contains whitespace — write the URL without spaces, like ${example}`;
  if (/^http:\/\//i.test(issuer)) {
    return `issuer "${issuer}" uses http — IAM accepts only https issuers; write ${issuer.replace(/^http:/i, 'https:')}`;
  }
  if (!/^https:\/\//i.test(issuer))
    return `issuer "${issuer}" is not an https URL — write it like ${example}`;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return `issuer "${issuer}" is not a valid URL — write it like ${example}`;
  }
  const authority = issuer.slice('https://'.length).split(/[/?#]/)[0];
  if (url.username || url.password || authority.includes('@')) {
    return `issuer "${issuer}" contains user info ("user@") — remove it; an issuer is https://host/path`;
  }
  if (/:\d*$/.test(authority)) {
    return `issuer "${issuer}" contains a port — IAM OIDC provider URLs must not contain one; write https://${url.hostname}${url.pathname === '/' ? '' : url.pathname}`;
  }
  if (issuer.includes('?'))
    return `issuer "${issuer}" has a query ("?…") — an OIDC issuer cannot have one; remove it`;
  if (issuer.includes('#'))
    return `issuer "${issuer}" has a fragment ("#…") — an OIDC issuer cannot have one; remove it`;
  if (issuer.includes('${'))
    return `issuer "${issuer}" contains "\${" — an IAM policy variable in an issuer would be expanded in the trust policy's condition keys; write the literal issuer URL`;
  if (!/^[a-z0-9.-]+$/i.test(url.hostname) || /[*$"\\]/.test(authority))
    return `issuer "${issuer}" has a host that is not a DNS name (letters, digits, - and . only; no *, $ or ") — write the host the cluster publishes`;
  const path = issuer.slice('https://'.length + authority.length);
  const bad = /[*$"?\\]/.exec(path);
  if (bad)
    return `issuer "${issuer}" has the character ${bad[0]} in its path — an issuer path has no *, $, ", ? or \\ (IAM and the trust policy's condition keys would read it as a wildcard or variable); write the path the cluster publishes`;
  if (issuer.endsWith('/')) {
    return `issuer "${issuer}" ends with "/" — write "${issuer.replace(/\/+$/, '')}" (IAM's provider URL and the tokens' iss claim have no trailing slash)`;
  }
  return undefined;
}

/**
 * A warning for an issuer whose host has upper-case letters. The issuer is kept exactly as written
 * (a token's `iss` must equal the IAM provider URL, and IAM compares provider URLs as given — two
 * URLs differing only in host case are two providers), but clusters publish lower-case hosts, so an
 * upper-case one is almost always a typo that no token will ever match.
 */
export function issuerHostCaseWarning(issuer: string): string | undefined {
  const host = /^https:\/\/([^/?#]+)/i.exec(issuer)?.[1];
  if (!host || host === host.toLowerCase()) return undefined;
  const lower = `https://${host.toLowerCase()}${issuer.slice(`https://${host}`.length)}`;
  return `issuer "${issuer}" has upper-case letters in its host; a cluster's tokens carry the issuer exactly as it publishes it (hosts are lower-case), so this one would never match a token. If that is a typo, write ${lower}`;
}

/**
 * The issuer with an internationalised host written as punycode (`https://xn--…/id/ABC`), or
 * undefined when the host is ASCII. IAM takes only ASCII host names, and a look-alike Unicode host
 * (Cyrillic "о" for "o") must be visible to reviewers as what it is.
 */
export function punycodeIssuer(issuer: string): string | undefined {
  const authority = /^https:\/\/([^/?#]+)/i.exec(issuer)?.[1];

  if (!authority || /^[\x00-\x7f]*$/.test(authority)) return undefined;
  let host: string;
  try {
    host = new URL(`https://${authority}`).hostname;
  } catch {
    return undefined;
  }
  return `https://${host}${issuer.slice(`https://${authority}`.length)}`;
}

/** The warning for an issuer whose host is not ASCII: what it becomes and why. */
export function issuerPunycodeWarning(issuer: string): string | undefined {
  const converted = punycodeIssuer(issuer);
  if (!converted) return undefined;
  return `issuer "${issuer}" has a host with non-ASCII characters; it is used as ${converted} (punycode), the form IAM and the cluster's tokens carry — check that this is the host you mean (a look-alike letter such as Cyrillic "о" makes a different host), and write it as ${converted}`;
}

/**
 * The problem with a token audience (a client id in the OIDC provider and the `:aud` condition
 * value), or undefined. StringEquals would take it literally, but a `${…}` is an IAM policy
 * variable and `*`/`?` are wildcards wherever the value is reused with StringLike; control
 * characters and spaces are never part of a client id.
 */
export function audienceProblem(audience: string): string | undefined {
  if (audience.includes('${'))
    return `audience "${audience}" contains "\${" — an IAM policy variable in the :aud condition would be expanded per request; write the literal audience`;
  const wildcard = /[*?]/.exec(audience);
  if (wildcard)
    return `audience "${audience}" contains the wildcard "${wildcard[0]}" — an audience is one exact client id, such as sts.amazonaws.com`;

  if (/[\s\x00-\x1f\x7f-\x9f"\\]/.test(audience))
    return `audience ${JSON.stringify(audience)} contains whitespace, a quote, a backslash or a control character — an audience is one exact client id, such as sts.amazonaws.com`;
  return undefined;
}
