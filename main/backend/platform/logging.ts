/**
 * Structured logs: one JSON object per line. Personal data and free text never
 * reach a log: every record passes through redactLogRecord (shared/log-redaction.ts),
 * which replaces fields with personal or free-text names (and the terminal's
 * secrets below) at any depth and scrubs e-mail addresses and phone-like digit
 * runs from every string, whatever the caller passed.
 */
import { PERSONAL_LOG_KEYS, redactLogRecord } from '../../../shared/log-redaction.ts';

const REDACTED_FIELDS: ReadonlySet<string> = new Set([...PERSONAL_LOG_KEYS, 'pin', 'token']);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export function redact(value: unknown): unknown {
  return redactLogRecord(value, REDACTED_FIELDS);
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
