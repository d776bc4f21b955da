/**
 * Model-based property test of the points ledger: random command sequences
 * (sales with and without redemptions, rewards, voids, partial and over-
 * refunds, manager adjustments, clock jumps that make lots expire, member
 * lookups, enrolments and replays of used ids) against ONE real terminal per
 * run (a real SQLite file through the real dispatcher).
 *
 * The model knows which sales exist, which lines were refunded and which
 * sales were voided, so it predicts whether each command must succeed or
 * which error it must fail with. After every command the whole database is
 * checked with checkInvariants(); a refused command or a replay must write
 * nothing at all.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Input, Output } from '../../shared/api.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { CASHIER_VOID_WINDOW_MS } from '../../main/backend/sales/void.ts';
import { demoProgram } from '../fixtures/program.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { checkInvariants } from '../helpers/ledger-invariants.ts';
import { createTestTerminal, PRODUCTS, type TestTerminal } from '../helpers/terminal.ts';

// ---------------------------------------------------------------------------
// Model and system under test

interface MemberModel {
  id: string;
  card: string;
}

interface SaleModel {
  input: Input<'sale.commit'>;
  result: Output<'sale.commit'>;
  /** Per line (index = lineNo − 1): units sold and units refunded so far. */
  lines: { quantity: number; refunded: number }[];
  voided: boolean;
  refunded: boolean;
}

interface Model {
  members: MemberModel[];
  sales: SaleModel[];
  refunds: { input: Input<'sale.refund'>; result: Output<'sale.refund'> }[];
  adjustments: { input: Input<'points.adjust'>; result: Output<'points.adjust'> }[];
  cards: number;
}

interface Real {
  t: TestTerminal;
  cashier: string;
  manager: string;
}

type Cmd = fc.Command<Model, Real>;

// ---------------------------------------------------------------------------
// Reading the database directly (read-only: the test must not sweep lots itself)

const TABLES = [
  'sales',
  'sale_lines',
  'ledger',
  'point_lots',
  'refunds',
  'outbox',
  'audit_log',
  'vouchers',
  'members',
  'member_cards',
] as const;

type Snapshot = Record<(typeof TABLES)[number] | 'balances' | 'debts' | 'remaining' | 'refundedUnits' | 'voided', number>;

function snapshot(t: TestTerminal): Snapshot {
  const db = t.backend.store.db;
  const out = {} as Snapshot;
  for (const table of TABLES) out[table] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  out.balances = db.prepare('SELECT coalesce(sum(balance), 0) FROM members').pluck().get() as number;
  out.debts = db.prepare('SELECT coalesce(sum(debt), 0) FROM members').pluck().get() as number;
  out.remaining = db.prepare('SELECT coalesce(sum(remaining), 0) FROM point_lots').pluck().get() as number;
  out.refundedUnits = db.prepare('SELECT coalesce(sum(refunded_quantity), 0) FROM sale_lines').pluck().get() as number;
  out.voided = db.prepare("SELECT count(*) FROM sales WHERE status = 'voided'").pluck().get() as number;
  return out;
}

function memberRow(t: TestTerminal, id: string): { balance: number; debt: number } {
  return t.backend.store.db.prepare('SELECT balance, debt FROM members WHERE id = ?').get(id) as { balance: number; debt: number };
}

/** What the engine may spend right now: live (unexpired) lot remainders net of debt, never below 0. */
function availableNow(t: TestTerminal, id: string): number {
  const db = t.backend.store.db;
  const live = db
    .prepare('SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE member_id = ? AND expires_at > ?')
    .pluck()
    .get(id, t.clock.now()) as number;
  return Math.max(0, live - memberRow(t, id).debt);
}

function dueLots(t: TestTerminal, id: string): number {
  return t.backend.store.db
    .prepare('SELECT count(*) FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_at <= ?')
    .pluck()
    .get(id, t.clock.now()) as number;
}

/** Points in lots whose expiry has come but that no write has expired yet. */
function duePoints(t: TestTerminal, id: string): number {
  return t.backend.store.db
    .prepare('SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_at <= ?')
    .pluck()
    .get(id, t.clock.now()) as number;
}

function ledgerCount(t: TestTerminal): number {
  return t.backend.store.db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
}

