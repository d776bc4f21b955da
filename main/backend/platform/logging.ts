/**
 * Structured logs: one JSON object per line. Personal data never reaches a log:
 * fields with these names are replaced before writing, whatever the caller passed.
 */
const PERSONAL_FIELDS = new Set([
  'name',
  'phone',
  'email',
  'birthDate',
  'birth_date',
  'pin',
  'token',
  'card',
  'cardNumber',
  'namePrefix',
  'phonePrefix',
  'referrerCard',
]);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = PERSONAL_FIELDS.has(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

export function jsonLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(minLevel);
  return {
    log(level, event, fields = {}) {
      if (order.indexOf(level) < min) return;
      write(JSON.stringify({ at: new Date().toISOString(), level, event, ...(redact(fields) as object) }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
