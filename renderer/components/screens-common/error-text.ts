import type { ErrorCode } from '../../../shared/errors.ts';
import { ApiError } from '../../api/client.ts';
import { formatPoints, type StoreFormat } from '../../i18n/format.ts';
import type { MessageKey, Translate } from '../../i18n/translate.ts';

/**
 * What each error code says to a person, from the catalogue: the backend's `message` is English
 * for logs and developers and is never shown. Complete by type: a new code without a message does
 * not compile (and test/unit/renderer/error-text.test.ts checks every code in every language).
 */
export const ERROR_MESSAGES: Record<ErrorCode, MessageKey> = {
  VALIDATION: 'error.code.VALIDATION',
  UNAUTHENTICATED: 'error.code.UNAUTHENTICATED',
  FORBIDDEN: 'error.code.FORBIDDEN',
  LOCKED_OUT: 'error.code.LOCKED_OUT',
  NOT_FOUND: 'error.code.NOT_FOUND',
  CONFLICT: 'error.code.CONFLICT',
  MEMBER_BLOCKED: 'error.code.MEMBER_BLOCKED',
  INSUFFICIENT_POINTS: 'error.code.INSUFFICIENT_POINTS',
  REDEMPTION_NOT_ALLOWED: 'error.code.REDEMPTION_NOT_ALLOWED',
  REFUND_NOT_ALLOWED: 'error.code.REFUND_NOT_ALLOWED',
  VOID_NOT_ALLOWED: 'error.code.VOID_NOT_ALLOWED',
  CARD_IN_USE: 'error.code.CARD_IN_USE',
  PROGRAM_MISSING: 'error.code.PROGRAM_MISSING',
  DATABASE_CORRUPT: 'error.code.DATABASE_CORRUPT',
  DATABASE_TOO_NEW: 'error.code.DATABASE_TOO_NEW',
  MIGRATION_HISTORY_MISMATCH: 'error.code.MIGRATION_HISTORY_MISMATCH',
  NOT_PAIRED: 'error.code.NOT_PAIRED',
  SERVER_UNREACHABLE: 'error.code.SERVER_UNREACHABLE',
  SALE_AT_OTHER_TILL: 'error.code.SALE_AT_OTHER_TILL',
  NOT_CONFIGURED: 'error.code.NOT_CONFIGURED',
  INSECURE_SERVER_URL: 'error.code.INSECURE_SERVER_URL',
  INTERNAL: 'error.code.INTERNAL',
  RATE_LIMITED: 'error.code.RATE_LIMITED',
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A failed call in the cashier's language: the code's message with the figures its details carry
 * (points available, the offline allowance left, attempts left, when a lock ends). `format` words
 * numbers and times in the store's locale; without it they are plain digits.
 */
export function errorText(error: unknown, t: Translate, format?: StoreFormat): string {
  if (!(error instanceof ApiError)) return t('error.generic');
  const { code, details = {} } = error.payload;
  const p = (n: number) => (format ? formatPoints(n, format) : String(n));
  const until = num(details.until);
  switch (code) {
    case 'UNAUTHENTICATED': {
      const left = num(details.attemptsLeft);
      if (left === 1) return t('signIn.wrongPinOneLeft');
      if (left !== null) return t('signIn.wrongPinLeft', { count: left });
      break;
    }
    case 'LOCKED_OUT':
      if (until !== null && format) {
        const time = new Intl.DateTimeFormat(format.locale, { timeStyle: 'short', timeZone: format.timeZone }).format(until);
        return t('error.lockedUntil', { time });
      }
      break;
    case 'FORBIDDEN':
      if (typeof details.role === 'string' && ['cashier', 'manager', 'admin'].includes(details.role))
        return t('error.forbidden', { role: t(`role.${details.role as 'cashier' | 'manager' | 'admin'}`) });
      break;
    case 'INSUFFICIENT_POINTS': {
      const available = num(details.available);
      if (available !== null) return t('error.insufficientAvailable', { available: p(Math.max(0, available)) });
      break;
    }
    case 'REDEMPTION_NOT_ALLOWED': {
      const remaining = num(details.capRemaining);
      if (details.reason === 'member_daily_cap') return t('error.offlineMemberCap', { remaining: p(Math.max(0, remaining ?? 0)) });
      if (details.reason === 'terminal_daily_cap') return t('error.offlineTerminalCap', { remaining: p(Math.max(0, remaining ?? 0)) });
      if (details.reason === 'override_refused') return t('error.overrideRefused');
      if (details.reason === 'presence_required') return t('error.presenceRequired');
      if (details.reason === 'hold_too_large') return t('error.holdTooLarge');
      if (typeof details.minTier === 'string') return t('error.rewardTier');
      if (typeof details.sku === 'string') return t('error.rewardScanFirst');
      const step = num(details.step);
      if (step !== null) return t('error.redeemRange', { min: p(num(details.min) ?? 0), max: p(num(details.max) ?? 0), step: p(step) });
      break;
    }
    case 'REFUND_NOT_ALLOWED': {
      const refundable = num(details.refundable);
      if (refundable !== null) return t('error.refundLeft', { count: refundable });
      break;
    }
    case 'RATE_LIMITED':
      // The member's daily QR codes are used up: not "shortly", tomorrow.
      if (details.limitedBy === 'member') return t('error.rateLimitedMember');
      break;
    case 'VOID_NOT_ALLOWED':
      if (details.atOtherTill === true) return t('error.voidOtherTill');
      break;
    default:
      break;
  }
  return t(ERROR_MESSAGES[code] ?? 'error.generic');
}

/** Whether a failure is the backend's answer with this code. */
export function isApiError(error: unknown, code: ErrorCode): error is ApiError {
  return error instanceof ApiError && error.payload.code === code;
}
