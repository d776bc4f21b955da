import type { Output } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import type { StaffContext } from '../context.ts';
import type { Handlers } from '../handler-types.ts';
import { memberByCard, memberById } from '../store/members.ts';
import { entriesOfMember } from '../store/points.ts';
import { mergeSalesOfOtherTills } from '../sales/sale-of-other-till.ts';
import type { MemberSalesLookup } from '../sync/sale-fetch.ts';
import { linesOf, saleById, salesOfMember, type SaleRow } from '../store/sales.ts';
import { adjustPoints } from './adjust.ts';
import { enrolMember, possibleDuplicates } from './enrol.ts';
import { searchMembers } from './member-search.ts';
import { fullHistory, searchMembersOnline } from './online-lookup.ts';
import { phoneCountry } from './phone-number.ts';
import { qrSvg } from './member-qr.ts';
import { showMember } from './show-member.ts';

function commitContext(ctx: StaffContext) {
  return { store: ctx.store, now: ctx.clock.now(), staffId: ctx.staff.id, storeId: ctx.storeId };
}

export const memberHandlers = {
  'member.byCard': (input, ctx) => showMember(ctx, memberByCard(ctx.store.db, input.card)),
  'member.get': (input, ctx) => showMember(ctx, memberById(ctx.store.db, input.memberId)),

  'member.search': (input, ctx) => searchMembers(input, ctx),
  'member.searchOnline': (input, ctx) => searchMembersOnline(input, ctx),
  'member.fullHistory': (input, ctx) => fullHistory(input, ctx),
  'member.duplicates': (input, ctx) => possibleDuplicates(input, ctx, phoneCountry(ctx.terminal.locale, ctx.terminal.phoneCountry)),

  'member.issueToken': async (input, ctx) => {
    if (!memberById(ctx.store.db, input.memberId)) throw new AppError('NOT_FOUND', 'This member is not known on this terminal.');
    const issued = await ctx.sync.issueMemberToken(input.memberId);
    ctx.log.log('info', 'member.token_issued', { memberId: input.memberId, tokenId: issued.tokenId, keyId: issued.keyId });
    return { ...issued, svg: qrSvg(issued.token) };
  },
  'member.enrol': (input, ctx) => enrolMember(commitContext(ctx), input, phoneCountry(ctx.terminal.locale, ctx.terminal.phoneCountry)),
  'points.adjust': (input, ctx) => adjustPoints(commitContext(ctx), input),

  'member.history': (input, ctx) => {
    const db = ctx.store.db;
    if (!memberById(db, input.memberId)) throw new AppError('NOT_FOUND', 'This member is not known on this terminal.');
    const before = input.beforeCreatedAt ?? Number.MAX_SAFE_INTEGER;
    const history = (remote: MemberSalesLookup | null) => {
      const local = salesOfMember(db, input.memberId, input.limit, before).map((s) => historySale(db, s));
      return {
        sales:
          remote?.kind === 'found'
            ? mergeSalesOfOtherTills(local, remote.sales, (id) => saleById(db, id) !== undefined, input.limit)
            : local,
        otherTillsUnavailable: remote !== null && remote.kind !== 'found',
        ledger: entriesOfMember(db, input.memberId, input.limit * 4).map((e) => ({
          id: e.id,
          kind: e.kind,
          points: e.points,
          saleId: e.sale_id,
          reason: e.reason,
          createdAt: e.created_at,
        })),
      };
    };
    // Online, the member's sales at other tills of this store are listed too (refundable from here).
    if (!ctx.sync.paired) return history(null);
    const page = { limit: input.limit, ...(input.beforeCreatedAt === undefined ? {} : { before }) };
    return ctx.sync.memberSalesAtStore(input.memberId, page).then(history);
  },
} satisfies Partial<Handlers>;

function historySale(db: StaffContext['store']['db'], s: SaleRow): Output<'member.history'>['sales'][number] {
  const result = JSON.parse(s.result) as { earnExplanation?: Output<'sale.preview'>['earnExplanation'] };
  return {
    id: s.id,
    createdAt: s.created_at,
    status: s.status,
    totalMinor: s.total_minor,
    paidMinor: s.paid_minor,
    pointsEarned: s.points_earned,
    pointsRedeemed: s.points_redeemed,
    explanation: result.earnExplanation ?? [],
    lines: linesOf(db, s.id).map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      description: l.description,
      category: l.category,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price_minor,
      amountMinor: l.amount_minor,
      discountMinor: l.discount_minor,
      paidMinor: l.paid_minor,
      earnPoints: l.earn_points,
      redeemedPoints: l.redeemed_points,
      refundedQuantity: l.refunded_quantity,
    })),
    atOtherTill: s.origin_terminal_id !== null,
    pointsExpiredNotReversed: s.points_expired_kept,
  };
}
