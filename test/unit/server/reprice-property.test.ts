/**
 * The server's re-pricing of a sale (server/apply/trust/reprice-sale.ts) against the till's own
 * pricing, as a property over random baskets: a till prices a sale with the shared engine
 * (shared/loyalty/sale.ts `priceSale`) and writes the sale.committed payload as
 * main/backend/sales/commit.ts does (lines, ledger, memberFacts). Whenever the server's facts are
 * the till's (same tier, birthday, grants, purchases), the keyed-earn cap is out of reach and the
 * programme version is the one the till used, the server agrees: the till's own ledger is applied
 * and the server's earn, bonus and redeem figures are the till's. Any claimed figure changed upward
 * (more earn, a bigger or an extra bonus, fewer points redeemed, more qualifying points, a higher
 * tier than the server can justify) makes it disagree, and the server's ledger then credits no
 * more than the honest sale would.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { repriceSale, type ServerMemberFacts } from '../../../server/apply/trust/reprice-sale.ts';
import { AppError } from '../../../shared/errors.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { redemptionLimits } from '../../../shared/loyalty/redeem.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import type { BasketLine, MemberState, RedemptionRequest, SaleQuote } from '../../../shared/loyalty/types.ts';
import { prng } from '../../../shared/prng.ts';
import { programConfigSchema, type ProgramConfig } from '../../../shared/program.ts';
import { saleLineRecord, type LedgerEntry, type SyncEvent } from '../../../shared/sync-protocol.ts';
import { demoProgram } from '../../fixtures/program.ts';
import { PRODUCTS } from '../../helpers/terminal.ts';

type Committed = Extract<SyncEvent, { kind: 'sale.committed' }>['payload'];

const BASKETS = 400;
const DAY = 86_400_000;
const PRODUCT_CATEGORIES: ReadonlyMap<string, string> = new Map(PRODUCTS.map((p) => [p.sku, p.category]));
/** Wednesday 18 March 2025, 11:00 in Paris: inside the demo's spring fair. */
const SPRING_FAIR = Date.UTC(2025, 2, 18, 10, 0);
/** Saturday 15 March 2025, 11:00 in Paris: double points Saturday. */
const SATURDAY = Date.UTC(2025, 2, 15, 10, 0);
const KEYED_CATEGORIES = ['grocery', 'organic', 'tobacco', 'drinks', 'bakery', 'gift-card', 'misc'];

type Rand = () => number;
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (rand: Rand, p: number) => rand() < p;
const subset = <T>(rand: Rand, xs: readonly T[], p = 0.5): T[] => xs.filter(() => chance(rand, p));

