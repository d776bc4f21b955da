import type { AuthFailureReason, SyncErrorCode } from '../../shared/sync-protocol.ts';

/** An error that becomes a typed `{code, message, details}` answer with this status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: SyncErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** Response headers the answer carries (Retry-After on a 429). */
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: SyncErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

const AUTH_MESSAGES: Record<AuthFailureReason, string> = {
  missing: 'This request is not signed.',
  malformed: 'The Authorization header is malformed.',
  unknown_terminal: 'This terminal is not paired with this server. Pair it again.',
  revoked: 'This terminal was revoked. Pair it again with a new code.',
  bad_signature: 'The request signature does not match.',
  clock_skew: "The request's timestamp is too far from the server's clock. Check the terminal's date and time.",
  replay: 'This request was already received (nonce reused).',
  pairing_code_invalid: 'This pairing code is not valid. Check it, or ask for a new one.',
  pairing_code_expired: 'This pairing code has expired. Ask for a new one.',
  pairing_code_used: 'This pairing code was already used. Ask for a new one.',
  protocol_retired:
    'HMAC request signing (protocol version 1) is no longer accepted by this server. Update the terminal and pair it again.',
  device_key_registered: 'This terminal signs with its Ed25519 device key now; an HMAC signature is no longer accepted for it.',
};

export function unauthenticated(reason: AuthFailureReason): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', AUTH_MESSAGES[reason], { reason });
}

export function notFound(message: string, details?: Record<string, unknown>): HttpError {
  return new HttpError(404, 'NOT_FOUND', message, details);
}
