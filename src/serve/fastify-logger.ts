import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from '../output/logger.js';

type Fields = Record<string, unknown>;

/**
 * Fastify's logger, routed into the project's (pino JSON on stderr or `--log-file`, with its
 * level, redaction and key scrubbing). Fastify hands requests and replies to its logger whole;
 * only what a log line needs is kept of them (method, path, address; status), and of any other
 * object only its plain values, so nothing large or cyclic reaches the log.
 */
export function fastifyLogger(logger: Logger, level: string, bindings: Fields = {}): FastifyBaseLogger {
  const at =
    (write: (object: object, message?: string) => void) =>
    (first?: unknown, second?: unknown): void => {
      if (typeof first === 'string') write({ ...bindings }, first);
      else write({ ...bindings, ...fieldsOf(first) }, typeof second === 'string' ? second : undefined);
    };
  const error = at((object, message) => logger.error(object, message));
  const self: FastifyBaseLogger = {
    level,
    fatal: error,
    error,
    warn: at((object, message) => logger.warn(object, message)),
    info: at((object, message) => logger.info(object, message)),
    debug: at((object, message) => logger.debug(object, message)),
    trace: at((object, message) => logger.debug(object, message)),
    silent: () => undefined,
    // Fastify asks for a child per request, to bind its id: with request lines off, that id would
    // only ever label an error line, not worth an object per request on the readers' path.
    child: (more) =>
      Object.keys(more).every((key) => key === 'reqId') ? self : fastifyLogger(logger, level, { ...bindings, ...fieldsOf(more) }),
  };
  return self;
}

function fieldsOf(value: unknown): Fields {
  if (value instanceof Error) return { err: value };
  if (!value || typeof value !== 'object') return {};
  const fields: Fields = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'req') fields.req = requestFields(item);
    else if (key === 'res') fields.res = { statusCode: (item as { statusCode?: unknown } | null)?.statusCode };
    else if (item instanceof Error || item === null || typeof item !== 'object') fields[key] = item;
  }
  return fields;
}

function requestFields(value: unknown): Fields {
  const request = (value ?? {}) as { method?: unknown; url?: unknown; ip?: unknown };
  const url = typeof request.url === 'string' ? request.url : '';
  // The path only: a query string is the caller's text, of no use in a log line.
  return { method: request.method, path: url.split('?')[0], remoteAddress: request.ip };
}
