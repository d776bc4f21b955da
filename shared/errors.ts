/**
 * Error codes that cross the API boundary. Stable strings: the UI and the sync
 * protocol switch on them, so never rename one; add new ones instead.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'LOCKED_OUT',
  'NOT_FOUND',
  'CONFLICT',
  'MEMBER_BLOCKED',
  'INSUFFICIENT_POINTS',
  'REDEMPTION_NOT_ALLOWED',
  'REFUND_NOT_ALLOWED',
  'VOID_NOT_ALLOWED',
  'CARD_IN_USE',
  'PROGRAM_MISSING',
  'DATABASE_CORRUPT',
  'DATABASE_TOO_NEW',
  'MIGRATION_HISTORY_MISMATCH',
  /** The terminal is not paired with a central server (Settings → pair). */
  'NOT_PAIRED',
  /** The central server did not answer; what needs it can be tried again later. */
  'SERVER_UNREACHABLE',
  /**
   * The sale was made at another till of this store and this terminal cannot reach the central
   * server to fetch it: a refund of it needs the connection.
   */
  'SALE_AT_OTHER_TILL',
  /** The terminal's fleet configuration is invalid or incomplete; details.problems: [{source, field, message}]. */
  'NOT_CONFIGURED',
  /**
   * The central server's address is plain http:// to another machine: refused, nothing was sent
   * (the connection would not be encrypted). Use its https:// address, or IT sets
   * sync.allowInsecureHttp; details.origin: the address refused.
   */
  'INSECURE_SERVER_URL',
  'INTERNAL',
  /** The central server asks this till to wait (too many holds or QR codes for now); details.retryAfterSeconds. */
  'RATE_LIMITED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The only error shape that leaves the backend: no stack, no internals. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
