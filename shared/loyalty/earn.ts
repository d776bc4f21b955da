/**
 * Points earned by a sale — the project's rounding and stacking policy.
 *
 * 1. Eligible amount of a line = its paidMinor (after any points discount),
 *    unless its governing rule (earn-rules.ts: sku rule over category rule)
 *    excludes it. Excluded lines earn 0 and get a 0-point explanation per rule.
 * 2. Nothing is earned when the eligible total is 0 or below earn.minSpendMinor
 *    (exactly the minimum earns).
 * 3. Base = floor(eligibleTotal × points / perMinor), on the basket total, so
 *    splitting a basket into lines never loses a point.
 * 4. Multipliers ADD to base, they do not compound: each source adds
 *    floor(amount × points × (m×100 − 100) / (perMinor × 100)) on the eligible
 *    amount it applies to. Sources: the line's multiplier rule (grouped per
 *    rule), each promotion active in store-local time (on its categories, or all
 *    eligible lines; plus its fixed bonusPoints once per sale when it applies to
 *    a positive amount), and the member's tier (all eligible lines; an unknown
 *    tier is ×1). A multiplier below 1 takes points away; the total never goes
 *    below 0 (a 'floor' line brings it back to 0).
 * 5. points = the sum of the explanation lines, so the cashier can add them up.
 * 6. linePoints splits the total over lines in proportion to each line's exact
 *    share (eligible × its total multiplier in hundredths; promotion bonus points
 *    over that promotion's lines by amount), summing exactly to the total, so
 *    refunds can reverse points per line.
 * Every division floors: a customer is never given a fraction of a point.
 */
import type { ProgramConfig } from '../program.ts';
import { AppError } from '../errors.ts';
import { allocate } from './allocate.ts';
import { ruleForLine, ruleId, type EarnLine } from './earn-rules.ts';
import { formatMultiplier, hundredths, mulDivFloor, sum } from './integer-math.ts';
import { formatMinor } from './money.ts';
import { activePromotions } from './promotions.ts';
import { tierById } from './tiers.ts';
import type { Explanation } from './types.ts';

export type { EarnLine } from './earn-rules.ts';

export interface EarnResult {
  points: number;
  explanation: Explanation[];
  /** lineNo → points attributed to the line; sums to `points`. */
  linePoints: Map<number, number>;
}

/** One multiplier or bonus source, before rounding. */
interface Source {
  rule: string;
  label: string;
  /** Multiplier in hundredths (100 = no extra). */
  h: number;
  lineNos: number[];
  bonusPoints: number;
}

export function computeEarn(args: { program: ProgramConfig; now: number; lines: EarnLine[]; tier: string }): EarnResult {
  const { program, now, lines, tier } = args;
  const { earn, currency } = program;
  const money = (minor: number): string => formatMinor(minor, currency);
  const seen = new Set<number>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.paidMinor) || l.paidMinor < 0) {
      throw new AppError('VALIDATION', `line ${l.lineNo}: paid amount must be a non-negative integer`, { lineNo: l.lineNo });
    }
    if (seen.has(l.lineNo)) throw new AppError('VALIDATION', `line ${l.lineNo} appears twice`, { lineNo: l.lineNo });
    seen.add(l.lineNo);
  }

  const explanation: Explanation[] = [];
  const eligible = new Map<number, number>(); // lineNo → eligible amount
  const ruleSources = new Map<string, Source>();
  const excluded = new Map<string, { label: string; amount: number; lineNos: number[] }>();
  for (const line of lines) {
    const rule = ruleForLine(program, line.sku, line.category);
    if (rule?.effect.kind === 'exclude') {
      const id = ruleId(rule);
      const entry = excluded.get(id) ?? { label: rule.label, amount: 0, lineNos: [] };
      entry.amount += line.paidMinor;
      entry.lineNos.push(line.lineNo);
      excluded.set(id, entry);
      continue;
    }
    eligible.set(line.lineNo, line.paidMinor);
    if (rule?.effect.kind === 'multiplier') {
      const id = ruleId(rule);
      const source = ruleSources.get(id) ?? {
        rule: id,
        label: rule.label,
        h: hundredths(rule.effect.multiplier),
        lineNos: [],
        bonusPoints: 0,
      };
      source.lineNos.push(line.lineNo);
      ruleSources.set(id, source);
    }
  }
  for (const [rule, e] of excluded) {
    explanation.push({
      rule,
      label: e.label,
      points: 0,
      detail: `excluded ${money(e.amount)} (${linesText(e.lineNos)})`,
      params: { amountMinor: e.amount, lines: e.lineNos.join(', '), lineCount: e.lineNos.length },
    });
  }

  const zeroLines = new Map(lines.map((l) => [l.lineNo, 0]));
  const eligibleTotal = sum([...eligible.values()]);
  if (eligibleTotal === 0 || eligibleTotal < earn.minSpendMinor) {
    explanation.push({
      rule: 'min-spend',
      label: eligibleTotal === 0 ? 'Nothing eligible for points' : `Below minimum spend of ${money(earn.minSpendMinor)}`,
      points: 0,
      detail: `eligible ${money(eligibleTotal)}`,
      params: { eligibleMinor: eligibleTotal, minSpendMinor: earn.minSpendMinor },
    });
    return { points: 0, explanation, linePoints: zeroLines };
  }

  const base = mulDivFloor([eligibleTotal, earn.points], earn.perMinor);
  explanation.push({
    rule: 'base',
    label: `${earn.points} pt per ${money(earn.perMinor)}`,
    points: base,
    detail: `on ${money(eligibleTotal)}`,
    params: { points: earn.points, perMinor: earn.perMinor, eligibleMinor: eligibleTotal },
  });

  const sources = [...ruleSources.values(), ...promotionSources(program, now, lines, eligible), ...tierSource(program, tier, eligible)];
  const extraH = new Map<number, number>(); // lineNo → Σ (h − 100) of the sources on it
  for (const s of sources) {
    const amount = sum(s.lineNos.map((n) => eligible.get(n) ?? 0));
    if (amount === 0) continue; // e.g. a free item under a rule: nothing to multiply, no noise for the cashier
    const extra = mulDivFloor([amount, earn.points, s.h - 100], earn.perMinor * 100);
    for (const n of s.lineNos) extraH.set(n, (extraH.get(n) ?? 0) + s.h - 100);
    const detail = [
      ...(s.h !== 100 || s.bonusPoints === 0 ? [`×${formatMultiplier(s.h)} on ${money(amount)}`] : []),
      ...(s.bonusPoints > 0 ? [`+${s.bonusPoints} bonus`] : []),
    ].join(', ');
    explanation.push({
      rule: s.rule,
      label: s.label,
      points: extra + s.bonusPoints,
      detail,
      params: { multiplier: s.h, amountMinor: amount, bonusPoints: s.bonusPoints },
    });
  }

  const raw = sum(explanation.map((e) => e.points));
  if (raw < 0) explanation.push({ rule: 'floor', label: 'Points cannot go below zero', points: -raw });
  const points = Math.max(0, raw);
  return { points, explanation, linePoints: attribute(points, lines, eligible, extraH, sources) };
}

