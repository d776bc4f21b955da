/**
 * The server's price of a sale a till reports, with the same pure engine the
 * till used (shared/loyalty/sale.ts). Pure: push.ts loads the facts.
 *
 * The till's facts are bounded by the server's: its tier counts up to the
 * highest tier the server can justify; a one-per-member bonus (birthday,
 * referral) is granted only if no till was granted it before, chain-wide; the
 * nth-purchase bonus only if the server's count of the member's purchases
 * reaches n since this till's last one (a till counts its own streak; the
 * server's count of every till's purchases is never below it). A bonus the
 * till did not claim is not added: its view offline was narrower, not
 * dishonest. Earn on keyed amounts (a line without a product
 * the server knows) is capped by the programme's bound.
 */
import { AppError } from '../../../shared/errors.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import { tierIndex } from '../../../shared/loyalty/tiers.ts';
import type { BasketLine, BonusAward, MemberState, SaleQuote } from '../../../shared/loyalty/types.ts';
import { boundsOf, type ProgramConfig } from '../../../shared/program.ts';
import type { LedgerEntry, SaleLineRecord, SyncEvent } from '../../../shared/sync-protocol.ts';

type Committed = Extract<SyncEvent, { kind: 'sale.committed' }>['payload'];

/** What the server knows of the sale's member at the sale's time. */
export interface ServerMemberFacts {
  tier: string;
  /** The highest tier the server can justify for the member at the sale (its tier, or what its qualifying points reach). */
  allowedTier: string;
  /** 'MM-DD' */
  birthday: string | null;
  enrolledAt: number;
  referredBy: string | null;
  /** "kind|period" of bonuses granted before, chain-wide (bonus_grants). */
  grants: ReadonlySet<string>;
  /** Times of the member's purchases the server holds inside the nth-purchase window, after the last nth bonus. */
  recentPurchaseTimes: readonly number[];
}

export type RepriceOutcome =
  | { ok: false; reason: 'invalid_sale'; message: string }
  | {
      ok: true;
      /** The ledger the server applies: the till's own entries when they agree, else the server's. */
      ledger: LedgerEntry[];
      agrees: boolean;
      keyedCapped: { earned: number; granted: number } | null;
      claimed: PointsSummary;
      server: PointsSummary;
      /** The server's lines (its earn per line), for the stored sale and refunds. */
      lines: SaleLineRecord[];
      /** Bonuses granted, for bonus_grants. */
      bonuses: BonusAward[];
    };

export interface PointsSummary {
  earn: number;
  bonus: number;
  redeem: number;
}

/** The engine's member state from the server's facts bounded as above; balance checks are the overdraft flag's business. */
function memberState(
  memberId: string,
  program: ProgramConfig,
  facts: ServerMemberFacts,
  claimed: Committed['memberFacts'],
  year: number,
): MemberState {
  const claimedTier = claimed?.tier ?? facts.allowedTier;
  const known = tierIndex(program, claimedTier) >= 0;
  const tier = known && tierIndex(program, claimedTier) <= tierIndex(program, facts.allowedTier) ? claimedTier : facts.allowedTier;
  return {
    id: memberId,
    status: 'active',
    tier,
    birthday: facts.birthday,
    enrolledAt: facts.enrolledAt,
    referredBy: facts.referredBy,
    birthdayBonusYear: facts.grants.has(`birthday|${year}`) ? year : null,
    purchaseCount: facts.grants.has('referral_referee|') ? 1 : (claimed?.purchaseCount ?? 0),
    recentPurchaseTimes: [...facts.recentPurchaseTimes],
    balance: Number.MAX_SAFE_INTEGER,
    available: Number.MAX_SAFE_INTEGER,
  };
}

