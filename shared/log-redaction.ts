/**
 * What never reaches a log line, on the terminal (main/backend/platform/logging.ts)
 * and on the server (server/http/logging.ts): a member's personal data and any
 * free text a person typed (an adjustment's or refund's reason, a note, a search
 * query), which may carry a name or a phone. Every structured log record is
 * passed through `redactLogRecord` before it is written: a field with one of
 * these names is replaced at any depth, and every other string is scrubbed of
 * e-mail addresses and long digit runs (a phone or card number in a message).
 * Call sites log ids, kinds and counts; a technical cause is logged as `cause`,
 * never as `reason`.
 */
export const PERSONAL_LOG_KEYS: readonly string[] = [
  // personal data
  'name',
  'firstName',
  'lastName',
  'fullName',
  'phone',
  'email',
  'birthDate',
  'birth_date',
  'birthday',
  'address',
  'personal',
  'cardNumber',
  'card',
  'referrerCard',
  // free text a person typed
  'reason',
  'note',
  'notes',
  'comment',
  'query',
  'search',
  'namePrefix',
  'phonePrefix',
];

export const REDACTED = '[redacted]';

const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[A-Za-z]{2,}/g;
// 7+ digits, possibly spaced or dashed (a phone, a card), not inside an id or a word.
const DIGIT_RUN = /(?<![\w-])\+?\d(?:[\s-]?\d){6,}(?![\w-])/g;

// The user:password of a URL (a secret, not an e-mail address): dropped, so the URL stays a readable URL.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** A text with URL credentials dropped, and e-mail addresses and phone- or card-like digit runs replaced. */
export function scrubText(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1').replace(EMAIL, '[email]').replace(DIGIT_RUN, '[digits]');
}

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of a log record with the fields named in `keys` (PERSONAL_LOG_KEYS
 * and whatever secrets the caller adds) replaced at any depth and strings
 * scrubbed. Only plain objects and arrays are walked: anything else (an
 * Error, a request) is left to the logger's serialisers.
 */
export function redactLogRecord(value: unknown, keys: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactLogRecord(v, keys, depth + 1));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = keys.has(key) ? REDACTED : redactLogRecord(v, keys, depth + 1);
  return out;
}
