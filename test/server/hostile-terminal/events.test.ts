/**
 * A till that lies in the events it pushes (issue 13, "Trust no till"), on real PostgreSQL: every
 * attack is one request signed by a really paired terminal, and the server judges each event before
 * a point moves (server/apply/trust/judge.ts): forged or out-of-scope adjustments are refused,
 * adjustments above the programme's bound are held, a sale's points are re-priced from its lines,
 * a one-per-member bonus is granted once, a lot's expiry is the programme's, absurd figures never
 * apply, a void or refund never moves more than its sale did nor touches another store's sale,
 * another till's event ids and holds are not this till's, and a replayed request is refused.
 * After each attack every other member's balance, the other tills' answers and the ledger sums are
 * unchanged except for what the server derived itself, and every balance equals its ledger sum.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDeviceKeyPair } from '../../../main/backend/sync/request-signer.ts';
import { importProgram } from '../../../server/admin/catalogue.ts';
import { decideHeld } from '../../../server/admin/held.ts';
import { importMembers } from '../../../server/admin/import-members.ts';
import { createStore } from '../../../server/admin/stores.ts';
import { createPairingCode } from '../../../server/admin/terminals.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import type { BasketLine, MemberState } from '../../../shared/loyalty/types.ts';
import { programConfigSchema, type ProgramConfig } from '../../../shared/program.ts';
import {
  pushResponseSchema,
  saleLineRecord,
  type EventResult,
  type LedgerEntry,
  type PairResponse,
  type SyncEventInput,
} from '../../../shared/sync-protocol.ts';
import { EventLog, serverTestProgram } from '../events.ts';
import { startHarness, T0, usePostgresCluster, type Harness, type Terminal } from '../harness.ts';

usePostgresCluster();

const member = (n: number) => `0195a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;
const VICTIM = member(1);
const BYSTANDER = member(2);
const EARNER = member(3);
const BIRTHDAY = member(4);
const BIRTHDAY_2 = member(5);
const FRESH = member(6); // no opening points: its only lot is the one a sale makes
const SPENDER = member(7);
const HOLDER = member(8);
const OPENING = 5000;
const LYON = 'lyon-1';

/** The programme in force: the server test programme's pricing, with bounds the attacks reach. */
const BOUNDED: ProgramConfig = programConfigSchema.parse({
  ...serverTestProgram,
  version: 2,
  bounds: {
    pointsPerSale: 1000,
    pointsPerMemberPerDay: 100_000,
    adjustmentPoints: 500,
    adjustmentPointsPerTerminalPerDay: 100_000,
    keyedEarnPerSale: 1_000_000,
  },
});

let h: Harness;
let tillA: Terminal;
let tillB: Terminal;
let tillLyon: Terminal;
let logA: EventLog;
let logB: EventLog;
let logLyon: EventLog;

