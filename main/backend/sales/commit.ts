import { randomBytes } from 'node:crypto';
import type { ParsedInput, SaleResult } from '../../../shared/api.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { evaluateTier } from '../../../shared/loyalty/tiers.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { writeTransaction, type TerminalDb, type WritableDb } from '../store/connection.ts';
import { updateMemberAfterSale } from '../store/members.ts';
import { AppError } from '../../../shared/errors.ts';
import { saleLineRecord } from '../../../shared/sync-protocol.ts';
import { audit } from '../store/audit.ts';
import { enqueue, ledgerMark, ledgerSince } from '../store/outbox.ts';
import { insertOfflineRedemption, markHoldPosted, offlineRedeemedSince, usableHold } from '../store/sync-redemptions.ts';
import { judgeOfflineRedemption, REFUSAL_MESSAGES, storeDayStart, type OfflineCaps } from './offline-policy.ts';
import { verifyManagerOverride } from './redemption-override.ts';
import type { MemberPresence } from './member-presence.ts';
import { redemptionPolicy, type ProgramConfig } from '../../../shared/program.ts';
import type { Lockout } from '../staff/pin-check.ts';
import { expireDue } from '../store/expiry.ts';
import { credit, debit } from '../store/points.ts';
import { currentProgram } from '../store/program.ts';
import { insertSale, insertVoucher, saleById } from '../store/sales.ts';
import { price } from './preview.ts';
import { quoteView } from './quote-view.ts';

export interface CommitContext {
  store: TerminalDb;
  now: number;
  staffId: string;
  storeId: string;
  /**
   * Offline redemption caps; null or absent when the terminal is not paired
   * (its ledger is then the only one, and its balance check is enough).
   */
  offlineCaps?: OfflineCaps | null;
  /**
   * Members a scan identified at this till (sales/member-presence.ts): with the programme's
   * redemption.requirePresence, a redemption for a member no scan identified needs a manager's
   * override. Absent: not checked (callers below the command layer, such as imports and tests).
   */
  presence?: MemberPresence | null;
}

/**
 * Commits a sale: the sale and its lines, every ledger entry and lot change,
 * the member's new tier and the outbox event, in one transaction. The id was
 * made by the caller before the first attempt; committing it again changes
 * nothing and returns the first answer.
 */
export function commitSale(ctx: CommitContext & { lockout: Lockout }, input: ParsedInput<'sale.commit'>): SaleResult {
  const { now } = ctx;
  const holdId = input.holdId ?? null;
  // Checked before the transaction: a wrong PIN must be counted even though the sale is then refused.
  const overrideStaffId =
    input.override != null && saleById(ctx.store.db, input.saleId) === undefined
      ? verifyManagerOverride(ctx.store, ctx.lockout, input.override, now)
      : null;
  let committedFor: string | null = null;
  const result = writeTransaction(ctx.store, (db) => {
    const existing = saleById(db, input.saleId);
    if (existing) return JSON.parse(existing.result) as SaleResult;
    committedFor = input.memberId;

    const mark = ledgerMark(db);
    const program = currentProgram(db);
    if (input.memberId !== null) expireDue(db, input.memberId, now);
    const { basket, quote, member } = price(db, program, input, now);
    if (quote.redemption && input.memberId !== null)
      checkPresence(db, ctx, program, input.memberId, quote.redemption.points, overrideStaffId, input.saleId);
    const voucherCode = quote.redemption?.issuesVoucher ? newVoucherCode() : null;

    let tierAfter: string | null = null;
    let tierReviewedAt: number | null = null;
    if (member) {
      const tier = evaluateTier({
        program,
        currentTier: member.row.tier,
        qualifying: member.qualifying + quote.earnPoints,
        enrolledAt: member.row.enrolled_at,
        lastReviewAt: member.row.tier_reviewed_at,
        now,
      });
      tierAfter = tier.tier !== member.row.tier ? tier.tier : null;
      tierReviewedAt = tier.reviewedAt;
    }
    const pointsAwarded = quote.earnPoints + quote.bonuses.filter((b) => b.memberId === input.memberId).reduce((s, b) => s + b.points, 0);
    const result: SaleResult = {
      ...quoteView(quote, basket, program),
      tierAfter,
      saleId: input.saleId,
      memberId: input.memberId,
      createdAt: now,
      voucherCode,
      pointsAwarded,
    };

    insertSale(
      db,
      {
        id: input.saleId,
        member_id: input.memberId,
        staff_id: ctx.staffId,
        store_id: ctx.storeId,
        program_version: program.version,
        created_at: now,
        total_minor: quote.totalMinor,
        discount_minor: quote.discountMinor,
        paid_minor: quote.payableMinor,
        points_earned: pointsAwarded,
        points_redeemed: quote.redemption?.points ?? 0,
        reward_id: quote.redemption?.rewardId ?? null,
        result: JSON.stringify(result),
      },
      result.lines.map((l) => ({
        line_no: l.lineNo,
        sku: l.sku,
        category: l.category,
        description: l.description,
        quantity: l.quantity,
        unit_price_minor: l.unitPriceMinor,
        amount_minor: l.amountMinor,
        discount_minor: l.discountMinor,
        paid_minor: l.paidMinor,
        earn_points: l.earnPoints,
        redeemed_points: l.redeemedPoints,
      })),
    );

    let postedHold: string | null = null;
    if (member && input.memberId !== null) {
      const memberId = input.memberId;
      const base = { saleId: input.saleId, staffId: ctx.staffId, now };
      if (quote.redemption && quote.redemption.points > 0) {
        const points = quote.redemption.points;
        if (holdId !== null && usableHold(db, holdId, memberId, points, now)) {
          // The server reserved these points: the event names the hold and the server posts it with the sale.
          postedHold = holdId;
          markHoldPosted(db, holdId, input.saleId);
        } else {
          checkOfflineRedemption(db, ctx, memberId, points, program.timeZone, overrideStaffId, input.saleId);
          insertOfflineRedemption(db, { saleId: input.saleId, memberId, points, at: now, overrideStaffId });
        }
      }
      if (quote.redemption) {
        debit(
          db,
          { ...base, memberId, kind: 'redeem', points: quote.redemption.points, reason: quote.redemption.explanation.label },
          { allowDebt: false },
        );
      }
      credit(
        db,
        { ...base, memberId, kind: 'earn', points: quote.earnPoints, qualifying: quote.earnPoints, reason: 'points earned on sale' },
        lotExpiry(now, program),
      );
      for (const bonus of quote.bonuses) {
        if (bonus.memberId !== memberId) expireDue(db, bonus.memberId, now);
        credit(
          db,
          { ...base, memberId: bonus.memberId, kind: 'bonus', points: bonus.points, ref: bonus.kind, reason: bonus.explanation.label },
          lotExpiry(now, program),
        );
      }
      if (voucherCode !== null && quote.redemption?.rewardId) {
        insertVoucher(db, { code: voucherCode, rewardId: quote.redemption.rewardId, memberId, saleId: input.saleId, now });
      }
      const got = (kind: string) => quote.bonuses.some((b) => b.kind === kind && b.memberId === memberId);
      updateMemberAfterSale(db, memberId, {
        tier: tierAfter ?? member.row.tier,
        tierReviewedAt,
        birthdayBonusYear: got('birthday') ? localParts(now, program.timeZone).year : member.row.birthday_bonus_year,
        lastNthBonusAt: got('nth_purchase') ? now : member.row.last_nth_bonus_at,
        now,
      });
    }

    enqueue(
      db,
      'sale.committed',
      {
        saleId: input.saleId,
        memberId: input.memberId,
        storeId: ctx.storeId,
        staffId: ctx.staffId,
        createdAt: now,
        totalMinor: quote.totalMinor,
        paidMinor: quote.payableMinor,
        pointsEarned: pointsAwarded,
        pointsRedeemed: quote.redemption?.points ?? 0,
        holdId: postedHold,
        rewardId: quote.redemption?.rewardId ?? null,
        programVersion: program.version,
        // What this till knew of the member when it priced the sale (the tier as of now, the completed purchases
        // before it): the server checks each against its own knowledge before it accepts the points.
        ...(member ? { memberFacts: { tier: member.state.tier, purchaseCount: member.state.purchaseCount } } : {}),
        lines: result.lines.map(saleLineRecord),
        ledger: ledgerSince(db, mark),
      },
      now,
    );
    return result;
  });
  // The member's scan was for this sale: the next sale needs its own.
  if (committedFor !== null) ctx.presence?.consume(ctx.staffId, committedFor);
  return result;
}

