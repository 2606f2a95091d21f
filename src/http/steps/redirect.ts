import { QahtError } from '../../errors.js';
import type { Step } from '../chain.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Whether an answer is a redirect the client follows (the transport does not read its body). */
export function isRedirect(status: number, headers: Readonly<Record<string, string>>): boolean {
  return REDIRECT_STATUSES.has(status) && Boolean(headers.location);
}

/**
 * Follows up to `maxRedirects` redirects within the attempt (and its deadline), to http(s) only.
 * Kept here rather than undici's redirect interceptor: that one strips only `authorization`,
 * `cookie` and `proxy-authorization` across origins, and would forward an API key header such as
 * `x-cg-demo-api-key`; here another origin gets none of the caller's headers.
 */
export function createRedirectStep(maxRedirects: number): Step {
  return (next) => async (context) => {
    // A POST is never redirected (see `HttpPoster`): its 3xx is classified like any other non-2xx.
    if (context.method !== 'GET') return next(context);
    let hop = context;
    for (let redirects = 0; ; redirects++) {
      const response = await next(hop);
      if (!isRedirect(response.status, response.headers)) return response;
      const fail = (why: string): QahtError => new QahtError('QAHT_ERR_HTTP_STATUS', why, { url: response.url, status: response.status });
      if (redirects >= maxRedirects) throw fail(`too many redirects (more than ${maxRedirects}) for GET ${context.safeUrl}`);
      let url: URL;
      try {
        url = new URL(response.headers.location as string, hop.url);
      } catch {
        throw fail(`unreadable redirect location from GET ${response.url}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw fail(`refusing redirect to ${url.protocol} from GET ${response.url}`);
      hop = { ...hop, url, headers: url.origin === context.target.origin ? context.headers : context.crossOriginHeaders };
    }
  };
}
