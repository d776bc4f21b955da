import type { ScanOutcome } from '../../../shared/api.ts';
import type { ScanRejectionCode } from '../../../shared/scan-result.ts';
import type { MessageKey, Translate } from '../../i18n/translate.ts';

/**
 * A refused scan in the cashier's language, from the outcome's stable code (and, for a member QR
 * code, its token reason): the backend's `reason` is English for logs and is never shown.
 */
export const SCAN_REJECTION_MESSAGES: Record<ScanRejectionCode, MessageKey> = {
  EMPTY: 'scan.reject.EMPTY',
  GARBAGE: 'scan.reject.GARBAGE',
  TOO_LONG: 'scan.reject.TOO_LONG',
  BAD_TOKEN: 'scan.reject.BAD_TOKEN',
  BAD_CHECK_DIGIT: 'scan.reject.BAD_CHECK_DIGIT',
  BAD_CARD_NUMBER: 'scan.reject.BAD_CARD_NUMBER',
  BAD_PRODUCT_CODE: 'scan.reject.BAD_PRODUCT_CODE',
  UNKNOWN_FORMAT: 'scan.reject.UNKNOWN_FORMAT',
};

const TOKEN_MESSAGES: Record<string, MessageKey> = {
  'bad-signature': 'scan.reject.token.badSignature',
  expired: 'scan.reject.token.expired',
  revoked: 'scan.reject.token.revoked',
  'not-yet-valid': 'scan.reject.token.notYetValid',
  'unknown-key': 'scan.reject.token.unknownKey',
};

/** "✗ …": why the scan was refused. An unknown code (a newer backend) is worded as an unreadable scan. */
export function scanRejectionText(outcome: Extract<ScanOutcome, { kind: 'rejected' }>, t: Translate): string {
  const token = outcome.code === 'BAD_TOKEN' && outcome.tokenReason !== undefined ? TOKEN_MESSAGES[outcome.tokenReason] : undefined;
  const key = token ?? SCAN_REJECTION_MESSAGES[outcome.code as ScanRejectionCode] ?? 'scan.reject.GARBAGE';
  return t('scan.rejected', { reason: t(key) });
}
