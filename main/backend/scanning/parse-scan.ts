/**
 * Turns a scan into meaning: a member QR token, a programme card, a product or
 * a typed refusal. Decided by shape, in this order:
 *   1. "LT<n>." prefix                         → member token (verified offline)
 *   2. GS1 symbology (]C1 ]e0 ]Q3 ]d2 ]J1),
 *      a GS (FNC1) anywhere, or "(AI)" form     → GS1 element string
 *   3. digits in a configured card range        → card (check digit enforced)
 *   4. 8, 12, 13 or 14 digits                   → EAN-8/UPC-E, UPC-A, EAN-13, GTIN-14
 *   5. 16+ digits starting 01                   → GS1 element string sent without FNC1 hint
 * Cards come before products because ranges live in GS1's restricted-circulation
 * prefixes (20–29 …), which no product uses.
 *
 * Never throws: input is capped, control characters and invalid data are
 * garbage, and every refusal carries log fields free of personal data.
 */
import type { CardRange } from '../../../shared/program.ts';
import { looksLikeMemberToken } from '../../../shared/member-token.ts';
import type { ScanEvent } from '../../../shared/scan.ts';
import type { ParsedScan, ScanLogFields, ScanRejectionCode } from '../../../shared/scan-result.ts';
import { cardRangeFor, parseCardNumber } from './card-number.ts';
import { GS, parseElementString, parseHumanReadable, type ParsedElementString } from './gs1-element-string.ts';
import { verifyMemberToken, type MemberTokenKeys } from './member-token-verify.ts';
import { catalogueBarcodes, parseProductCode } from './product-code.ts';

export interface ParseScanContext {
  keys: MemberTokenKeys;
  now: number;
  isRevoked?: (tokenId: string, memberId: string) => boolean;
  cardRanges: readonly CardRange[];
  clockSkewMs?: number;
}

/** Far above the longest real scan (a member token is under 200 characters); caps work on garbage. */
export const MAX_SCAN_LENGTH = 4096;

const GS1_SYMBOLOGIES = new Set([']C1', ']e0', ']Q3', ']d2', ']J1']);
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

type Rejected = Extract<ParsedScan, { kind: 'rejected' }>;

export function parseScan(event: ScanEvent, ctx: ParseScanContext): ParsedScan {
  try {
    return classify(event, ctx);
  } catch (error) {
    // Only a caller-supplied callback (isRevoked) or a bug can get here: still a typed answer.
    return reject('GARBAGE', 'This scan could not be read. Scan again.', {
      stage: 'internal',
      error: error instanceof Error ? error.name : typeof error,
    });
  }
}

function classify(event: ScanEvent, ctx: ParseScanContext): ParsedScan {
  const raw: unknown = event?.text;
  if (typeof raw !== 'string') return reject('GARBAGE', 'This scan could not be read. Scan again.', { stage: 'input' });
  const source = typeof event.source === 'string' ? event.source.slice(0, 16) : 'unknown';
  if (raw.length > MAX_SCAN_LENGTH)
    return reject('TOO_LONG', 'This scan is far too long for a card, member code or product. Scan again.', { source, length: raw.length });

  let symbology = typeof event.symbology === 'string' && AIM_PREFIX.test(event.symbology) ? event.symbology.slice(0, 3) : undefined;
  let text = raw;
  const aim = AIM_PREFIX.exec(text);
  if (aim) {
    symbology = aim[0];
    text = text.slice(3);
  }
  text = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  const log: ScanLogFields = { source, length: text.length, ...(symbology === undefined ? {} : { symbology }) };

  if (text.length === 0) return reject('EMPTY', 'The scan was empty. Scan again.', log);
  const bad = firstForeignCharacter(text);
  if (bad >= 0) {
    const unit = text.charCodeAt(bad).toString(16).padStart(4, '0');
    return reject(
      'GARBAGE',
      'The scanner sent unreadable characters. Scan again.',
      { ...log, position: bad },
      `unexpected character U+${unit} at ${bad}`,
    );
  }

  if (looksLikeMemberToken(text)) return memberToken(text, ctx, log);
  if ((symbology !== undefined && GS1_SYMBOLOGIES.has(symbology)) || text.includes(GS)) return gs1(parseElementString(text), log);
  if (/^\(\d{2,4}\)/.test(text)) return gs1(parseHumanReadable(text), log);
  if (/^\d+$/.test(text)) return digits(text, symbology, ctx, log);
  return reject('UNKNOWN_FORMAT', 'This is not a member code, card or product barcode we know.', log);
}

