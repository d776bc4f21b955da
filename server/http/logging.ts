/**
 * fastify's pino logger, configured so no personal data, free text or
 * credential is written: requests are logged as method + path (no query, no
 * headers, no body), errors as their type and code (a database error's message
 * can quote a row's values), and every record passes through redactLogRecord
 * (shared/log-redaction.ts): a field with a personal, free-text (a reason, a
 * note, a query) or secret name is censored at any depth, and e-mail addresses
 * and phone-like digit runs are scrubbed from every string.
 */
import type { FastifyServerOptions } from 'fastify';
import { PERSONAL_LOG_KEYS, REDACTED, redactLogRecord } from '../../shared/log-redaction.ts';

export interface LogOptions {
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Where JSON lines go (default stdout). */
  stream?: NodeJS.WritableStream;
}

const SECRETS = ['authorization', 'secret', 'code', 'pin', 'pinHash', 'token'];
const SENSITIVE = [...SECRETS, ...PERSONAL_LOG_KEYS];
const SENSITIVE_KEYS: ReadonlySet<string> = new Set(SENSITIVE);

export function loggerOptions(log: LogOptions | false | undefined): FastifyServerOptions['logger'] {
  if (log === false) return false;
  const options = {
    level: log?.level ?? 'info',
    ...(log?.stream === undefined ? {} : { stream: log.stream }),
    redact: { paths: SENSITIVE.flatMap((k) => [k, `*.${k}`, `req.headers.${k}`]), censor: REDACTED },
    // Every record, at any depth (pino's redact paths reach one level): plain objects only, so
    // the err, req and res serialisers below still see the objects they expect.
    formatters: { log: (record: Record<string, unknown>) => redactLogRecord(record, SENSITIVE_KEYS) as Record<string, unknown> },
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
