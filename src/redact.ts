/**
 * Keeping secrets out of what qaht reports, logs and stores: one set of rules for the HTTP client's
 * errors, the logger, the cache's keys, and (`redactText`) every message that carries an API's
 * words on its way to a status line, the JSON document, the log or the state file.
 */

/** What replaces a secret. */
export const REDACTED = 'REDACTED';

/**
 * Query parameters that carry credentials in the APIs qaht calls (CoinCap `apiKey`, Alpha Vantage
 * `apikey`, Finnhub `token`, CryptoCompare `api_key`, CoinGecko `x_cg_demo_api_key`, ...),
 * compared case-insensitively with `-`/`_` ignored.
 */
const SECRET_PARAM_NAMES = new Set(['apikey', 'key', 'token', 'accesstoken', 'xcgdemoapikey', 'xcgproapikey', 'secret', 'signature']);

/** Whether a query parameter carries a credential. */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM_NAMES.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Replaces every occurrence of each secret (raw, URL-encoded, or form-encoded) in `text` with
 * `REDACTED`, longest form first so an encoded form is not half-replaced by the raw one. Secrets
 * shorter than 4 characters are ignored: replacing them would shred ordinary words.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
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
    // A URL that does not parse (a bad port or host) may still carry `user:password@`.
    return redactSecrets(String(url).replace(USER_INFO, `$1${REDACTED}@`), secrets);
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  // Only rewrite the query when needed: URLSearchParams re-serialises every parameter it touches.
  const secretNames = [...new Set(parsed.searchParams.keys())].filter(isSecretParam);
  for (const name of secretNames) parsed.searchParams.set(name, REDACTED);
  return redactSecrets(parsed.toString(), secrets);
}

/** The user info of a URL-like text: `scheme://user:password@`. */
const USER_INFO = /^(\s*[a-z][a-z0-9+.-]*:\/\/)\S*?@/i;

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

/** A URL inside free text (an API echoing the request it was sent), without the punctuation after it. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]*[^\s"'<>`.,:;!?)\]}]/gi;
/** An authorization scheme and its credentials: `Bearer <token>`, `Basic <base64>`. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{4,})/gi;
/**
 * `name=value`, `name: value` or `"name":"value"` where the name says credential (a query
 * parameter, a header, a JSON field an API echoed back).
 */
const CREDENTIAL_FIELD =
  /\b((?:x-)?(?:api[-_]?key|access[-_]?token|auth[-_]?token|token|key|secret|password|signature|authorization|cg-(?:demo|pro)-api-key|finnhub-token))("?\s*[=:]\s*"?)([^\s"'&,;)}\]]*[^\s"'&,;)}\].:])/gi;

/**
 * Free text made safe to show, log or store: every listed secret (all the API keys of the
 * environment, whichever source's words these are) replaced wherever it appears, and whatever
 * looks like a credential replaced even when it is no configured key (a key since unset, or one
 * an API echoes in a form the list does not know): URLs as `redactUrl` does them, the token of an
 * `Authorization`-style scheme, and the value of a field named like a credential.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactSecrets(text, secrets)
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(AUTH_SCHEME, (_, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(CREDENTIAL_FIELD, (match, name: string, separator: string, value: string) =>
      value === REDACTED || /^(bearer|basic|token)$/i.test(value) ? match : `${name}${separator}${REDACTED}`,
    );
}

/**
 * The parts of a webhook URL that are its credential, to scrub wherever the URL is shown: chat
 * services put the token in the path (`/services/T0/B0/XXXX`, `/api/webhooks/ID/TOKEN`) or the
 * query (`?key=…&token=…`). So every query value, the user info, and every path segment that looks
 * like a token (16 characters or more, or 6 or more mixing letters and digits) count as secret.
 */
export function secretsInWebhookUrl(url: string | URL): string[] {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return [];
  }
  const secrets = [...parsed.searchParams.values()].filter((value) => value.length > 0);
  if (parsed.username) secrets.push(decodeURIComponent(parsed.username));
  if (parsed.password) secrets.push(decodeURIComponent(parsed.password));
  for (const segment of parsed.pathname.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // A malformed escape is scrubbed as written.
    }
    if (decoded.length >= 16 || (decoded.length >= 6 && /[a-z]/i.test(decoded) && /\d/.test(decoded))) secrets.push(decoded, segment);
  }
  return [...new Set(secrets)];
}