/** A programme version: the demo programme with its earn rate, rules, promotions, tiers, bonuses and redemption varied. */
function randomProgram(rand: Rand): ProgramConfig {
  const demo = demoProgram;
  const extraRules = [
    { match: { kind: 'category', category: 'bakery' }, effect: { kind: 'multiplier', multiplier: 1.5 }, label: 'Bakery bonus' },
    { match: { kind: 'sku', sku: 'BREAD' }, effect: { kind: 'exclude' }, label: 'No points on bread' },
    { match: { kind: 'category', category: 'drinks' }, effect: { kind: 'multiplier', multiplier: 4 }, label: 'Drinks ×4' },
  ];
  const extraPromotions = [
    { id: 'drinks-week', label: 'Drinks week', categories: ['drinks', 'coffee'], multiplier: 3 },
    { id: 'every-sale', label: 'Every sale bonus', bonusPoints: 25 },
    { id: 'weekday-morning', label: 'Weekday mornings', weekdays: [1, 2, 3, 4, 5], startTime: '08:00', endTime: '13:00', multiplier: 1.5 },
  ];
  const multipliers = pick(rand, [
    [1, 1.25, 1.5, 2],
    [1, 1.1, 1.75, 3],
    [1, 2, 2.5, 4],
    [1, 1, 1, 1.5],
  ]);
  const levelCount = pick(rand, [2, 3, 4, 4]);
  const levels = demo.tiers.levels.slice(0, levelCount).map((t, i) => ({ ...t, multiplier: multipliers[i]! }));
  const tierIds = new Set(levels.map((t) => t.id));
  return programConfigSchema.parse({
    ...demo,
    version: int(rand, 1, 500),
    earn: {
      points: pick(rand, [1, 1, 2, 5]),
      perMinor: pick(rand, [100, 100, 50, 250]),
      minSpendMinor: pick(rand, [0, 100, 100, 1000]),
      rules: [...subset(rand, demo.earn.rules, 0.7), ...subset(rand, extraRules, 0.3)],
      promotions: [...subset(rand, demo.earn.promotions, 0.6), ...subset(rand, extraPromotions, 0.3)],
    },
    tiers: { ...demo.tiers, levels },
    bonuses: {
      enrolment: demo.bonuses.enrolment,
      birthday: pick(rand, [0, 200, 200, 75]),
      nthPurchase: pick(rand, [null, { n: 3, withinDays: 30, points: 50 }, { n: 5, withinDays: 30, points: 50 }]),
      referral: pick(rand, [null, { referrer: 150, referee: 100 }, { referrer: 0, referee: 40 }]),
    },
    redeem: pick(rand, [
      demo.redeem,
      { points: 100, valueMinor: 100, minPoints: 1, stepPoints: 1, maxBasketPercent: 100 },
      { points: 50, valueMinor: 100, minPoints: 100, stepPoints: 50, maxBasketPercent: 80 },
    ]),
    rewards: demo.rewards.filter((r) => r.minTier === undefined || tierIds.has(r.minTier)),
    // Far above anything a basket here reaches: the server's bounds are the judge's business, not the price's.
    bounds: {
      pointsPerSale: 1_000_000_000,
      pointsPerMemberPerDay: 1_000_000_000,
      adjustmentPoints: 1_000_000_000,
      adjustmentPointsPerTerminalPerDay: 1_000_000_000,
      keyedEarnPerSale: 1_000_000_000,
    },
  });
}

function randomTime(rand: Rand): number {
  const r = rand();
  if (r < 0.15) return SPRING_FAIR + int(rand, 0, 5 * 3_600_000);
  if (r < 0.3) return SATURDAY + int(rand, 0, 8 * 3_600_000);
  return Date.UTC(2025, 0, 1) + int(rand, 0, 700) * DAY + int(rand, 0, DAY - 1);
}

function randomBasket(rand: Rand): BasketLine[] {
  const n = int(rand, 1, 6);
  const cheap = chance(rand, 0.08); // below most minimum spends
  return Array.from({ length: n }, (_, i) => {
    if (chance(rand, 0.75)) {
      const p = pick(rand, PRODUCTS);
      const quantity = p.priceMinor > 10_000 ? 1 : int(rand, 1, 4);
      const unit = cheap ? int(rand, 0, 60) : p.priceMinor;
      return { lineNo: i + 1, sku: p.sku, category: p.category, quantity, unitPriceMinor: unit, amountMinor: unit * quantity };
    }
    // A keyed amount: no product, the cashier says what it was.
    const quantity = int(rand, 1, 3);
    const unit = cheap ? int(rand, 0, 60) : int(rand, 1, 20_000);
    return {
      lineNo: i + 1,
      sku: null,
      category: pick(rand, KEYED_CATEGORIES),
      quantity,
      unitPriceMinor: unit,
      amountMinor: unit * quantity,
    };
  });
}

function randomMember(rand: Rand, program: ProgramConfig, at: number): MemberState | null {
  if (chance(rand, 0.1)) return null;
  const local = localParts(at, program.timeZone);
  const month = chance(rand, 0.4) ? local.month : int(rand, 1, 12);
  const withinDays = program.bonuses.nthPurchase?.withinDays ?? 30;
  const recent = Array.from({ length: int(rand, 0, 6) }, () => at - int(rand, 1, (withinDays - 1) * DAY)).sort((a, b) => a - b);
  const balance = int(rand, 0, 30_000);
  return {
    id: randomUUID(),
    status: 'active',
    tier: pick(rand, program.tiers.levels).id,
    birthday: chance(rand, 0.15) ? null : `${String(month).padStart(2, '0')}-${String(int(rand, 1, 28)).padStart(2, '0')}`,
    enrolledAt: at - int(rand, 1, 1000) * DAY,
    referredBy: chance(rand, 0.3) ? randomUUID() : null,
    birthdayBonusYear: pick(rand, [null, null, local.year, local.year - 1]),
    purchaseCount: chance(rand, 0.4) ? 0 : int(rand, 1, 30),
    recentPurchaseTimes: recent,
    balance,
    available: balance,
  };
}