/**
 * A redemption (points or a reward) for a member no scan identified at this till in this sale
 * (found by search) needs a manager's override when the programme requires presence; the
 * override is audited. The cashier's own PIN is no override (verifyManagerOverride asks for a manager).
 */
function checkPresence(
  db: WritableDb,
  ctx: CommitContext,
  program: ProgramConfig,
  memberId: string,
  points: number,
  overrideStaffId: string | null,
  saleId: string,
): void {
  if (ctx.presence == null || !redemptionPolicy(program).requirePresence) return;
  if (ctx.presence.isPresent(ctx.staffId, memberId, ctx.now)) return;
  if (overrideStaffId === null) {
    throw new AppError(
      'REDEMPTION_NOT_ALLOWED',
      "The member's card or QR code was not scanned in this sale: redeeming for a member found by search needs a manager's PIN.",
      { reason: 'presence_required', overrideAllowed: true },
    );
  }
  audit(db, {
    at: ctx.now,
    staffId: overrideStaffId,
    action: 'redemption.presence_override',
    subject: saleId,
    details: { memberId, points, cashierId: ctx.staffId },
  });
}

/** Without a usable hold, a paired terminal lets a redemption through only within the offline caps or with a manager's override. */
function checkOfflineRedemption(
  db: WritableDb,
  ctx: CommitContext,
  memberId: string,
  points: number,
  timeZone: string,
  overrideStaffId: string | null,
  saleId: string,
): void {
  const caps = ctx.offlineCaps ?? null;
  if (caps === null) return;
  const since = storeDayStart(ctx.now, timeZone);
  const verdict = judgeOfflineRedemption(
    points,
    { member: offlineRedeemedSince(db, memberId, since), terminal: offlineRedeemedSince(db, null, since) },
    caps,
  );
  if (verdict.allowed) return;
  if (overrideStaffId === null) {
    throw new AppError('REDEMPTION_NOT_ALLOWED', REFUSAL_MESSAGES[verdict.reason!], {
      reason: verdict.reason,
      capRemaining: verdict.capRemaining,
      overrideAllowed: true,
    });
  }
  audit(db, {
    at: ctx.now,
    staffId: overrideStaffId,
    action: 'redemption.override',
    subject: saleId,
    details: { memberId, points, reason: verdict.reason, capRemaining: verdict.capRemaining, cashierId: ctx.staffId },
  });
}

/** Readable voucher codes: no 0/O or 1/I to misread at the counter. */
function newVoucherCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(10);
  let code = '';
  for (const b of bytes) code += alphabet[b % alphabet.length];
  return `V-${code.slice(0, 5)}-${code.slice(5)}`;
}
