/**
 * Which earn rule governs a line, and which paid amounts can earn at all.
 *
 * A line is governed by at most one rule: the first rule matching its sku,
 * else the first rule matching its category. So a product rule wins over a
 * category rule, for exclusions as for multipliers: a sku rule ×3 on a product
 * in an excluded category makes that product earn ×3.
 *
 * A sale "qualifies" (for points and for bonuses) when the paid amount of its
 * non-excluded lines is positive and at least earn.minSpendMinor.
 */
import type { EarnRule, ProgramConfig } from '../program.ts';
import { sum } from './integer-math.ts';

export interface EarnLine {
  lineNo: number;
  sku: string | null;
  category: string;
  /** Amount actually paid for the line, after any points discount. */
  paidMinor: number;
}

export function ruleForLine(program: ProgramConfig, sku: string | null, category: string): EarnRule | undefined {
  const rules = program.earn.rules;
  if (sku !== null) {
    const bySku = rules.find((r) => r.match.kind === 'sku' && r.match.sku === sku);
    if (bySku) return bySku;
  }
  return rules.find((r) => r.match.kind === 'category' && r.match.category === category);
}

/** Stable explanation id of a rule: 'rule:<sku>' or 'rule:<category>'. */
export function ruleId(rule: EarnRule): string {
  return `rule:${rule.match.kind === 'sku' ? rule.match.sku : rule.match.category}`;
}

export function isExcluded(program: ProgramConfig, line: Pick<EarnLine, 'sku' | 'category'>): boolean {
  return ruleForLine(program, line.sku, line.category)?.effect.kind === 'exclude';
}

/** Paid amount of the lines that can earn (excluded lines left out). */
export function eligibleMinor(program: ProgramConfig, lines: readonly EarnLine[]): number {
  return sum(lines.filter((l) => !isExcluded(program, l)).map((l) => l.paidMinor));
}

export function isQualifyingSale(program: ProgramConfig, lines: readonly EarnLine[]): boolean {
  const eligible = eligibleMinor(program, lines);
  return eligible > 0 && eligible >= program.earn.minSpendMinor;
}