function randomRedemption(rand: Rand, program: ProgramConfig, member: MemberState | null, lines: BasketLine[]): RedemptionRequest | null {
  if (member === null) return null;
  const r = rand();
  if (r < 0.4) {
    const totalMinor = lines.reduce((s, l) => s + l.amountMinor, 0);
    const limits = redemptionLimits({ program, member, totalMinor });
    if (!limits.allowed) return null;
    const steps = Math.floor((limits.maxPoints - limits.minPoints) / limits.stepPoints);
    return { kind: 'points', points: limits.minPoints + limits.stepPoints * int(rand, 0, steps) };
  }
  if (r < 0.65 && program.rewards.length > 0) return { kind: 'reward', rewardId: pick(rand, program.rewards).id };
  return null;
}

/** The till's pricing: a redemption the engine refuses is left out (the cashier is told and goes on without it). */
function tillPrice(
  program: ProgramConfig,
  at: number,
  lines: BasketLine[],
  member: MemberState | null,
  redemption: RedemptionRequest | null,
) {
  try {
    return { quote: priceSale({ program, now: at, lines, member, redemption }), redemption };
  } catch (error) {
    if (!(error instanceof AppError) || redemption === null) throw error;
    return { quote: priceSale({ program, now: at, lines, member, redemption: null }), redemption: null };
  }
}

/** The sale.committed payload as main/backend/sales/commit.ts writes it from the quote. */
function committedPayload(program: ProgramConfig, at: number, member: MemberState | null, quote: SaleQuote): Committed {
  const memberId = member?.id ?? null;
  const expiresAt = lotExpiry(at, program);
  const ledger: LedgerEntry[] = [];
  if (member !== null) {
    // Written in the order commit.ts writes its ledger: the redemption, the earn, then each bonus.
    if (quote.redemption && quote.redemption.points > 0)
      ledger.push({ memberId: member.id, kind: 'redeem', points: -quote.redemption.points, qualifying: 0 });
    if (quote.earnPoints > 0)
      ledger.push({ memberId: member.id, kind: 'earn', points: quote.earnPoints, qualifying: quote.earnPoints, expiresAt });
    for (const b of quote.bonuses) ledger.push({ memberId: b.memberId, kind: 'bonus', points: b.points, qualifying: 0, expiresAt });
  }
  const ownBonus = quote.bonuses.filter((b) => b.memberId === memberId).reduce((s, b) => s + b.points, 0);
  return {
    saleId: randomUUID(),
    memberId,
    storeId: 'paris-1',
    staffId: 'cashier-1',
    createdAt: at,
    totalMinor: quote.totalMinor,
    paidMinor: quote.payableMinor,
    pointsEarned: quote.earnPoints + ownBonus,
    pointsRedeemed: quote.redemption?.points ?? 0,
    holdId: null,
    rewardId: quote.redemption?.rewardId ?? null,
    programVersion: program.version,
    ...(member !== null && { memberFacts: { tier: member.tier, purchaseCount: member.purchaseCount } }),
    lines: quote.lines.map(saleLineRecord),
    ledger,
  };
}

/** The server's facts equal to the till's: its tier, birthday grant this year, purchases in the window. */
function sameFacts(rand: Rand, member: MemberState, year: number): ServerMemberFacts {
  const grants = new Set<string>();
  if (member.birthdayBonusYear === year) grants.add(`birthday|${year}`);
  // A member who bought before may have had the referral welcome already; one who never bought has not.
  if (member.purchaseCount > 0 && chance(rand, 0.5)) grants.add('referral_referee|');
  return {
    tier: member.tier,
    allowedTier: member.tier,
    birthday: member.birthday,
    enrolledAt: member.enrolledAt,
    referredBy: member.referredBy,
    grants,
    recentPurchaseTimes: [...member.recentPurchaseTimes],
  };
}

