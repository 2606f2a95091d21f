import type { Readable } from 'node:stream';
import type { Agent } from 'undici';
import { isQahtError, QahtError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import type { Attempt } from '../chain.js';
import { classifyTransportError, closedError } from '../classify-error.js';
import { discardBody, dropBody, flattenHeaders, readBodyCapped, readBodySnippet } from '../read-body.js';
import { isRedirect } from './redirect.js';

export interface TransportOptions {
  agent: Agent;
  /** Largest decoded 2xx body, in bytes. */
  maxResponseBytes: number;
  /** Bytes of an error body kept (for the error message). */
  errorSnippetBytes: number;
  /** Explicit undici headers/body timeouts, in ms; each defaults to the attempt's time limit. */
  headersTimeoutMs: number | undefined;
  bodyTimeoutMs: number | undefined;
  /** True once the client is closed: what fails then says nothing about the host. */
  isClosed: () => boolean;
}

/**
 * The end of the chain: one request (a GET, or a POST with its body) of one hop on the pooled agent, body read as text. A 2xx body is
 * read in full (decoded, size-capped), an error body only as a snippet, a redirect's not at all.
 * Any status is returned; transport failures throw a classified QahtError.
 */
export function createTransport(options: TransportOptions): Attempt {
  return async (context) => {
    const hop = context.url;
    const deadline = context.deadline;
    // Redaction parses and re-serialises the URL: done again only for a redirected hop.
    const url = hop === context.target ? context.safeUrl : redactUrl(hop, context.secrets);
    let body: Readable | undefined;
    const stopWatching = deadline?.onCutOff((error) => {
      if (body && !body.destroyed) body.destroy(error);
    });
    try {
      const res = await options.agent.request({
        origin: hop.origin,
        path: `${hop.pathname}${hop.search}`,
        method: context.method,
        headers: context.headers,
        ...(context.body === undefined ? {} : { body: context.body }),
        ...(deadline?.signal ? { signal: deadline.signal } : {}),
        headersTimeout: options.headersTimeoutMs ?? context.timeoutMs,
        bodyTimeout: options.bodyTimeoutMs ?? context.timeoutMs,
      });
      body = res.body;
      // Headers that arrive after the cut-off: nobody waits for them, free the connection.
      if (deadline?.error) {
        dropBody(res.body);
        throw deadline.error;
      }
      const status = res.statusCode;
      const headers = flattenHeaders(res.headers);
      if (isRedirect(status, headers)) {
        await discardBody(res.body);
        return { status, headers, text: '', url };
      }
      if (status < 200 || status >= 300) {
        const snippet = await readBodySnippet(res.body, headers['content-encoding'], options.errorSnippetBytes);
        return { status, headers, text: snippet, url };
      }
      const encoding = headers['content-encoding'];
      const declared = Number(headers['content-length']);
      if (!encoding && declared > options.maxResponseBytes) {
        dropBody(res.body);
        throw new QahtError(
          'QAHT_ERR_RESPONSE_TOO_LARGE',
          `response from ${context.method} ${url} is ${declared} bytes, over the ${options.maxResponseBytes} limit`,
          {
            url,
            status,
          },
        );
      }
      const text = (await readBodyCapped(res.body, encoding, options.maxResponseBytes, url)).toString('utf8');
      return { status, headers, text, url };
    } catch (error) {
      // Requests cut off by close() say nothing about the host.
      if (options.isClosed()) throw closedError(url, error, context.method);
      if (isQahtError(error)) throw error;
      // The cut-off: undici usually rejects with the abort reason itself, but a stream torn down
      // mid-body may surface a generic premature-close error instead.
      if (deadline?.error) throw deadline.error;
      throw classifyTransportError(error, { url, secrets: context.secrets, method: context.method });
    } finally {
      stopWatching?.();
    }
  };
}
