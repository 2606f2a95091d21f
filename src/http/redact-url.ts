/** What replaces a secret in anything the client reports. */
export const REDACTED = 'REDACTED';

/**
 * Query parameters that carry credentials in the APIs qaht calls (CoinCap `apiKey`, Alpha Vantage
 * `apikey`, Finnhub `token`, CryptoCompare `api_key`, CoinGecko `x_cg_demo_api_key`, ...),
 * compared case-insensitively with `-`/`_` ignored.
 */
const SECRET_PARAM_NAMES = new Set(['apikey', 'key', 'token', 'accesstoken', 'xcgdemoapikey', 'xcgproapikey', 'secret', 'signature']);

function isSecretParam(name: string): boolean {
  return SECRET_PARAM_NAMES.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Replaces every occurrence of each secret (raw and URL-encoded) in `text` with `REDACTED`.
 * Secrets shorter than 4 characters are ignored: replacing them would shred ordinary words.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * A URL safe to log or put in an error: credential-like query parameters and user info are
 * replaced with `REDACTED`, then every listed secret is scrubbed wherever else it appears
 * (a key in a path segment, say). Unparseable input is scrubbed as plain text.
 */
export function redactUrl(url: string | URL, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactSecrets(String(url), secrets);
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  // Only rewrite the query when needed: URLSearchParams re-serialises every parameter it touches.
  const secretNames = [...new Set(parsed.searchParams.keys())].filter(isSecretParam);
  for (const name of secretNames) parsed.searchParams.set(name, REDACTED);
  return redactSecrets(parsed.toString(), secrets);
}

/** Values of the credential-like query parameters of `url` (to scrub wherever else they show up). */
export function secretsInUrl(url: string | URL): string[] {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return [];
  }
  const values = [...parsed.searchParams].filter(([name, value]) => isSecretParam(name) && value !== '').map(([, value]) => value);
  if (parsed.password) values.push(decodeURIComponent(parsed.password));
  return values;
}
