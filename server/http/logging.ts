/**
 * fastify's pino logger, configured so no personal data or credential is
 * written: requests are logged as method + path (no query, no headers, no
 * body), errors as their type and code (a database error's message can quote
 * a row's values), and any field with a sensitive name is censored anyway.
 */
import type { FastifyServerOptions } from 'fastify';

export interface LogOptions {
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Where JSON lines go (default stdout). */
  stream?: NodeJS.WritableStream;
}

const SENSITIVE = ['authorization', 'secret', 'code', 'pin', 'pinHash', 'token', 'name', 'phone', 'email', 'birthDate', 'cardNumber'];

export function loggerOptions(log: LogOptions | false | undefined): FastifyServerOptions['logger'] {
  if (log === false) return false;
  const options = {
    level: log?.level ?? 'info',
    ...(log?.stream === undefined ? {} : { stream: log.stream }),
    redact: { paths: SENSITIVE.flatMap((k) => [k, `*.${k}`, `req.headers.${k}`]), censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: (err: { name?: string; code?: unknown; statusCode?: unknown }) => ({
        type: err.name,
        code: err.code,
        statusCode: err.statusCode,
      }),
    },
  };
  // fastify's types want err serialisers to keep message and stack: dropping them is the point.
  return options as unknown as FastifyServerOptions['logger'];
}
