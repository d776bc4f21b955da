/** Builders for sync events as a terminal writes them. */
import { randomUUID } from 'node:crypto';
import { programConfigSchema, type ProgramConfig } from '../../shared/program.ts';
import type { LedgerEntry, SyncEventInput } from '../../shared/sync-protocol.ts';
import { demoProgram } from '../fixtures/program.ts';
import { T0 } from './harness.ts';

/**
 * The programme the server tests import when their sales must be re-priced to
 * the figures they claim (server/apply/trust/reprice-sale.ts): the demo
 * programme without promotions (no day doubles points), with any redemption
 * of 1 point or more allowed and bounds no test reaches. A sale of EventLog
 * earning E and redeeming R is one keyed line of E.00 + R cents, R paid in points.
 */
export const serverTestProgram: ProgramConfig = programConfigSchema.parse({
  ...demoProgram,
  earn: { ...demoProgram.earn, promotions: [] },
  redeem: { points: 100, valueMinor: 100, minPoints: 1, stepPoints: 1, maxBasketPercent: 100 },
  bounds: {
    pointsPerSale: 1_000_000_000,
    pointsPerMemberPerDay: 1_000_000_000,
    adjustmentPoints: 1_000_000_000,
    adjustmentPointsPerTerminalPerDay: 1_000_000_000,
    keyedEarnPerSale: 1_000_000_000,
  },
});

export class EventLog {
  seq = 0;
  events: SyncEventInput[] = [];
  constructor(readonly storeId: string) {}

  private add(e: Omit<SyncEventInput, 'id' | 'seq'>): SyncEventInput {
    const event = { ...e, id: randomUUID(), seq: ++this.seq } as SyncEventInput;
    this.events.push(event);
    return event;
  }

  enrol(
    memberId: string,
    fields: { name?: string; phone?: string | null; email?: string | null; cardNumber?: string | null; bonus?: number; at?: number } = {},
  ): SyncEventInput {
    const at = fields.at ?? T0;
    const ledger: LedgerEntry[] = fields.bonus ? [{ memberId, kind: 'bonus', points: fields.bonus, qualifying: 0 }] : [];
    return this.add({
      kind: 'member.enrolled',
      createdAt: at,
      payload: {
        memberId,
        name: fields.name ?? 'Zoé Marchand',
        phone: fields.phone ?? null,
        email: fields.email ?? null,
        cardNumber: fields.cardNumber ?? null,
        birthDate: null,
        consentMarketing: false,
        storeId: this.storeId,
        enrolledAt: at,
        staffId: 'manager-1',
        ledger,
      },
    });
  }

  sale(
    memberId: string | null,
    opts: { earn?: number; redeem?: number; at?: number; holdId?: string; saleId?: string; expiresAt?: number } = {},
  ): SyncEventInput {
    const at = opts.at ?? T0;
    const earn = opts.earn ?? 0;
    const redeem = memberId === null ? 0 : (opts.redeem ?? 0);
    const paid = earn > 0 ? earn * 100 : 50; // 0.50: below the minimum spend, so it earns nothing
    const total = paid + redeem;
    const ledger: LedgerEntry[] = [];
    if (memberId !== null && opts.redeem) ledger.push({ memberId, kind: 'redeem', points: -opts.redeem, qualifying: 0 });
    if (memberId !== null && opts.earn)
      ledger.push({
        memberId,
        kind: 'earn',
        points: opts.earn,
        qualifying: opts.earn,
        ...(opts.expiresAt === undefined ? {} : { expiresAt: opts.expiresAt }),
      });
    return this.add({
      kind: 'sale.committed',
      createdAt: at,
      payload: {
        saleId: opts.saleId ?? randomUUID(),
        memberId,
        storeId: this.storeId,
        staffId: 'staff-1',
        createdAt: at,
        totalMinor: total,
        paidMinor: paid,
        pointsEarned: opts.earn ?? 0,
        pointsRedeemed: opts.redeem ?? 0,
        holdId: opts.holdId ?? null,
        programVersion: serverTestProgram.version,
        lines: [
          {
            lineNo: 1,
            sku: null,
            category: 'grocery',
            quantity: 1,
            unitPriceMinor: total,
            amountMinor: total,
            discountMinor: redeem,
            paidMinor: paid,
            earnPoints: memberId === null ? 0 : earn,
            redeemedPoints: redeem,
          },
        ],
        ...(memberId !== null && { memberFacts: { tier: 'bronze', purchaseCount: 0 } }),
        ledger,
      },
    });
  }

  void(saleId: string, memberId: string, points: number, at = T0): SyncEventInput {
    return this.add({
      kind: 'sale.voided',
      createdAt: at,
      payload: {
        saleId,
        memberId,
        storeId: this.storeId,
        staffId: 'staff-1',
        voidedAt: at,
        ledger: [{ memberId, kind: 'reverse', points: -points, qualifying: -points }],
      },
    });
  }

  refund(saleId: string, memberId: string, points: number, at = T0): SyncEventInput {
    return this.add({
      kind: 'sale.refunded',
      createdAt: at,
      payload: {
        refundId: randomUUID(),
        saleId,
        memberId,
        storeId: this.storeId,
        staffId: 'manager-1',
        createdAt: at,
        refundedMinor: 400,
        ledger: [{ memberId, kind: 'reverse', points: -points, qualifying: -points }],
      },
    });
  }

  adjust(memberId: string, points: number, at = T0): SyncEventInput {
    return this.add({
      kind: 'points.adjusted',
      createdAt: at,
      payload: {
        adjustmentId: randomUUID(),
        memberId,
        points,
        reason: 'goodwill',
        staffId: 'manager-1',
        ledger: [{ memberId, kind: 'adjust', points, qualifying: 0 }],
      },
    });
  }
}