export function repriceSale(args: {
  sale: Committed;
  /** The programme version the sale is priced with. */
  program: ProgramConfig;
  /** The server's category for each SKU it knows; a SKU it does not know is a keyed amount. */
  productCategories: ReadonlyMap<string, string>;
  facts: ServerMemberFacts | null;
  /** The sale's time (never after the server's now). */
  at: number;
  /** Store-local year of `at`, for the birthday grant. */
  year: number;
}): RepriceOutcome {
  const { sale, program, at } = args;
  const lines = sale.lines ?? [];
  const basket: BasketLine[] = lines.map((l) => {
    const unit = l.unitPriceMinor ?? (l.amountMinor !== undefined ? Math.floor(l.amountMinor / l.quantity) : 0);
    const known = l.sku === null ? undefined : args.productCategories.get(l.sku);
    return {
      lineNo: l.lineNo,
      sku: known === undefined ? null : l.sku,
      category: known ?? l.category,
      quantity: l.quantity,
      unitPriceMinor: unit,
      amountMinor: l.amountMinor ?? unit * l.quantity,
    };
  });
  const member =
    sale.memberId === null || args.facts === null ? null : memberState(sale.memberId, program, args.facts, sale.memberFacts, args.year);
  let quote: SaleQuote;
  try {
    const redemption =
      sale.rewardId != null
        ? ({ kind: 'reward', rewardId: sale.rewardId } as const)
        : sale.pointsRedeemed > 0
          ? ({ kind: 'points', points: sale.pointsRedeemed } as const)
          : null;
    quote = priceSale({ program, now: at, lines: basket, member, redemption });
  } catch (error) {
    if (error instanceof AppError) return { ok: false, reason: 'invalid_sale', message: error.message };
    throw error;
  }
  if (quote.totalMinor !== sale.totalMinor || quote.payableMinor !== sale.paidMinor) {
    return { ok: false, reason: 'invalid_sale', message: 'the lines do not add up to the sale total' };
  }

  // Keyed amounts: the points they earned, above the bound, are not granted.
  const cap = boundsOf(program).keyedEarnPerSale;
  const keyedEarned = quote.lines.filter((l) => l.sku === null).reduce((s, l) => s + l.earnPoints, 0);
  const keyedCapped = keyedEarned > cap ? { earned: keyedEarned, granted: cap } : null;
  const earn = quote.earnPoints - (keyedCapped === null ? 0 : keyedEarned - cap);

  const claimedEntries = sale.ledger;
  const claimedBonus = claimedEntries.filter((e) => e.kind === 'bonus');
  const unmatched = [...claimedBonus];
  // A bonus is granted where the till claims it and the server derives it.
  const bonuses = quote.bonuses.filter((b) => {
    const i = unmatched.findIndex((e) => e.memberId === b.memberId && e.points === b.points);
    if (i < 0) return false;
    unmatched.splice(i, 1);
    return true;
  });
  const memberId = sale.memberId;
  const redeem = quote.redemption?.points ?? 0;
  const server: PointsSummary = { earn, bonus: bonuses.reduce((s, b) => s + b.points, 0), redeem };
  const claimed: PointsSummary = {
    earn: claimedEntries.filter((e) => e.kind === 'earn').reduce((s, e) => s + e.points, 0),
    bonus: claimedBonus.reduce((s, e) => s + e.points, 0),
    redeem: -claimedEntries.filter((e) => e.kind === 'redeem').reduce((s, e) => s + e.points, 0),
  };
  const onlyKnownKinds = claimedEntries.every((e) => e.kind === 'earn' || e.kind === 'bonus' || e.kind === 'redeem');
  const ownEntries = claimedEntries.every((e) => e.kind === 'bonus' || e.memberId === memberId);
  const qualifyingAgrees = claimedEntries.every((e) => e.qualifying === (e.kind === 'earn' ? e.points : 0));
  const agrees =
    keyedCapped === null &&
    unmatched.length === 0 &&
    onlyKnownKinds &&
    ownEntries &&
    qualifyingAgrees &&
    claimed.earn === server.earn &&
    claimed.redeem === server.redeem;

  const serverLines: SaleLineRecord[] = lines.map((l, i) => ({
    ...l,
    earnPoints: quote.lines[i]!.earnPoints,
    redeemedPoints: quote.lines[i]!.redeemedPoints,
    discountMinor: quote.lines[i]!.discountMinor,
    paidMinor: quote.lines[i]!.paidMinor,
  }));
  if (keyedCapped !== null) takeOffKeyedLines(serverLines, basket, keyedEarned - cap);

  // Positive entries' expiry is the server's programme's (an expiry far in the future is not the till's to set).
  const ledger: LedgerEntry[] =
    agrees || memberId === null
      ? agrees
        ? claimedEntries.map((e) => ({ ...e }))
        : []
      : [
          ...(redeem > 0
            ? [{ memberId, kind: 'redeem' as const, points: -redeem, qualifying: 0, reason: quote.redemption!.explanation.label }]
            : []),
          ...(earn > 0 ? [{ memberId, kind: 'earn' as const, points: earn, qualifying: earn, reason: 'points earned on sale' }] : []),
          ...bonuses.map((b) => ({
            memberId: b.memberId,
            kind: 'bonus' as const,
            points: b.points,
            qualifying: 0,
            reason: b.explanation.label,
          })),
        ];
  return { ok: true, ledger, agrees, keyedCapped, claimed, server, lines: serverLines, bonuses };
}

/** Removes `excess` earn points from the keyed lines, the last first, so per-line figures sum to the sale's. */
function takeOffKeyedLines(lines: SaleLineRecord[], basket: readonly BasketLine[], excess: number): void {
  let left = excess;
  for (let i = lines.length - 1; i >= 0 && left > 0; i--) {
    if (basket[i]!.sku !== null) continue;
    const take = Math.min(left, lines[i]!.earnPoints);
    lines[i]!.earnPoints -= take;
    left -= take;
  }
}