const credited = (ledger: readonly LedgerEntry[]) => ledger.filter((e) => e.points > 0).reduce((s, e) => s + e.points, 0);
const debited = (ledger: readonly LedgerEntry[]) => -ledger.filter((e) => e.points < 0).reduce((s, e) => s + e.points, 0);

interface Case {
  program: ProgramConfig;
  at: number;
  year: number;
  member: MemberState | null;
  facts: ServerMemberFacts | null;
  quote: SaleQuote;
  sale: Committed;
}

function randomCase(rand: Rand): Case {
  const program = randomProgram(rand);
  const at = randomTime(rand);
  const lines = randomBasket(rand);
  const member = randomMember(rand, program, at);
  // Sometimes the free coffee's product is in the basket, so the reward can be redeemed.
  if (member !== null && chance(rand, 0.2)) {
    const cup = PRODUCTS.find((p) => p.sku === 'COFFEE-CUP')!;
    lines.push({
      lineNo: lines.length + 1,
      sku: cup.sku,
      category: cup.category,
      quantity: 1,
      unitPriceMinor: cup.priceMinor,
      amountMinor: cup.priceMinor,
    });
  }
  const { quote } = tillPrice(program, at, lines, member, randomRedemption(rand, program, member, lines));
  const year = localParts(at, program.timeZone).year;
  const facts = member === null ? null : sameFacts(rand, member, year);
  return { program, at, year, member, facts, quote, sale: committedPayload(program, at, member, quote) };
}

const reprice = (c: Case, sale: Committed = c.sale, facts: ServerMemberFacts | null = c.facts) =>
  repriceSale({ sale, program: c.program, productCategories: PRODUCT_CATEGORIES, facts, at: c.at, year: c.year });

type Mutation = (sale: Committed, c: Case, rand: Rand) => boolean;

/** Each claimed figure changed upward (in the member's favour); false where the sale has no such figure. */
const MUTATIONS: Record<string, Mutation> = {
  'more earn': (sale, _c, rand) => {
    const k = int(rand, 1, 500);
    const earn = sale.ledger.find((e) => e.kind === 'earn');
    if (earn === undefined) sale.ledger.push({ memberId: sale.memberId!, kind: 'earn', points: k, qualifying: k });
    else {
      earn.points += k;
      earn.qualifying += k;
    }
    sale.pointsEarned += k;
    return true;
  },
  'a bigger bonus': (sale, _c, rand) => {
    const bonus = sale.ledger.find((e) => e.kind === 'bonus');
    if (bonus === undefined) return false;
    const k = int(rand, 1, 500);
    bonus.points += k;
    if (bonus.memberId === sale.memberId) sale.pointsEarned += k;
    return true;
  },
  'an extra bonus': (sale, c, rand) => {
    const points = pick(
      rand,
      [c.program.bonuses.birthday, c.program.bonuses.nthPurchase?.points ?? 0, 100, 1].filter((p) => p > 0),
    );
    sale.ledger.push({ memberId: sale.memberId!, kind: 'bonus', points, qualifying: 0 });
    sale.pointsEarned += points;
    return true;
  },
  'fewer points redeemed': (sale, _c, rand) => {
    const i = sale.ledger.findIndex((e) => e.kind === 'redeem');
    if (i < 0) return false;
    const entry = sale.ledger[i]!;
    const k = int(rand, 1, -entry.points);
    if (k === -entry.points) sale.ledger.splice(i, 1);
    else entry.points += k;
    return true;
  },
  'more qualifying points': (sale, _c, rand) => {
    const earn = sale.ledger.find((e) => e.kind === 'earn');
    if (earn === undefined) return false;
    earn.qualifying += int(rand, 1, 5000);
    return true;
  },
  "another member's earn": (sale, _c, rand) => {
    sale.ledger.push({ memberId: randomUUID(), kind: 'earn', points: int(rand, 1, 500), qualifying: 0 });
    return true;
  },
};