function saleLedgerSum(t: TestTerminal, saleId: string, memberId: string, kinds: string[]): number {
  return t.backend.store.db
    .prepare(
      `SELECT coalesce(sum(points), 0) FROM ledger WHERE sale_id = ? AND member_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
    )
    .pluck()
    .get(saleId, memberId, ...kinds) as number;
}

function assertHealthy(t: TestTerminal): void {
  expect(checkInvariants(t.backend.store.db)).toEqual([]);
}

function expectFailureWritesNothing(t: TestTerminal, expectedCodes: readonly string[], run: () => { code: string; message: string }): void {
  const before = snapshot(t);
  const error = run();
  expect(expectedCodes, `${error.code}: ${error.message}`).toContain(error.code);
  expect(snapshot(t)).toEqual(before);
}

// ---------------------------------------------------------------------------
// Baskets

const PRICE = new Map(PRODUCTS.map((p) => [p.sku, p.priceMinor]));
const BY_BARCODE = new Map(PRODUCTS.flatMap((p) => p.barcodes.map((b) => [b, p.sku] as const)));
const BARCODES = [...BY_BARCODE.keys()];
const KEYED_CATEGORIES = ['tobacco', 'organic', 'gift-card', 'drinks', 'bakery', 'household'] as const;

type Line = Input<'sale.commit'>['lines'][number];

const lineArb: fc.Arbitrary<Line> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ sku: fc.constantFrom(...PRODUCTS.map((p) => p.sku)), quantity: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ barcode: fc.constantFrom(...BARCODES), quantity: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      category: fc.constantFrom(...KEYED_CATEGORIES),
      amountMinor: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 80_000 })),
    }),
  },
);
const basketArb = fc.array(lineArb, { minLength: 1, maxLength: 6 });

function lineFacts(line: Line): { sku: string | null; quantity: number; amount: number } {
  if ('category' in line) return { sku: null, quantity: 1, amount: line.amountMinor };
  const sku = 'sku' in line ? line.sku : BY_BARCODE.get(line.barcode)!;
  const quantity = line.quantity ?? 1;
  return { sku, quantity, amount: PRICE.get(sku)! * quantity };
}

// ---------------------------------------------------------------------------
// Redemptions and what the demo programme says about them

type RedemptionSpec =
  | null
  | { kind: 'points'; mode: 'max' }
  | { kind: 'points'; mode: 'fixed'; points: number }
  | { kind: 'reward'; rewardId: 'free-coffee' | 'spa-day' | 'no-such-reward' };

const redemptionArb: fc.Arbitrary<RedemptionSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.constant({ kind: 'points' as const, mode: 'max' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('points' as const),
      mode: fc.constant('fixed' as const),
      points: fc.oneof(
        fc.integer({ min: 1, max: 4_000 }),
        fc.integer({ min: 1, max: 40 }).map((n) => n * 100),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reward' as const),
      rewardId: fc.constantFrom('free-coffee' as const, 'spa-day' as const, 'no-such-reward' as const),
    }),
  },
);

// Demo programme: 100 points = 1.00, at least 500, steps of 100, at most 50% of the basket.
const MIN_POINTS = 500;
const STEP = 100;
const toStep = (p: number): number => Math.floor(Math.max(0, p) / STEP) * STEP;
const capMinor = (total: number): number => Math.floor((total * 50) / 100);

type Expectation = { ok: true } | { ok: false; codes: string[] } | { ok: 'either'; codes: string[] };

function expectRedemption(
  r: Exclude<RedemptionSpec, null>,
  points: number,
  hasMember: boolean,
  available: number,
  total: number,
  skus: (string | null)[],
): Expectation {
  if (r.kind === 'points') {
    if (!hasMember || points < MIN_POINTS || points % STEP !== 0) return { ok: false, codes: ['REDEMPTION_NOT_ALLOWED'] };
    if (points > available) return { ok: false, codes: ['INSUFFICIENT_POINTS'] };
    if (points > capMinor(total)) return { ok: false, codes: ['REDEMPTION_NOT_ALLOWED'] };
    return { ok: true };
  }
  if (r.rewardId === 'no-such-reward' || !hasMember) return { ok: false, codes: ['REDEMPTION_NOT_ALLOWED'] };
  if (r.rewardId === 'free-coffee') {
    if (available < 300) return { ok: false, codes: ['INSUFFICIENT_POINTS'] };
    return skus.includes('COFFEE-CUP') ? { ok: true } : { ok: false, codes: ['REDEMPTION_NOT_ALLOWED'] };
  }
  // The spa day needs 5000 points and gold tier; the tier is the engine's business here.
  if (available < 5_000) return { ok: false, codes: ['INSUFFICIENT_POINTS'] };
  return { ok: 'either', codes: ['REDEMPTION_NOT_ALLOWED'] };
}

// ---------------------------------------------------------------------------
// Commands

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;

/** The parts of a quote that a preview promises and a commit must keep. */
function quoteFields(q: Output<'sale.preview'>): Record<string, unknown> {
  return {
    programVersion: q.programVersion,
    currency: q.currency,
    totalMinor: q.totalMinor,
    discountMinor: q.discountMinor,
    payableMinor: q.payableMinor,
    lines: q.lines,
    earnPoints: q.earnPoints,
    earnExplanation: q.earnExplanation,
    bonuses: q.bonuses,
    redemption: q.redemption,
    limits: q.limits,
    balanceAfter: q.balanceAfter,
  };
}

class SaleCommand implements Cmd {
  constructor(
    readonly memberIndex: number | null,
    readonly lines: Line[],
    readonly redemption: RedemptionSpec,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const member = this.memberIndex === null || m.members.length === 0 ? null : pick(m.members, this.memberIndex);
    const facts = this.lines.map(lineFacts);
    const total = facts.reduce((s, f) => s + f.amount, 0);
    const available = member ? availableNow(t, member.id) : 0;
    const debtBefore = member ? memberRow(t, member.id).debt : 0;

    let redemption: Input<'sale.commit'>['redemption'] = null;
    if (this.redemption?.kind === 'points') {
      const points =
        this.redemption.mode === 'max'
          ? Math.max(MIN_POINTS, Math.min(toStep(available), toStep(capMinor(total))))
          : this.redemption.points;
      redemption = { kind: 'points', points };
    } else if (this.redemption?.kind === 'reward') {
      redemption = { kind: 'reward', rewardId: this.redemption.rewardId };
    }
    const expectation: Expectation =
      this.redemption === null || redemption === null
        ? { ok: true }
        : expectRedemption(
            this.redemption,
            redemption.kind === 'points' ? redemption.points : 0,
            member !== null,
            available,
            total,
            facts.map((f) => f.sku),
          );

    const input: Input<'sale.commit'> = { saleId: uuidv7(t.clock.now()), memberId: member?.id ?? null, lines: this.lines, redemption };
    // The cashier sees a preview first: it writes nothing and must agree with the commit.
    const beforePreview = snapshot(t);
    let preview: Output<'sale.preview'> | { code: string };
    try {
      preview = t.call('sale.preview', { memberId: input.memberId, lines: input.lines, redemption: input.redemption }, r.cashier);
    } catch (error) {
      preview = { code: (error as { code: string }).code };
    }
    expect(snapshot(t)).toEqual(beforePreview);
    if (expectation.ok === false) {
      expectFailureWritesNothing(t, expectation.codes, () => t.fail('sale.commit', input, r.cashier));
      expect(expectation.codes).toContain('code' in preview ? preview.code : 'preview succeeded');
      return;
    }
    const seen = { available, debtBefore, preview };
    const before = snapshot(t);
    if (expectation.ok === 'either') {
      let failed: { code: string; message: string } | null = null;
      let result: Output<'sale.commit'> | null = null;
      try {
        result = t.call('sale.commit', input, r.cashier);
      } catch (error) {
        failed = error as { code: string; message: string };
      }
      if (failed !== null) {
        expect(expectation.codes, `${failed.code}: ${failed.message}`).toContain(failed.code);
        expect(snapshot(t)).toEqual(before);
        return;
      }
      this.record(m, r, input, result!, seen);
      return;
    }
    const result = t.call('sale.commit', input, r.cashier);
    this.record(m, r, input, result, seen);
  }

  private record(
    m: Model,
    r: Real,
    input: Input<'sale.commit'>,
    result: Output<'sale.commit'>,
    seen: { available: number; debtBefore: number; preview: Output<'sale.preview'> | { code: string } },
  ): void {
    const { t } = r;
    const { available, debtBefore, preview } = seen;
    expect(result.saleId).toBe(input.saleId);
    // What the preview promised is what the commit did (the tier change is only worked out at commit).
    const promised = 'totalMinor' in preview ? quoteFields(preview) : preview;
    expect(quoteFields(result), 'commit differs from its preview').toEqual(promised);
    expect(result.lines.map((l) => l.quantity)).toEqual(this.lines.map((l) => lineFacts(l).quantity));
    if (input.memberId !== null) {
      const after = memberRow(t, input.memberId);
      const redeemed = result.redemption?.points ?? 0;
      if (redeemed > 0) {
        // A redemption only happens when the member could afford it...
        expect(available).toBeGreaterThanOrEqual(redeemed);
        expect(saleLedgerSum(t, input.saleId, input.memberId, ['redeem'])).toBe(-redeemed);
        // ...so it never takes a balance below zero unless the member already owed points.
        if (debtBefore === 0) expect(after.balance).toBeGreaterThanOrEqual(0);
      }
      expect(after.balance).toBe(result.balanceAfter);
      expect(saleLedgerSum(t, input.saleId, input.memberId, ['earn', 'bonus', 'redeem'])).toBe(result.pointsAwarded - redeemed);
      expect(dueLots(t, input.memberId)).toBe(0); // the commit swept the member's expired lots first
    } else {
      expect(result.pointsAwarded).toBe(0);
      expect(t.backend.store.db.prepare('SELECT count(*) FROM ledger WHERE sale_id = ?').pluck().get(input.saleId)).toBe(0);
    }
    m.sales.push({
      input,
      result,
      lines: this.lines.map((l) => ({ quantity: lineFacts(l).quantity, refunded: 0 })),
      voided: false,
      refunded: false,
    });
  }

  toString(): string {
    return `sale(member=${this.memberIndex}, lines=${JSON.stringify(this.lines)}, redemption=${JSON.stringify(this.redemption)})`;
  }
}

class VoidCommand implements Cmd {
  constructor(
    readonly saleIndex: number,
    readonly byManager: boolean,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.sales.length > 0;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const sale = pick(m.sales, this.saleIndex);
    const token = this.byManager ? r.manager : r.cashier;
    const input = { saleId: sale.input.saleId };
    if (sale.voided) {
      const before = snapshot(t);
      const again = t.call('sale.void', input, token);
      expect(again.saleId).toBe(sale.input.saleId);
      expect(snapshot(t)).toEqual(before);
      return;
    }
    if (!this.byManager && t.clock.now() - sale.result.createdAt > CASHIER_VOID_WINDOW_MS) {
      expectFailureWritesNothing(t, ['FORBIDDEN'], () => t.fail('sale.void', input, token));
      return;
    }
    if (sale.refunded) {
      expectFailureWritesNothing(t, ['VOID_NOT_ALLOWED'], () => t.fail('sale.void', input, token));
      return;
    }
    const result = t.call('sale.void', input, token);
    sale.voided = true;
    const memberId = sale.input.memberId ?? null;
    if (memberId !== null) {
      expect(result.balanceAfter).toBe(memberRow(t, memberId).balance);
      // Everything the sale gave is taken back and everything it spent given back, for every member it touched.
      const perMember = t.backend.store.db
        .prepare(
          `SELECT member_id,
                  coalesce(sum(CASE WHEN kind IN ('earn', 'bonus') THEN points END), 0) AS given,
                  coalesce(sum(CASE WHEN kind = 'redeem' THEN -points END), 0) AS spent,
                  coalesce(sum(CASE WHEN kind = 'reverse' AND points < 0 THEN -points END), 0) AS taken,
                  coalesce(sum(CASE WHEN kind = 'reverse' AND points > 0 THEN points END), 0) AS returned
           FROM ledger WHERE sale_id = ? GROUP BY member_id`,
        )
        .all(sale.input.saleId) as { member_id: string; given: number; spent: number; taken: number; returned: number }[];
      // Points whose expiry has come by the void are not taken back (the refund and void policy, docs/programme.md).
      const expired = t.clock.now() >= lotExpiry(sale.result.createdAt, demoProgram);
      for (const row of perMember) {
        expect(row.taken, `member ${row.member_id}`).toBe(expired ? 0 : row.given);
        expect(row.returned, `member ${row.member_id}`).toBe(row.spent);
      }
    } else {
      expect(result.balanceAfter).toBeNull();
    }
  }
  toString(): string {
    return `void(sale=${this.saleIndex}, ${this.byManager ? 'manager' : 'cashier'})`;
  }
}

class RefundCommand implements Cmd {
  constructor(
    readonly saleIndex: number,
    readonly picks: { line: number; quantity: number }[],
    readonly mode: 'normal' | 'duplicate-line' | 'unknown-line',
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.sales.length > 0;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const sale = pick(m.sales, this.saleIndex);
    const requested = new Map<number, number>();
    for (const p of this.picks) {
      const lineNo = (p.line % sale.lines.length) + 1;
      if (!requested.has(lineNo)) requested.set(lineNo, p.quantity);
    }
    const lines = [...requested].map(([lineNo, quantity]) => ({ lineNo, quantity }));
    if (this.mode === 'duplicate-line') lines.push({ ...lines[0]! });
    if (this.mode === 'unknown-line') lines.push({ lineNo: sale.lines.length + 1, quantity: 1 });
    const input: Input<'sale.refund'> = { refundId: uuidv7(t.clock.now()), saleId: sale.input.saleId, lines };

    const over = lines.some((l) => {
      const line = sale.lines[l.lineNo - 1];
      return line === undefined || l.quantity > line.quantity - line.refunded;
    });
    if (sale.voided || this.mode !== 'normal' || over) {
      expectFailureWritesNothing(t, ['REFUND_NOT_ALLOWED'], () => t.fail('sale.refund', input, r.manager));
      return;
    }
    const memberId = sale.input.memberId ?? null;
    const result = t.call('sale.refund', input, r.manager);
    expect(result.refundId).toBe(input.refundId);
    expect(result.lines.map((l) => [l.lineNo, l.quantity])).toEqual(lines.map((l) => [l.lineNo, l.quantity]));
    for (const l of lines) sale.lines[l.lineNo - 1]!.refunded += l.quantity;
    sale.refunded = true;
    if (memberId !== null) {
      const row = memberRow(t, memberId);
      expect(result.balanceAfter).toBe(row.balance);
      expect(result.debtAfter).toBe(row.debt);
    }
    // Earned points whose expiry has come by the refund are not taken back, and are said to have expired.
    const expired = t.clock.now() >= lotExpiry(sale.result.createdAt, demoProgram);
    for (const l of result.lines) expect(expired ? l.reversedEarn : l.expiredEarn, `line ${l.lineNo}`).toBe(0);
    // Refunding every unit of a line gives back exactly what the line earned (taken back or expired) and spent, summed over all its refunds.
    const refundsOfSale = m.refunds.filter((x) => x.input.saleId === sale.input.saleId).map((x) => x.result);
    refundsOfSale.push(result);
    sale.result.lines.forEach((line, i) => {
      if (sale.lines[i]!.refunded !== sale.lines[i]!.quantity) return;
      const parts = refundsOfSale.flatMap((x) => x.lines.filter((l) => l.lineNo === line.lineNo));
      expect(
        parts.reduce((s, l) => s + l.reversedEarn + l.expiredEarn, 0),
        `line ${line.lineNo} earn`,
      ).toBe(line.earnPoints);
      expect(
        parts.reduce((s, l) => s + l.restoredRedeem, 0),
        `line ${line.lineNo} redeem`,
      ).toBe(line.redeemedPoints);
      expect(
        parts.reduce((s, l) => s + l.refundMinor, 0),
        `line ${line.lineNo} money`,
      ).toBe(line.paidMinor);
    });
    m.refunds.push({ input, result });
  }
  toString(): string {
    return `refund(sale=${this.saleIndex}, ${JSON.stringify(this.picks)}, ${this.mode})`;
  }
}

type AdjustSpec = { mode: 'fixed'; points: number } | { mode: 'spend-all' } | { mode: 'one-too-many' };

class AdjustCommand implements Cmd {
  constructor(
    readonly memberIndex: number,
    readonly spec: AdjustSpec,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.members.length > 0;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const member = pick(m.members, this.memberIndex);
    const available = availableNow(t, member.id);
    // Exactly what can be spent (leaves the member with nothing, so a later reversal becomes a debt), or one more.
    const points = this.spec.mode === 'fixed' ? this.spec.points : this.spec.mode === 'spend-all' ? -available : -(available + 1);
    if (points === 0) return;
    const input: Input<'points.adjust'> = {
      adjustmentId: uuidv7(t.clock.now()),
      memberId: member.id,
      points,
      reason: 'property test correction',
    };
    if (points < 0 && -points > available) {
      expectFailureWritesNothing(t, ['INSUFFICIENT_POINTS'], () => t.fail('points.adjust', input, r.manager));
      return;
    }
    const before = snapshot(t);
    const result = t.call('points.adjust', input, r.manager);
    const row = memberRow(t, member.id);
    expect(result.balance).toBe(row.balance);
    const entry = t.backend.store.db.prepare("SELECT points FROM ledger WHERE kind = 'adjust' AND ref = ?").pluck().all(input.adjustmentId);
    expect(entry).toEqual([points]);
    expect(snapshot(t).outbox).toBe(before.outbox + 1);
    if (points < 0) expect(row.balance).toBeGreaterThanOrEqual(0);
    m.adjustments.push({ input, result });
  }
  toString(): string {
    return `adjust(member=${this.memberIndex}, ${JSON.stringify(this.spec)})`;
  }
}

/**
 * The customer spends every point they have, then returns a purchase that
 * earned some: the reversal finds nothing left to take and must record a debt.
 */
class ReturnAfterSpendCommand implements Cmd {
  constructor(
    readonly saleIndex: number,
    readonly how: 'void' | 'refund-all',
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.sales.some((s) => s.input.memberId != null && !s.voided);
  }
  run(m: Model, r: Real): void {
    const candidates = m.sales.filter((s) => s.input.memberId != null && !s.voided);
    const sale = pick(candidates, this.saleIndex);
    const memberIndex = m.members.findIndex((x) => x.id === sale.input.memberId);
    new AdjustCommand(memberIndex, { mode: 'spend-all' }).run(m, r);
    assertHealthy(r.t);
    const saleIndex = m.sales.indexOf(sale);
    if (this.how === 'void') {
      new VoidCommand(saleIndex, true).run(m, r);
      return;
    }
    const picks = sale.lines.map((l, line) => ({ line, quantity: l.quantity - l.refunded })).filter((p) => p.quantity > 0);
    if (picks.length > 0) new RefundCommand(saleIndex, picks, 'normal').run(m, r);
  }
  toString(): string {
    return `returnAfterSpend(sale=${this.saleIndex}, ${this.how})`;
  }
}

class ClockCommand implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(_m: Model, r: Real): void {
    r.t.clock.advance(this.ms);
    // Staff are signed out after 5 idle minutes: sign in again, as the till would.
    r.cashier = r.t.login('cashier');
    r.manager = r.t.login('manager');
  }
  toString(): string {
    return `advance(${(this.ms / 3_600_000).toFixed(2)} h)`;
  }
}

class LookupCommand implements Cmd {
  constructor(
    readonly memberIndex: number,
    readonly byCard: boolean,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.members.length > 0;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const member = pick(m.members, this.memberIndex);
    const expectedAvailable = availableNow(t, member.id);
    const due = duePoints(t, member.id);
    const entries = ledgerCount(t);
    const view = this.byCard
      ? t.call('member.byCard', { card: member.card }, r.cashier)
      : t.call('member.get', { memberId: member.id }, r.cashier);
    expect(view.id).toBe(member.id);
    // A read never writes: the expired lots stay for the next write, and the view leaves them out.
    expect(ledgerCount(t)).toBe(entries);
    expect(duePoints(t, member.id)).toBe(due);
    const row = memberRow(t, member.id);
    expect(view.balance).toBe(row.balance - due);
    expect(view.debt).toBe(row.debt);
    expect(view.available).toBe(expectedAvailable);
    expect(view.available).toBe(Math.max(0, view.balance));
  }
  toString(): string {
    return `lookup(member=${this.memberIndex}, ${this.byCard ? 'card' : 'id'})`;
  }
}

class EnrolCommand implements Cmd {
  constructor(
    readonly birthDate: string | null,
    readonly referrerIndex: number | null,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    enrol(m, r, this.birthDate, this.referrerIndex);
  }
  toString(): string {
    return `enrol(birth=${this.birthDate}, referrer=${this.referrerIndex})`;
  }
}

function enrol(m: Model, r: Real, birthDate: string | null, referrerIndex: number | null): void {
  const { t } = r;
  m.cards++;
  const card = `PROP-${String(m.cards).padStart(6, '0')}`;
  const referrer = referrerIndex === null || m.members.length === 0 ? null : pick(m.members, referrerIndex);
  const before = snapshot(t);
  const result = t.call(
    'member.enrol',
    {
      memberId: uuidv7(t.clock.now()),
      name: `Prop Member ${m.cards}`,
      consentMarketing: false,
      cardNumber: card,
      birthDate,
      referrerCard: referrer?.card ?? null,
    },
    r.manager,
  );
  expect(result.member.balance).toBe(100); // the welcome bonus
  expect(snapshot(t).members).toBe(before.members + 1);
  m.members.push({ id: result.member.id, card });
}

class ReplayCommand implements Cmd {
  constructor(
    readonly what: 'sale' | 'sale-other-basket' | 'refund' | 'adjustment',
    readonly index: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    if (this.what === 'refund') return m.refunds.length > 0;
    if (this.what === 'adjustment') return m.adjustments.length > 0;
    return m.sales.length > 0;
  }
  run(m: Model, r: Real): void {
    const { t } = r;
    const before = snapshot(t);
    if (this.what === 'sale' || this.what === 'sale-other-basket') {
      const sale = pick(m.sales, this.index);
      const input = this.what === 'sale' ? sale.input : { ...sale.input, lines: [{ sku: 'BREAD', quantity: 1 }], redemption: null };
      expect(t.call('sale.commit', input, r.cashier)).toEqual(sale.result);
    } else if (this.what === 'refund') {
      const refund = pick(m.refunds, this.index);
      expect(t.call('sale.refund', refund.input, r.manager)).toEqual(refund.result);
    } else {
      const adjustment = pick(m.adjustments, this.index);
      expect(t.call('points.adjust', adjustment.input, r.manager)).toEqual(adjustment.result);
    }
    expect(snapshot(t)).toEqual(before);
  }
  toString(): string {
    return `replay(${this.what} #${this.index})`;
  }
}

// ---------------------------------------------------------------------------
// Arbitraries

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTH = 30.44 * DAY;

const birthDateArb = fc.option(
  fc
    .record({
      year: fc.integer({ min: 1940, max: 2008 }),
      month: fc.oneof(fc.constant(3), fc.constant(4), fc.integer({ min: 1, max: 12 })),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
  { freq: 2 },
);

const saleCmd = fc
  .tuple(fc.option(fc.nat(), { freq: 8 }), basketArb, redemptionArb)
  .map(([member, lines, redemption]) => new SaleCommand(member, lines, redemption));

const commandArbs: fc.Arbitrary<Cmd>[] = [
  saleCmd,
  saleCmd,
  saleCmd,
  saleCmd,
  fc.tuple(fc.nat(), fc.boolean()).map(([sale, byManager]) => new VoidCommand(sale, byManager)),
  fc.nat().map((sale) => new VoidCommand(sale, true)),
  fc.tuple(fc.nat(), fc.constantFrom('void' as const, 'refund-all' as const)).map(([sale, how]) => new ReturnAfterSpendCommand(sale, how)),
  fc
    .tuple(
      fc.nat(),
      fc.array(fc.record({ line: fc.nat(), quantity: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(
        'normal' as const,
        'normal' as const,
        'normal' as const,
        'normal' as const,
        'duplicate-line' as const,
        'unknown-line' as const,
      ),
    )
    .map(([sale, picks, mode]) => new RefundCommand(sale, picks, mode)),
  // One unit of the first line: partial refunds of the same line add up over several commands.
  fc.nat().map((sale) => new RefundCommand(sale, [{ line: 0, quantity: 1 }], 'normal')),
  fc
    .tuple(
      fc.nat(),
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 3_000 }).map((points): AdjustSpec => ({ mode: 'fixed', points })) },
        { weight: 2, arbitrary: fc.integer({ min: -3_000, max: -1 }).map((points): AdjustSpec => ({ mode: 'fixed', points })) },
        { weight: 2, arbitrary: fc.constant<AdjustSpec>({ mode: 'spend-all' }) },
        { weight: 1, arbitrary: fc.constant<AdjustSpec>({ mode: 'one-too-many' }) },
      ),
    )
    .map(([member, spec]) => new AdjustCommand(member, spec)),
  fc
    .oneof(
      fc.integer({ min: 1, max: 120 }).map((min) => min * 60_000),
      fc.integer({ min: 1, max: 72 }).map((h) => h * HOUR),
      fc.integer({ min: 1, max: 60 }).map((d) => d * DAY),
      fc.integer({ min: 1, max: 14 }).map((mo) => Math.round(mo * MONTH)),
    )
    .map((ms) => new ClockCommand(ms)),
  fc.tuple(fc.nat(), fc.boolean()).map(([member, byCard]) => new LookupCommand(member, byCard)),
  fc.tuple(birthDateArb, fc.option(fc.nat(), { freq: 2 })).map(([birth, referrer]) => new EnrolCommand(birth, referrer)),
  fc
    .tuple(fc.constantFrom('sale' as const, 'sale-other-basket' as const, 'refund' as const, 'adjustment' as const), fc.nat())
    .map(([what, index]) => new ReplayCommand(what, index)),
];

const initialMembersArb = fc.array(
  fc.record({
    birthDate: birthDateArb,
    referrer: fc.option(fc.nat(), { freq: 2 }),
    points: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })),
  }),
  { minLength: 1, maxLength: 4 },
);