beforeAll(async () => {
  h = await startHarness('postgres');
  await importProgram(h.db, serverTestProgram, T0);
  await importProgram(h.db, BOUNDED, T0);
  await createStore(h.db, { id: LYON, name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris', currency: 'EUR' }, T0);
  tillA = await h.pair('Till A');
  tillB = await h.pair('Till B');
  tillLyon = await pairAt(LYON, 'Lyon till');
  logA = new EventLog(h.storeId);
  logB = new EventLog(h.storeId);
  logLyon = new EventLog(LYON);
  await importMembers(
    h.db,
    [
      { id: VICTIM, name: 'Victim', points: OPENING },
      { id: BYSTANDER, name: 'Bystander', points: OPENING },
      { id: EARNER, name: 'Earner', points: OPENING },
      { id: BIRTHDAY, name: 'Birthday', points: OPENING, birthDate: '1990-03-15' },
      { id: BIRTHDAY_2, name: 'Birthday Two', points: OPENING, birthDate: '1985-03-28' },
      { id: FRESH, name: 'Fresh', points: 0 },
      { id: SPENDER, name: 'Spender', points: OPENING },
      { id: HOLDER, name: 'Holder', points: OPENING },
    ].map((m) => ({ ...m, enrolledStore: h.storeId })),
    T0,
  );
}, 120_000);
afterAll(() => h?.close());

/** A terminal of another store, paired as h.pair() pairs one. */
async function pairAt(storeId: string, name: string): Promise<Terminal> {
  const { code } = await createPairingCode(h.db, { storeId }, h.clock.now);
  const keys = newDeviceKeyPair();
  const res = await h.request(null, 'POST', '/v1/pair', { code, terminalName: name, publicKey: keys.publicKey });
  if (res.status !== 200) throw new Error(`pairing failed: ${JSON.stringify(res.body)}`);
  return { ...(res.body as PairResponse), ...keys };
}

// ---- what the server holds -------------------------------------------------------

interface Books {
  balances: Map<string, number>;
  ledgerByMember: Map<string, number>;
  ledgerTotal: number;
  /** Every other terminal's answers, by event id. */
  othersResults: Map<string, string>;
}

async function books(attacker: Terminal): Promise<Books> {
  const members = await h.db.query<{ id: string; balance: string | number }>('SELECT id, balance FROM members');
  const ledger = await h.db.query<{ member_id: string; points: string | number }>(
    'SELECT member_id, sum(points) AS points FROM ledger GROUP BY member_id',
  );
  const [total] = await h.db.query<{ points: string | number | null }>('SELECT sum(points) AS points FROM ledger');
  const others = await h.db.query<{ id: string; status: string; reasons: unknown }>(
    'SELECT id, status, reasons FROM applied_events WHERE terminal_id <> $1',
    [attacker.terminalId],
  );
  return {
    balances: new Map(members.map((m) => [m.id, Number(m.balance)])),
    ledgerByMember: new Map(ledger.map((l) => [l.member_id, Number(l.points)])),
    ledgerTotal: Number(total?.points ?? 0),
    othersResults: new Map(others.map((r) => [r.id, JSON.stringify([r.status, r.reasons])])),
  };
}

/**
 * Runs one attack and checks that the books moved by exactly `derived` (member → points the server
 * itself derived), nothing else: no other member, no other till's answer, no ledger sum.
 */
async function guarded<T>(attacker: Terminal, derived: Record<string, number>, attack: () => Promise<T>): Promise<T> {
  const before = await books(attacker);
  const out = await attack();
  const after = await books(attacker);
  for (const [id, balance] of after.balances) {
    const delta = derived[id] ?? 0;
    expect(balance - (before.balances.get(id) ?? 0), `balance of ${id}`).toBe(delta);
    expect((after.ledgerByMember.get(id) ?? 0) - (before.ledgerByMember.get(id) ?? 0), `ledger of ${id}`).toBe(delta);
    // balance = ledger sum per member, always
    expect(balance, `balance = ledger sum for ${id}`).toBe(after.ledgerByMember.get(id) ?? 0);
  }
  expect(after.balances.size).toBe(before.balances.size);
  expect(after.ledgerTotal - before.ledgerTotal).toBe(Object.values(derived).reduce((s, p) => s + p, 0));
  expect(after.othersResults).toEqual(before.othersResults);
  return out;
}

async function push(terminal: Terminal, events: SyncEventInput[]): Promise<EventResult[]> {
  const res = await h.request(terminal, 'POST', '/v1/events', { events });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return pushResponseSchema.parse(res.body).results;
}

const appliedSeq = async (terminal: Terminal) =>
  Number(
    (await h.db.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1', [terminal.terminalId]))[0]!.applied_seq,
  );

const balanceOf = async (id: string) =>
  Number((await h.db.query<{ balance: number }>('SELECT balance FROM members WHERE id = $1', [id]))[0]!.balance);

/** The event as the log's next one (its seq), for an attacker-made event. */
function next(log: EventLog, e: Omit<SyncEventInput, 'id' | 'seq'> & { id?: string }): SyncEventInput {
  const event = { id: randomUUID(), ...e, seq: ++log.seq } as SyncEventInput;
  log.events.push(event);
  return event;
}

/** A sale priced by the shared engine exactly as a till prices and commits it (main/backend/sales/commit.ts). */
function pricedSale(
  log: EventLog,
  memberId: string,
  state: Partial<MemberState>,
  lines: Omit<BasketLine, 'amountMinor'>[],
  at = T0,
  program: ProgramConfig = serverTestProgram,
): SyncEventInput {
  const memberState: MemberState = {
    id: memberId,
    status: 'active',
    tier: 'bronze',
    birthday: null,
    enrolledAt: T0,
    referredBy: null,
    birthdayBonusYear: null,
    purchaseCount: 0,
    recentPurchaseTimes: [],
    balance: OPENING,
    available: OPENING,
    ...state,
  };
  const quote = priceSale({
    program,
    now: at,
    lines: lines.map((l) => ({ ...l, amountMinor: l.quantity * l.unitPriceMinor })),
    member: memberState,
    redemption: null,
  });
  const expiresAt = lotExpiry(at, program);
  const ledger: LedgerEntry[] = [
    ...(quote.earnPoints > 0
      ? [{ memberId, kind: 'earn' as const, points: quote.earnPoints, qualifying: quote.earnPoints, expiresAt }]
      : []),
    ...quote.bonuses.map((b) => ({ memberId: b.memberId, kind: 'bonus' as const, points: b.points, qualifying: 0, expiresAt })),
  ];
  return next(log, {
    kind: 'sale.committed',
    createdAt: at,
    payload: {
      saleId: randomUUID(),
      memberId,
      storeId: log.storeId,
      staffId: 'staff-1',
      createdAt: at,
      totalMinor: quote.totalMinor,
      paidMinor: quote.payableMinor,
      pointsEarned: quote.earnPoints + quote.bonuses.filter((b) => b.memberId === memberId).reduce((s, b) => s + b.points, 0),
      pointsRedeemed: 0,
      holdId: null,
      rewardId: null,
      programVersion: program.version,
      memberFacts: { tier: memberState.tier, purchaseCount: memberState.purchaseCount },
      lines: quote.lines.map(saleLineRecord),
      ledger,
    },
  });
}

type Payload = Record<string, unknown> & { ledger: LedgerEntry[] };
const payloadOf = (e: SyncEventInput) => e.payload as unknown as Payload;

async function heldRow(eventId: string) {
  const [row] = await h.db.query<{ reasons: string[]; ledger: LedgerEntry[]; sale_id: string | null; decided_at: number | null }>(
    'SELECT reasons, ledger, sale_id, decided_at FROM held_events WHERE event_id = $1',
    [eventId],
  );
  return row;
}

async function storedEvent(eventId: string) {
  const [row] = await h.db.query<{ status: string; reasons: string[]; payload: Record<string, unknown> }>(
    'SELECT status, reasons, payload FROM applied_events WHERE id = $1',
    [eventId],
  );
  return row;
}

// ---- the attacks ----------------------------------------------------------------------

describe('adjustments', () => {
  it('a forged adjustment (unknown staff, another store, a million points, 10^8 qualifying) is refused and moves nothing', async () => {
    const forged = next(logA, {
      kind: 'points.adjusted',
      createdAt: T0,
      payload: {
        adjustmentId: randomUUID(),
        memberId: VICTIM,
        points: 1_000_000,
        reason: 'goodwill',
        staffId: 'nobody',
        storeId: LYON,
        createdAt: T0,
        ledger: [{ memberId: VICTIM, kind: 'adjust', points: 1_000_000, qualifying: 100_000_000 }],
      },
    });
    const [result] = await guarded(tillA, {}, () => push(tillA, [forged]));
    expect(result!.status).toBe('refused');
    expect(result!.reasons).toEqual(expect.arrayContaining(['staff_not_allowed', 'wrong_store']));
    expect(await heldRow(forged.id)).toBeUndefined(); // refused, not waiting for anyone
    expect((await storedEvent(forged.id))?.status).toBe('refused');
    const [tier] = await h.db.query<{ tier: string }>('SELECT tier FROM members WHERE id = $1', [VICTIM]);
    expect(tier!.tier).toBe('bronze'); // no qualifying points either
  });

  it('an adjustment by a cashier is refused: staff_not_allowed', async () => {
    const adjustment = logA.adjust(VICTIM, 100);
    payloadOf(adjustment).staffId = 'staff-1';
    const [result] = await guarded(tillA, {}, () => push(tillA, [adjustment]));
    expect(result).toMatchObject({ status: 'refused', reasons: ['staff_not_allowed'] });
  });

  it("an adjustment above the programme's bound by a manager is held for approval, nothing applied", async () => {
    const adjustment = logA.adjust(VICTIM, 600); // adjustmentPoints: 500
    const [result] = await guarded(tillA, {}, () => push(tillA, [adjustment]));
    expect(result).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    const held = await heldRow(adjustment.id);
    expect(held).toMatchObject({ reasons: ['over_limit'], decided_at: null });
    expect(held!.ledger).toEqual([expect.objectContaining({ memberId: VICTIM, kind: 'adjust', points: 600 })]);
    // Sent again, it is answered held again and still applies nothing.
    const again = await guarded(tillA, {}, () => push(tillA, [adjustment]));
    expect(again[0]).toMatchObject({ status: 'held', reasons: ['over_limit'] });

    // A person approves it (the server's `approve` command): exactly the judged 600 points are applied, once.
    const decision = await guarded(tillA, { [VICTIM]: 600 }, () => decideHeld(h.db, adjustment.id, 'approved', 'head office', h.clock.now));
    expect(decision).toMatchObject({ decision: 'approved', pointsApplied: 600 });
    expect(await heldRow(adjustment.id)).toMatchObject({ decided_at: h.clock.now });
    await expect(decideHeld(h.db, adjustment.id, 'approved', 'head office', h.clock.now)).rejects.toThrow(/decided already/);
    // The till's retry now answers with the decision and applies nothing more.
    const retry = await guarded(tillA, {}, () => push(tillA, [adjustment]));
    expect(retry[0]!.status).toBe('duplicate');
  });

  it('an adjustment within the bound by a manager applies exactly its points', async () => {
    const adjustment = logA.adjust(VICTIM, 300);
    const [result] = await guarded(tillA, { [VICTIM]: 300 }, () => push(tillA, [adjustment]));
    expect(result!.status).toBe('applied');
  });
});

describe('sales', () => {
  it('an inflated earn (lines earn 10, the till claims 5,000) is re-priced: the member gets 10', async () => {
    const sale = logA.sale(EARNER, { earn: 10 });
    const p = payloadOf(sale);
    p.pointsEarned = 5000;
    p.ledger = [{ memberId: EARNER, kind: 'earn', points: 5000, qualifying: 5000 }];
    (p.lines as { earnPoints: number }[])[0]!.earnPoints = 5000;
    const [result] = await guarded(tillA, { [EARNER]: 10 }, () => push(tillA, [sale]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
    const stored = await storedEvent(sale.id);
    expect(stored!.payload).toMatchObject({ pointsEarned: 10, claimed: { pointsEarned: 5000 } });
  });

  it('an honest sale earning above pointsPerSale is held (over_limit), nothing applied', async () => {
    const sale = logA.sale(EARNER, { earn: 2000 }); // pointsPerSale: 1000
    const [result] = await guarded(tillA, {}, () => push(tillA, [sale]));
    expect(result).toMatchObject({ status: 'held', reasons: ['over_limit'] });
    expect((await heldRow(sale.id))!.ledger).toEqual([expect.objectContaining({ memberId: EARNER, kind: 'earn', points: 2000 })]);
  });

  it('the same birthday bonus claimed in a second sale gets none (points_repriced)', async () => {
    // 25.00 of groceries in the member's birth month: 25 points and the birthday bonus (200).
    const basket = [{ lineNo: 1, sku: null, category: 'grocery', quantity: 1, unitPriceMinor: 2500 }];
    const first = pricedSale(logA, BIRTHDAY, { birthday: '03-15' }, basket);
    expect(payloadOf(first).ledger.map((e) => [e.kind, e.points])).toEqual([
      ['earn', 25],
      ['bonus', 200],
    ]);
    const [r1] = await guarded(tillA, { [BIRTHDAY]: 225 }, () => push(tillA, [first]));
    expect(r1!.status).toBe('applied');

    // The till claims it again (as a till that never pulled would): a second birthday this year is not the member's.
    const second = pricedSale(logA, BIRTHDAY, { birthday: '03-15' }, basket, T0 + 60_000);
    expect(payloadOf(second).ledger.some((e) => e.kind === 'bonus' && e.points === 200)).toBe(true);
    const [r2] = await guarded(tillA, { [BIRTHDAY]: 25 }, () => push(tillA, [second]));
    expect(r2).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
    const grants = await h.db.query('SELECT kind, period FROM bonus_grants WHERE member_id = $1', [BIRTHDAY]);
    expect(grants).toEqual([{ kind: 'birthday', period: '2026' }]);
  });

  it('the birthday bonus claimed twice in one batch from another till is granted once', async () => {
    const basket = [{ lineNo: 1, sku: null, category: 'grocery', quantity: 1, unitPriceMinor: 2500 }];
    const first = pricedSale(logB, BIRTHDAY_2, { birthday: '03-28' }, basket);
    const second = pricedSale(logB, BIRTHDAY_2, { birthday: '03-28' }, basket, T0 + 60_000);
    const results = await guarded(tillB, { [BIRTHDAY_2]: 225 + 25 }, () => push(tillB, [first, second]));
    expect(results[0]!.status).toBe('applied');
    expect(results[1]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it("an expiry far in the future claimed on an earn entry: the lot expires at the programme's date", async () => {
    const claimed = T0 + 50 * 365 * 86_400_000;
    const sale = logA.sale(FRESH, { earn: 10, expiresAt: claimed });
    const [result] = await guarded(tillA, { [FRESH]: 10 }, () => push(tillA, [sale]));
    expect(['applied', 'applied_with_adjustment']).toContain(result!.status);
    const lots = await h.db.query<{ remaining: number; expires_at: number }>(
      'SELECT remaining, expires_at FROM point_lots WHERE member_id = $1',
      [FRESH],
    );
    expect(lots.map((l) => [Number(l.remaining), Number(l.expires_at)])).toEqual([[10, lotExpiry(T0, BOUNDED)]]);
    expect(lotExpiry(T0, BOUNDED)).toBe(Date.parse('2027-03-02T10:00:00Z')); // expiry.months (12) after the sale
  });
});

describe('absurd figures', () => {
  const unsafe = [
    ['2^53 − 1 points in an adjustment', 2 ** 53 - 1, 'adjust'],
    ['2^53 points in a sale earn entry', 2 ** 53, 'earn'],
  ] as const;
  for (const [name, points, kind] of unsafe) {
    it(`${name}: 400 VALIDATION, nothing applied`, async () => {
      const seqBefore = await appliedSeq(tillA);
      const seq = logA.seq + 1; // not taken: the request is refused whole
      const base = kind === 'adjust' ? new EventLog(h.storeId).adjust(VICTIM, 1) : new EventLog(h.storeId).sale(VICTIM, { earn: 10 });
      const p = payloadOf(base);
      if (kind === 'adjust') p.points = points;
      else p.pointsEarned = points;
      p.ledger = [{ memberId: VICTIM, kind, points, qualifying: points }];
      const event = { ...base, seq };
      const res = await guarded(tillA, {}, () => h.request(tillA, 'POST', '/v1/events', { events: [event] }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect(await storedEvent(event.id)).toBeUndefined();
      expect(await appliedSeq(tillA)).toBe(seqBefore);
    });
  }

  it('two earn entries of 10^9 for one member (each within the schema) on a sale earning 10: never applied as claimed', async () => {
    const sale = logA.sale(BYSTANDER, { earn: 10 });
    const p = payloadOf(sale);
    p.pointsEarned = 1_000_000_000;
    p.ledger = [
      { memberId: BYSTANDER, kind: 'earn', points: 1_000_000_000, qualifying: 1_000_000_000 },
      { memberId: BYSTANDER, kind: 'earn', points: 1_000_000_000, qualifying: 1_000_000_000 },
    ];
    const [result] = await guarded(tillA, { [BYSTANDER]: 10 }, () => push(tillA, [sale]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it('an adjustment of two 10^9 entries for one member is held, never applied', async () => {
    const adjustment = logA.adjust(BYSTANDER, 1_000_000_000);
    payloadOf(adjustment).ledger = [
      { memberId: BYSTANDER, kind: 'adjust', points: 1_000_000_000, qualifying: 0 },
      { memberId: BYSTANDER, kind: 'adjust', points: 1_000_000_000, qualifying: 0 },
    ];
    const [result] = await guarded(tillA, {}, () => push(tillA, [adjustment]));
    expect(result!.status).toBe('held');
    expect(result!.reasons).toContain('over_limit');
    // What approval would apply is the adjustment's stated points once, not the two entries.
    expect((await heldRow(adjustment.id))!.ledger.reduce((s, e) => s + e.points, 0)).toBe(1_000_000_000);
  });
});

describe('voids and refunds', () => {
  let parisSale: SyncEventInput;
  beforeAll(async () => {
    parisSale = logA.sale(SPENDER, { earn: 40 });
    const [r] = await push(tillA, [parisSale]);
    expect(r!.status).toBe('applied');
  });
  const saleIdOf = (e: SyncEventInput) => payloadOf(e).saleId as string;

  it("another store's till voiding a Paris sale (naming its own store) is refused: wrong_store", async () => {
    const voided = logLyon.void(saleIdOf(parisSale), SPENDER, 40);
    const [result] = await guarded(tillLyon, {}, () => push(tillLyon, [voided]));
    expect(result!.status).toBe('refused');
    expect(result!.reasons).toContain('wrong_store');
    expect(await heldRow(voided.id)).toBeUndefined();
  });

  it("another store's till refunding a Paris sale (naming the Paris store) is refused: wrong_store", async () => {
    const refund = logLyon.refund(saleIdOf(parisSale), SPENDER, 40);
    payloadOf(refund).storeId = h.storeId;
    const [result] = await guarded(tillLyon, {}, () => push(tillLyon, [refund]));
    expect(result!.status).toBe('refused');
    expect(result!.reasons).toContain('wrong_store');
  });

  it('a refund taking back more than the sale gave is capped at what it gave (points_repriced)', async () => {
    const refund = logA.refund(saleIdOf(parisSale), SPENDER, 500);
    const [result] = await guarded(tillA, { [SPENDER]: -40 }, () => push(tillA, [refund]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it('a void taking back more than the sale gave is capped at what it gave (points_repriced)', async () => {
    const sale = logA.sale(SPENDER, { earn: 15 });
    expect((await push(tillA, [sale]))[0]!.status).toBe('applied');
    const voided = logA.void(saleIdOf(sale), SPENDER, 500);
    const [result] = await guarded(tillA, { [SPENDER]: -15 }, () => push(tillA, [voided]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it('a refund giving back more than the sale spent is capped at what it spent', async () => {
    const sale = logA.sale(SPENDER, { earn: 10, redeem: 100 });
    expect((await push(tillA, [sale]))[0]!.status).toBe('applied');
    const refund = logA.refund(saleIdOf(sale), SPENDER, 0);
    payloadOf(refund).ledger = [
      { memberId: SPENDER, kind: 'reverse', points: 100_000, qualifying: 0 },
      { memberId: SPENDER, kind: 'reverse', points: -10, qualifying: -10 },
    ];
    const [result] = await guarded(tillA, { [SPENDER]: 100 - 10 }, () => push(tillA, [refund]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it('two refunds of one sale in one batch give back at most what the sale spent, together', async () => {
    const sale = logA.sale(SPENDER, { earn: 10, redeem: 100 });
    expect((await push(tillA, [sale]))[0]!.status).toBe('applied');
    const giveBack = () => {
      const refund = logA.refund(saleIdOf(sale), SPENDER, 0);
      payloadOf(refund).ledger = [{ memberId: SPENDER, kind: 'reverse', points: 100, qualifying: 0 }];
      return refund;
    };
    const results = await guarded(tillA, { [SPENDER]: 100 }, () => push(tillA, [giveBack(), giveBack()]));
    expect(results[0]!.status).toBe('applied');
    expect(results[1]).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  // The sale a reversal is judged against carries the reversals applied to it in earlier requests (storedSalesFor).
  it('two refunds of one sale in two requests give back at most what the sale spent, together', async () => {
    const sale = logA.sale(SPENDER, { earn: 10, redeem: 100 });
    expect((await push(tillA, [sale]))[0]!.status).toBe('applied');
    const giveBack = () => {
      const refund = logA.refund(saleIdOf(sale), SPENDER, 0);
      payloadOf(refund).ledger = [{ memberId: SPENDER, kind: 'reverse', points: 100, qualifying: 0 }];
      return refund;
    };
    expect((await guarded(tillA, { [SPENDER]: 100 }, () => push(tillA, [giveBack()])))[0]!.status).toBe('applied');
    const [second] = await guarded(tillA, {}, () => push(tillA, [giveBack()]));
    expect(second).toMatchObject({ status: 'applied_with_adjustment', reasons: ['points_repriced'] });
  });

  it('a void of a sale the server does not hold yet is held: awaiting_sale', async () => {
    const saleId = randomUUID();
    const voided = logA.void(saleId, SPENDER, 30);
    const [result] = await guarded(tillA, {}, () => push(tillA, [voided]));
    expect(result).toMatchObject({ status: 'held', reasons: ['awaiting_sale'] });
    expect(await heldRow(voided.id)).toMatchObject({ sale_id: saleId, reasons: ['awaiting_sale'], decided_at: null });
  });
});

describe("another till's ids and holds", () => {
  it("an event id till A used, sent by till B, is refused (event_id_taken); A's own retry is still a duplicate", async () => {
    const sale = logA.sale(EARNER, { earn: 12 });
    const [first] = await push(tillA, [sale]);
    expect(first!.status).toBe('applied');

    const stolen = { ...sale, seq: ++logB.seq };
    const [result] = await guarded(tillB, {}, () => push(tillB, [stolen]));
    expect(result).toMatchObject({ id: sale.id, status: 'refused', reasons: ['event_id_taken'] });

    const [retry] = await guarded(tillA, {}, () => push(tillA, [sale]));
    expect(retry).toEqual({ id: sale.id, seq: sale.seq, status: 'duplicate' });
    const row = await h.db.query<{ terminal_id: string }>('SELECT terminal_id FROM applied_events WHERE id = $1', [sale.id]);
    expect(row).toEqual([{ terminal_id: tillA.terminalId }]);
  });

  it("a sale naming another till's hold does not post it (hold_not_owned); the hold stays the placer's", async () => {
    const holdId = randomUUID();
    const placed = await h.request(tillA, 'POST', '/v1/holds', { holdId, memberId: HOLDER, points: 100, ttlMs: 120_000 });
    expect(placed.status).toBe(200);
    const sale = logB.sale(HOLDER, { earn: 10, redeem: 100, holdId });
    // The sale's own points (its redemption judged as offline, its earn) are what the server derives.
    const [result] = await guarded(tillB, { [HOLDER]: -100 + 10 }, () => push(tillB, [sale]));
    expect(result).toMatchObject({ status: 'applied_with_adjustment', reasons: ['hold_not_owned'] });
    const [hold] = await h.db.query<{ status: string; terminal_id: string; sale_id: string | null }>(
      'SELECT status, terminal_id, sale_id FROM holds WHERE id = $1',
      [holdId],
    );
    expect(hold).toEqual({ status: 'active', terminal_id: tillA.terminalId, sale_id: null });
  });
});

describe('replay', () => {
  it('the exact same signed request sent twice: the second is 401 replay, applied once', async () => {
    const sale = logA.sale(EARNER, { earn: 7 });
    const sign = { ts: h.clock.now, nonce: 'fixed-nonce-0123456789abcdef' };
    const before = await balanceOf(EARNER);
    const first = await h.request(tillA, 'POST', '/v1/events', { events: [sale] }, sign);
    expect(first.status).toBe(200);
    const second = await guarded(tillA, {}, () => h.request(tillA, 'POST', '/v1/events', { events: [sale] }, sign));
    expect(second.status).toBe(401);
    expect(second.body).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'replay' } });
    expect(await balanceOf(EARNER)).toBe(before + 7);
  });
});
