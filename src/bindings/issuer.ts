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
