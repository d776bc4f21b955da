/** Builders for sync events as a terminal writes them. */
import { randomUUID } from 'node:crypto';
import type { LedgerEntry, SyncEventInput } from '../../shared/sync-protocol.ts';
import { T0 } from './harness.ts';

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
        staffId: 'staff-1',
        ledger,
      },
    });
  }

  sale(
    memberId: string | null,
    opts: { earn?: number; redeem?: number; at?: number; holdId?: string; saleId?: string; expiresAt?: number } = {},
  ): SyncEventInput {
    const at = opts.at ?? T0;
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
        totalMinor: 1000,
        paidMinor: 1000,
        pointsEarned: opts.earn ?? 0,
        pointsRedeemed: opts.redeem ?? 0,
        holdId: opts.holdId ?? null,
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
        staffId: 'staff-1',
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