describe('the server re-prices a sale as the till priced it', () => {
  it(`agrees with the till on ${BASKETS} random baskets whose facts agree, and disagrees with every figure claimed upward`, () => {
    const rand = prng(20_261_203);
    const seen = { member: 0, pointsRedemption: 0, reward: 0, tierMultiplier: 0, promotion: 0, ruleMultiplier: 0, keyed: 0, exclusion: 0 };
    const bonuses: Record<string, number> = { birthday: 0, nth_purchase: 0, referral_referee: 0, referral_referrer: 0 };
    const mutated: Record<string, number> = Object.fromEntries(Object.keys(MUTATIONS).map((k) => [k, 0]));
    let higherTier = 0;

    for (let i = 0; i < BASKETS; i++) {
      const c = randomCase(rand);
      const { quote, sale } = c;
      const where = `basket ${i}: ${JSON.stringify({ version: c.program.version, at: new Date(c.at).toISOString(), sale })}`;

      // Coverage of the engine's paths.
      if (c.member !== null) seen.member++;
      if (quote.redemption?.kind === 'points') seen.pointsRedemption++;
      if (quote.redemption?.kind === 'reward') seen.reward++;
      if (quote.earnExplanation.some((e) => e.rule.startsWith('tier:') && e.points !== 0)) seen.tierMultiplier++;
      if (quote.earnExplanation.some((e) => e.rule.startsWith('promo:') && e.points !== 0)) seen.promotion++;
      if (quote.earnExplanation.some((e) => e.rule.startsWith('rule:') && e.points > 0)) seen.ruleMultiplier++;
      if (quote.earnExplanation.some((e) => e.rule.startsWith('rule:') && e.points === 0)) seen.exclusion++;
      if (quote.lines.some((l) => l.sku === null && l.earnPoints > 0)) seen.keyed++;
      for (const b of quote.bonuses) bonuses[b.kind]!++;

      // 1. The facts agree: the server agrees, applies the till's own ledger, and its figures are the till's.
      const honest = reprice(c);
      expect(honest.ok, where).toBe(true);
      if (!honest.ok) continue;
      const memberOnly = <T>(v: T, none: T) => (c.member === null ? none : v);
      expect(honest, where).toMatchObject({ agrees: true, keyedCapped: null });
      expect(honest.server, where).toEqual({
        earn: memberOnly(quote.earnPoints, 0),
        bonus: memberOnly(
          quote.bonuses.reduce((s, b) => s + b.points, 0),
          0,
        ),
        redeem: quote.redemption?.points ?? 0,
      });
      // (+ 0: the claimed redeem of a sale without one is -0, equal to 0 as the server compares it.)
      expect({ ...honest.claimed, redeem: honest.claimed.redeem + 0 }, where).toEqual(honest.server);
      expect(honest.ledger, where).toEqual(sale.ledger);
      expect(
        honest.bonuses.map((b) => [b.kind, b.memberId, b.points]),
        where,
      ).toEqual(quote.bonuses.map((b) => [b.kind, b.memberId, b.points]));
      expect(
        honest.lines.map((l) => [l.lineNo, l.earnPoints, l.redeemedPoints, l.paidMinor]),
        where,
      ).toEqual(sale.lines!.map((l) => [l.lineNo, l.earnPoints, l.redeemedPoints, l.paidMinor]));
      if (c.member === null) continue;

      // 2. Each claimed figure changed upward: the server disagrees and credits no more than the honest sale.
      for (const [name, mutate] of Object.entries(MUTATIONS)) {
        const lying = structuredClone(sale);
        if (!mutate(lying, c, rand)) continue;
        mutated[name]!++;
        const r = reprice(c, lying);
        expect(r.ok, `${name}, ${where}`).toBe(true);
        if (!r.ok) continue;
        expect(r.agrees, `${name}, ${where}`).toBe(false);
        expect(credited(r.ledger), `${name}, ${where}`).toBeLessThanOrEqual(credited(sale.ledger));
        expect(debited(r.ledger), `${name}, ${where}`).toBe(debited(sale.ledger));
        // Earn and redeem are the server's own; a bonus is granted only where the claim matches one it derives.
        expect(r.server.earn, `${name}, ${where}`).toBe(honest.server.earn);
        expect(r.server.redeem, `${name}, ${where}`).toBe(honest.server.redeem);
        expect(r.server.bonus, `${name}, ${where}`).toBeLessThanOrEqual(honest.server.bonus);
      }

      // 3. A tier above the one the server can justify, priced by the till at that tier.
      const levels = c.program.tiers.levels;
      const at = levels.findIndex((t) => t.id === c.member!.tier);
      if (at < levels.length - 1 && quote.earnPoints > 0) {
        const up = { ...c.member, tier: levels[at + 1]!.id };
        const redemption =
          quote.redemption === null
            ? null
            : quote.redemption.kind === 'points'
              ? ({ kind: 'points', points: quote.redemption.points } as const)
              : ({ kind: 'reward', rewardId: quote.redemption.rewardId! } as const);
        const basket = quote.lines.map(({ lineNo, sku, category, quantity, unitPriceMinor, amountMinor }) => ({
          lineNo,
          sku,
          category,
          quantity,
          unitPriceMinor,
          amountMinor,
        }));
        const { quote: upQuote } = tillPrice(c.program, c.at, basket, up, redemption);
        if (upQuote.earnPoints > quote.earnPoints && (upQuote.redemption?.points ?? 0) === (quote.redemption?.points ?? 0)) {
          higherTier++;
          const lying = committedPayload(c.program, c.at, up, upQuote);
          const r = reprice(c, lying);
          expect(r.ok && r.agrees, `higher tier, ${where}`).toBe(false);
          if (r.ok) expect(r.server.earn, `higher tier, ${where}`).toBe(quote.earnPoints);
        }
      }
    }

    // The baskets exercised every path the server re-prices.
    expect(seen.member).toBeGreaterThanOrEqual(300);
    expect(seen.pointsRedemption).toBeGreaterThanOrEqual(60);
    expect(seen.reward).toBeGreaterThanOrEqual(15);
    expect(seen.tierMultiplier).toBeGreaterThanOrEqual(80);
    expect(seen.promotion).toBeGreaterThanOrEqual(40);
    expect(seen.ruleMultiplier).toBeGreaterThanOrEqual(40);
    expect(seen.exclusion).toBeGreaterThanOrEqual(20);
    expect(seen.keyed).toBeGreaterThanOrEqual(60);
    expect(bonuses.birthday).toBeGreaterThanOrEqual(20);
    expect(bonuses.nth_purchase).toBeGreaterThanOrEqual(20);
    expect(bonuses.referral_referee).toBeGreaterThanOrEqual(10);
    expect(bonuses.referral_referrer).toBeGreaterThanOrEqual(5);
    for (const [name, count] of Object.entries(mutated)) expect(count, name).toBeGreaterThanOrEqual(20);
    expect(higherTier).toBeGreaterThanOrEqual(30);
    console.log(JSON.stringify({ seen, bonuses, mutated, higherTier }));
  });

  it('caps earn on keyed amounts at the programme bound, and says so', () => {
    const rand = prng(7);
    let capped = 0;
    for (let i = 0; i < 150; i++) {
      const c = randomCase(rand);
      const keyedEarn = c.quote.lines.filter((l) => l.sku === null).reduce((s, l) => s + l.earnPoints, 0);
      if (c.member === null || keyedEarn < 2) continue;
      const cap = Math.floor(keyedEarn / 2);
      const program = programConfigSchema.parse({ ...c.program, bounds: { ...c.program.bounds, keyedEarnPerSale: cap } });
      const r = repriceSale({ sale: c.sale, program, productCategories: PRODUCT_CATEGORIES, facts: c.facts, at: c.at, year: c.year });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      capped++;
      expect(r.agrees).toBe(false);
      expect(r.keyedCapped).toEqual({ earned: keyedEarn, granted: cap });
      expect(r.server.earn).toBe(c.quote.earnPoints - (keyedEarn - cap));
      expect(r.lines.reduce((s, l) => s + l.earnPoints, 0)).toBe(r.server.earn);
      expect(credited(r.ledger.filter((e) => e.kind === 'earn'))).toBe(r.server.earn);
    }
    expect(capped).toBeGreaterThanOrEqual(30);
  });
});
