import type { ScanOutcome } from '../../../shared/api.ts';
import { cardRanges } from '../../../shared/program.ts';
import type { ScanEvent } from '../../../shared/scan.ts';
import type { ReadStaffContext } from '../context.ts';
import { showMember } from '../members/show-member.ts';
import { activeTokenKeys, isMemberTokenRevoked } from '../store/member-token-keys.ts';
import { memberByCard, memberById } from '../store/members.ts';
import { productByBarcode } from '../store/products.ts';
import { currentProgram } from '../store/program.ts';
import { parseScan } from './parse-scan.ts';

/**
 * A scan resolved against this terminal's data: the member or product it
 * names, a blank card ready for enrolment, or a refusal with plain words.
 * Refusals are logged with the parser's fields, which hold no personal data.
 */
export function resolveScan(ctx: ReadStaffContext, event: ScanEvent): ScanOutcome {
  const db = ctx.store.db;
  const parsed = parseScan(event, {
    keys: activeTokenKeys(db),
    now: ctx.clock.now(),
    isRevoked: (tokenId) => isMemberTokenRevoked(db, tokenId),
    cardRanges: cardRanges(currentProgram(db)),
  });
  switch (parsed.kind) {
    case 'rejected':
      ctx.log.log('warn', 'scan.refused', { code: parsed.code, ...parsed.log });
      // The member token's own reason (expired, withdrawn, not genuine…) lets the screen say what to do.
      return parsed.code === 'BAD_TOKEN' && typeof parsed.log.tokenReason === 'string'
        ? { kind: 'rejected', code: parsed.code, reason: parsed.reason, tokenReason: parsed.log.tokenReason }
        : { kind: 'rejected', code: parsed.code, reason: parsed.reason };
    case 'member-token': {
      const row = memberById(db, parsed.memberId);
      // Genuine but not here yet: enrolled on another terminal, not synced to this one.
      if (!row) return { kind: 'unknown-member', memberId: parsed.memberId };
      return { kind: 'member', via: 'token', member: showMember(ctx, row) };
    }
    case 'card': {
      const row = memberByCard(db, parsed.cardNumber);
      return row ? { kind: 'member', via: 'card', member: showMember(ctx, row) } : { kind: 'blank-card', cardNumber: parsed.cardNumber };
    }
    case 'product':
      for (const barcode of parsed.barcodes) {
        const p = productByBarcode(db, barcode);
        if (p)
          return {
            kind: 'product',
            barcode,
            product: { sku: p.sku, name: p.name, category: p.category, priceMinor: p.price_minor, active: p.active === 1 },
          };
      }
      return { kind: 'unknown-product', gtin: parsed.gtin };
  }
}