function memberToken(text: string, ctx: ParseScanContext, log: ScanLogFields): ParsedScan {
  const verified = verifyMemberToken(text, { keys: ctx.keys, now: ctx.now, isRevoked: ctx.isRevoked, clockSkewMs: ctx.clockSkewMs });
  if (verified.ok) {
    const { memberId, cardNumber, keyId, tokenId, issuedAt, expiresAt } = verified;
    return { kind: 'member-token', memberId, cardNumber, keyId, tokenId, issuedAt, expiresAt };
  }
  const fields: ScanLogFields = { ...log, tokenReason: verified.reason };
  if (verified.keyId !== undefined) fields.keyId = verified.keyId;
  if (verified.tokenId !== undefined) fields.tokenId = verified.tokenId;
  return reject('BAD_TOKEN', verified.message, fields, verified.reason);
}

function digits(text: string, symbology: string | undefined, ctx: ParseScanContext, log: ScanLogFields): ParsedScan {
  if (cardRangeFor(text, ctx.cardRanges) !== undefined) {
    const card = parseCardNumber(text, ctx.cardRanges);
    if (card.ok) return { kind: 'card', cardNumber: card.cardNumber };
    const code: ScanRejectionCode = card.reason === 'bad-check-digit' ? 'BAD_CHECK_DIGIT' : 'BAD_CARD_NUMBER';
    return reject(code, card.message, { ...log, looksLike: 'card', cardReason: card.reason }, card.reason);
  }
  if (text.length === 8 || text.length === 12 || text.length === 13 || text.length === 14) {
    const hint = symbology === ']E4' ? 'ean-8' : symbology === ']E0' && text.length === 8 ? 'upc-e' : undefined;
    const product = parseProductCode(text, hint);
    if (product.ok) return { kind: 'product', format: product.format, gtin: product.gtin, barcodes: product.barcodes };
    return reject('BAD_CHECK_DIGIT', product.message, { ...log, looksLike: 'product', productReason: product.reason }, product.reason);
  }
  if (text.length >= 16 && text.startsWith('01')) {
    const parsed = parseElementString(text);
    if (parsed.ok) return gs1(parsed, log);
  }
  const card = parseCardNumber(text, ctx.cardRanges);
  if (!card.ok && card.reason === 'wrong-length')
    return reject('BAD_CARD_NUMBER', card.message, { ...log, looksLike: 'card', cardReason: card.reason }, card.reason);
  return reject('UNKNOWN_FORMAT', 'This number is not a card of this programme or a product barcode.', { ...log, looksLike: 'digits' });
}

function gs1(parsed: ParsedElementString, log: ScanLogFields): ParsedScan {
  if (!parsed.ok) {
    const code: ScanRejectionCode = parsed.reason === 'bad-check-digit' ? 'BAD_CHECK_DIGIT' : 'BAD_PRODUCT_CODE';
    return reject(code, parsed.message, { ...log, looksLike: 'gs1', gs1Reason: parsed.reason }, parsed.detail);
  }
  const gtin = parsed.ai['01'];
  if (gtin === undefined) {
    return reject('UNKNOWN_FORMAT', 'This GS1 barcode does not name a product (no GTIN).', {
      ...log,
      looksLike: 'gs1',
      ais: Object.keys(parsed.ai).join(','),
    });
  }
  return { kind: 'product', format: 'gs1', gtin, barcodes: catalogueBarcodes(gtin), ai: parsed.ai };
}

/** Index of the first character outside printable ASCII and GS (FNC1), or -1. Catches U+FFFD from invalid UTF-8 too. */
function firstForeignCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 || c > 0x7e) && c !== 0x1d) return i;
  }
  return -1;
}

function reject(code: ScanRejectionCode, reason: string, log: ScanLogFields, detail?: string): Rejected {
  const result: Rejected = { kind: 'rejected', code, reason, log: { code, ...log } };
  if (detail !== undefined) result.detail = detail;
  return result;
}