// ---------------------------------------------------------------------------

describe('ledger properties under random command sequences', () => {
  test('every command keeps the ledger consistent, refusals and replays write nothing', () => {
    let steps = 0;
    fc.assert(
      fc.property(initialMembersArb, fc.commands(commandArbs, { maxCommands: 40, size: 'max' }), (initialMembers, cmds) => {
        const t = createTestTerminal();
        try {
          const real: Real = { t, cashier: t.login('cashier'), manager: t.login('manager') };
          const model: Model = { members: [], sales: [], refunds: [], adjustments: [], cards: 0 };
          for (const m of initialMembers) {
            enrol(model, real, m.birthDate, m.referrer);
            if (m.points > 0) new AdjustCommand(model.members.length - 1, { mode: 'fixed', points: m.points }).run(model, real);
          }
          assertHealthy(t);
          fc.modelRun(
            () => ({ model, real }),
            [...cmds].map((cmd) => ({
              check: (mm: Readonly<Model>) => cmd.check(mm),
              run: (mm: Model, rr: Real) => {
                cmd.run(mm, rr);
                steps++;
                assertHealthy(rr.t);
              },
              toString: () => cmd.toString(),
            })),
          );
        } finally {
          t.close();
        }
      }),
      { numRuns: 40 },
    );
    expect(steps).toBeGreaterThan(100);
  }, 120_000);

  test('the invariant checker notices planted inconsistencies (so an empty list means something)', () => {
    const t = createTestTerminal();
    try {
      const cashier = t.login('cashier');
      const member = t.enrol(t.login('manager'));
      const sale = t.call('sale.commit', { saleId: uuidv7(t.clock.now()), memberId: member.id, lines: [{ sku: 'TV' }] }, cashier);
      const db = t.backend.store.db;
      expect(checkInvariants(db)).toEqual([]);
      db.prepare('UPDATE members SET balance = balance + 1 WHERE id = ?').run(member.id);
      db.prepare("INSERT INTO ledger (member_id, kind, points, sale_id, reason, created_at) VALUES (?, 'reverse', ?, ?, 'planted', 0)").run(
        member.id,
        -(sale.pointsAwarded + 1),
        sale.saleId,
      );
      db.prepare("INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, 'sale.committed', json_object('saleId', ?), 0)").run(
        uuidv7(),
        sale.saleId,
      );
      db.prepare(
        "INSERT INTO sales (id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor, points_earned, points_redeemed, status, result) VALUES (?, 'cashier-1', 'store-1', 1, 0, 0, 0, 0, 0, 0, 'completed', '{}')",
      ).run(uuidv7());
      // An opening lot (no entry) beyond the member's opening.
      db.prepare('INSERT INTO point_lots (member_id, points, remaining, earned_at, expires_at) VALUES (?, 5, 0, 0, 1)').run(member.id);
      const violations = checkInvariants(db).join('\n');
      expect(violations).toMatch(/cached balance .* ≠ opening \+ sum\(ledger\)/);
      expect(violations).toMatch(/sum\(lot remaining\) .* ≠ balance/);
      expect(violations).toMatch(/points taken back but only .* given/);
      expect(violations).toMatch(/2 'sale.committed' outbox events/);
      expect(violations).toMatch(/has no lines/);
      expect(violations).toMatch(/0 'sale.committed' outbox events/);
      expect(violations).toMatch(/opening lots hold more points than the opening/);
    } finally {
      t.close();
    }
  });

  // Commit sweeps expired lots before pricing; the preview, which writes nothing, must show the same balance.
  test('a preview after points expired shows the balance the commit will leave', () => {
    const t = createTestTerminal();
    try {
      const member = t.enrol(t.login('manager')); // 100 welcome points, expiring in 12 months
      t.clock.advance(13 * 30 * 24 * 3_600_000);
      const cashier = t.login('cashier');
      const sale = { memberId: member.id, lines: [{ sku: 'BREAD' }] };
      const preview = t.call('sale.preview', sale, cashier);
      const committed = t.call('sale.commit', { ...sale, saleId: uuidv7(t.clock.now()) }, cashier);
      expect(committed.balanceAfter).toBe(committed.earnPoints); // the 100 points expired
      expect(preview.balanceAfter).toBe(committed.balanceAfter);
    } finally {
      t.close();
    }
  });

  // A till that retries an adjustment after a lost answer gets the first answer, like sale.commit and sale.refund.
  test('replaying an adjustment id returns the first answer, even after the balance moved on', () => {
    const t = createTestTerminal();
    try {
      const manager = t.login('manager');
      const cashier = t.login('cashier');
      const member = t.enrol(manager); // 100 welcome points
      const input = { adjustmentId: uuidv7(t.clock.now()), memberId: member.id, points: 500, reason: 'goodwill' };
      const first = t.call('points.adjust', input, manager);
      expect(first).toEqual({ balance: 600 });
      t.call('sale.commit', { saleId: uuidv7(t.clock.now()), memberId: member.id, lines: [{ sku: 'TV' }] }, cashier);
      const before = snapshot(t);
      const again = t.call('points.adjust', input, manager);
      expect(snapshot(t)).toEqual(before); // holds: the replay writes nothing
      expect(again).toEqual(first);
    } finally {
      t.close();
    }
  });
});