function promotionSources(program: ProgramConfig, now: number, lines: EarnLine[], eligible: Map<number, number>): Source[] {
  const sources: Source[] = [];
  for (const promo of activePromotions(program, now)) {
    const lineNos = lines
      .filter((l) => eligible.has(l.lineNo) && (promo.categories === undefined || promo.categories.includes(l.category)))
      .map((l) => l.lineNo);
    // A promotion with nothing to apply to (no eligible line of its categories) gives nothing, bonus included.
    if (sum(lineNos.map((n) => eligible.get(n) ?? 0)) === 0) continue;
    sources.push({
      rule: `promo:${promo.id}`,
      label: promo.label,
      h: promo.multiplier === undefined ? 100 : hundredths(promo.multiplier),
      lineNos,
      bonusPoints: promo.bonusPoints ?? 0,
    });
  }
  return sources;
}

function tierSource(program: ProgramConfig, tierId: string, eligible: Map<number, number>): Source[] {
  const tier = tierById(program, tierId);
  if (tier === undefined || hundredths(tier.multiplier) === 100) return [];
  return [
    { rule: `tier:${tier.id}`, label: `${tier.label} tier`, h: hundredths(tier.multiplier), lineNos: [...eligible.keys()], bonusPoints: 0 },
  ];
}

/**
 * Split the total over lines: the multiplied part by eligible × effective
 * multiplier, each promotion's fixed bonus over its lines by amount.
 */
function attribute(
  total: number,
  lines: EarnLine[],
  eligible: Map<number, number>,
  extraH: Map<number, number>,
  sources: Source[],
): Map<number, number> {
  const lineNos = lines.map((l) => l.lineNo);
  const amounts = lineNos.map((n) => eligible.get(n) ?? 0);
  const bonusShares = lineNos.map(() => 0);
  let bonusTotal = 0;
  for (const s of sources) {
    if (s.bonusPoints === 0) continue;
    bonusTotal += s.bonusPoints;
    const shares = allocate(
      s.bonusPoints,
      lineNos.map((n, i) => (s.lineNos.includes(n) ? amounts[i]! : 0)),
    );
    shares.forEach((v, i) => (bonusShares[i]! += v));
  }

  let perLine: number[];
  const multiplied = total - bonusTotal;
  if (total === 0) {
    perLine = lineNos.map(() => 0);
  } else if (multiplied < 0) {
    // Sub-1 multipliers ate into the bonus: what is left follows the bonus split.
    perLine = allocate(total, bonusShares);
  } else {
    const weights = lineNos.map((n, i) => amounts[i]! * Math.max(0, 100 + (extraH.get(n) ?? 0)));
    // A positive multiplied part implies a positive weight; amounts are the safe fallback.
    const shares = allocate(multiplied, weights.some((w) => w > 0) ? weights : amounts);
    perLine = shares.map((v, i) => v + bonusShares[i]!);
  }
  return new Map(lineNos.map((n, i) => [n, perLine[i]!]));
}

function linesText(lineNos: number[]): string {
  return `${lineNos.length === 1 ? 'line' : 'lines'} ${lineNos.join(', ')}`;
}
