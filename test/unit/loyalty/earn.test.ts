import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEarn } from '../../../shared/loyalty/earn.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { at, paid, QUIET_WEDNESDAY } from './builders.ts';

const noMinimum = programWith({ earn: { minSpendMinor: 0 } });
type Lines = Parameters<typeof computeEarn>[0]['lines'];

function earn(lines: Lines, opts: { tier?: string; now?: number; program?: typeof demoProgram } = {}) {
  return computeEarn({ program: opts.program ?? demoProgram, now: opts.now ?? QUIET_WEDNESDAY, lines, tier: opts.tier ?? 'bronze' });
}

function rules(result: ReturnType<typeof computeEarn>): Record<string, number> {
  return Object.fromEntries(result.explanation.map((e) => [e.rule, e.points]));
}

describe('base rate: 1 point per 1.00 paid, floored', () => {
  it('12.34 earns 12 points, explained as base on 12.34', () => {
    const r = earn([paid(1, 'grocery', 1234)]);
    expect(r.points).toBe(12);
    expect(r.explanation).toEqual([
      { rule: 'base', label: '1 pt per 1.00', points: 12, detail: 'on 12.34', params: { points: 1, perMinor: 100, eligibleMinor: 1234 } },
    ]);
    expect(r.linePoints).toEqual(new Map([[1, 12]]));
  });

  it('0.99 earns 0 and 1.99 earns 1 (never rounded up)', () => {
    expect(earn([paid(1, 'grocery', 99)], { program: noMinimum }).points).toBe(0);
    expect(earn([paid(1, 'grocery', 199)], { program: noMinimum }).points).toBe(1);
    expect(earn([paid(1, 'grocery', 200)], { program: noMinimum }).points).toBe(2);
  });

  it('a basket split into lines earns the same as one line: 3 × 1.50 = 4 points, not 3 × 1', () => {
    const split = earn([paid(1, 'grocery', 150), paid(2, 'grocery', 150), paid(3, 'grocery', 150)]);
    expect(split.points).toBe(earn([paid(1, 'grocery', 450)]).points);
    expect(split.points).toBe(4);
    // 4 over equal weights → 2,1,1 (leftover to the earliest line).
    expect(split.linePoints).toEqual(
      new Map([
        [1, 2],
        [2, 1],
        [3, 1],
      ]),
    );
  });

  it('an unusual rate: 3 points per 2.00 on 5.01 = floor(7.515) = 7', () => {
    const program = programWith({ earn: { points: 3, perMinor: 200 } });
    expect(earn([paid(1, 'grocery', 501)], { program }).points).toBe(7);
  });
});

describe('minimum spend (1.00)', () => {
  it('exactly the minimum earns', () => {
    expect(earn([paid(1, 'grocery', 100)]).points).toBe(1);
  });

  it('one cent below earns nothing and says why', () => {
    const r = earn([paid(1, 'grocery', 99)]);
    expect(r.points).toBe(0);
    expect(r.explanation).toEqual([
      {
        rule: 'min-spend',
        label: 'Below minimum spend of 1.00',
        points: 0,
        detail: 'eligible 0.99',
        params: { eligibleMinor: 99, minSpendMinor: 100 },
      },
    ]);
    expect(r.linePoints).toEqual(new Map([[1, 0]]));
  });

  it('excluded lines do not count towards the minimum', () => {
    const r = earn([paid(1, 'tobacco', 5000), paid(2, 'grocery', 99)]);
    expect(r.points).toBe(0);
    expect(rules(r)).toEqual({ 'rule:tobacco': 0, 'min-spend': 0 });
  });
});

describe('exclusions', () => {
  it('tobacco and gift cards earn nothing; the rest earns normally', () => {
    // 10.00 tobacco + 25.00 gift card + 5.50 grocery → only 5.50 counts → 5 points.
    const r = earn([paid(1, 'tobacco', 1000), paid(2, 'gift-card', 2500), paid(3, 'grocery', 550)]);
    expect(r.points).toBe(5);
    expect(r.explanation).toEqual([
      {
        rule: 'rule:tobacco',
        label: 'No points on tobacco',
        points: 0,
        detail: 'excluded 10.00 (line 1)',
        params: { amountMinor: 1000, lines: '1', lineCount: 1 },
      },
      {
        rule: 'rule:gift-card',
        label: 'No points on gift cards',
        points: 0,
        detail: 'excluded 25.00 (line 2)',
        params: { amountMinor: 2500, lines: '2', lineCount: 1 },
      },
      { rule: 'base', label: '1 pt per 1.00', points: 5, detail: 'on 5.50', params: { points: 1, perMinor: 100, eligibleMinor: 550 } },
    ]);
    expect(r.linePoints).toEqual(
      new Map([
        [1, 0],
        [2, 0],
        [3, 5],
      ]),
    );
  });

  it('an all-excluded basket says nothing is eligible', () => {
    const r = earn([paid(1, 'tobacco', 1000)], { program: noMinimum });
    expect(r.points).toBe(0);
    expect(r.explanation.at(-1)).toMatchObject({ rule: 'min-spend', label: 'Nothing eligible for points' });
  });
});

describe('product and category multipliers', () => {
  it('organic ×2: 12.00 → 12 base + 12 extra = 24', () => {
    const r = earn([paid(1, 'organic', 1200)]);
    expect(rules(r)).toEqual({ base: 12, 'rule:organic': 12 });
    expect(r.points).toBe(24);
  });

  it('the sku rule beats the category rule: organic coffee 1 kg earns ×3 (36), not ×2 (24)', () => {
    const r = earn([paid(1, 'organic', 1200, 'COFFEE-1KG')]);
    expect(rules(r)).toEqual({ base: 12, 'rule:COFFEE-1KG': 24 });
    expect(r.points).toBe(36);
  });

  it('a sku rule even beats a category exclusion', () => {
    expect(earn([paid(1, 'tobacco', 1200, 'COFFEE-1KG')]).points).toBe(36);
  });

  it('a rule groups its lines into one explanation line', () => {
    // organic 0.60 + 0.60: extra floor(120 × 100 / 10000) = 1, not 0 + 0.
    const r = earn([paid(1, 'organic', 60), paid(2, 'organic', 60)]);
    expect(r.explanation.find((e) => e.rule === 'rule:organic')).toEqual({
      rule: 'rule:organic',
      label: 'Organic double points',
      points: 1,
      detail: '×2 on 1.20',
      params: { multiplier: 200, amountMinor: 120, bonusPoints: 0 },
    });
    expect(r.points).toBe(2);
  });

  it('a multiplier below 1 takes points away: clearance ×0.5 on 10.00 → 10 − 5 = 5', () => {
    const program = programWith({
      earn: {
        rules: [
          {
            match: { kind: 'category', category: 'clearance' },
            effect: { kind: 'multiplier', multiplier: 0.5 },
            label: 'Clearance half points',
          },
        ],
      },
    });
    expect(rules(earn([paid(1, 'clearance', 1000)], { program }))).toEqual({ base: 10, 'rule:clearance': -5 });
  });

  it('the total never goes below zero: ×0 on 1.99 → base 1, extra floor(−1.99) = −2, floor line +1', () => {
    const program = programWith({
      earn: {
        minSpendMinor: 0,
        rules: [
          {
            match: { kind: 'category', category: 'clearance' },
            effect: { kind: 'multiplier', multiplier: 0 },
            label: 'No points on clearance',
          },
        ],
      },
    });
    const r = earn([paid(1, 'clearance', 199)], { program });
    expect(rules(r)).toEqual({ base: 1, 'rule:clearance': -2, floor: 1 });
    expect(r.points).toBe(0);
    expect(r.explanation.reduce((s, e) => s + e.points, 0)).toBe(0);
    expect(r.linePoints).toEqual(new Map([[1, 0]]));
  });
});

describe('tier multipliers', () => {
  it('silver ×1.25 on 40.00: 40 + 10 = 50', () => {
    const r = earn([paid(1, 'grocery', 4000)], { tier: 'silver' });
    expect(r.explanation.at(-1)).toEqual({
      rule: 'tier:silver',
      label: 'Silver tier',
      points: 10,
      detail: '×1.25 on 40.00',
      params: { multiplier: 125, amountMinor: 4000, bonusPoints: 0 },
    });
    expect(r.points).toBe(50);
  });

  it('silver ×1.25 on odd amounts floors each part: 9.99 → 9 + floor(2.4975) = 11', () => {
    expect(rules(earn([paid(1, 'grocery', 999)], { tier: 'silver' }))).toEqual({ base: 9, 'tier:silver': 2 });
    // 3.33 → 3 + floor(0.8325) = 3
    expect(earn([paid(1, 'grocery', 333)], { tier: 'silver' }).points).toBe(3);
  });

  it('gold ×1.5 and platinum ×2 on 30.00: 45 and 60', () => {
    expect(earn([paid(1, 'grocery', 3000)], { tier: 'gold' }).points).toBe(45);
    expect(earn([paid(1, 'grocery', 3000)], { tier: 'platinum' }).points).toBe(60);
  });

  it('bronze (×1) adds no line; an unknown tier counts as ×1', () => {
    expect(earn([paid(1, 'grocery', 3000)]).explanation).toHaveLength(1);
    expect(earn([paid(1, 'grocery', 3000)], { tier: 'diamond' }).points).toBe(30);
  });

  it('the tier multiplier does not apply to excluded lines', () => {
    expect(earn([paid(1, 'grocery', 2000), paid(2, 'tobacco', 2000)], { tier: 'platinum' }).points).toBe(40);
  });
});

describe('stacking is additive and line attribution is exact', () => {
  // Saturday 15 March 2025, 11:00 in Paris; gold member.
  const saturday = at('2025-03-15T10:00');

  it('organic 10.00 + grocery 20.00 on Saturday, gold: 30 + 10 + 30 + 15 = 85', () => {
    const r = earn([paid(1, 'organic', 1000), paid(2, 'grocery', 2000)], { tier: 'gold', now: saturday });
    expect(rules(r)).toEqual({ base: 30, 'rule:organic': 10, 'promo:saturday': 30, 'tier:gold': 15 });
    expect(r.points).toBe(85);
    // Weights: organic 1000 × (100+100+100+50) = 350000, grocery 2000 × (100+100+50) = 500000 → 35 and 50.
    expect(r.linePoints).toEqual(
      new Map([
        [1, 35],
        [2, 50],
      ]),
    );
  });

  it('the total is the sum of the explanation lines', () => {
    const r = earn([paid(1, 'organic', 777), paid(2, 'grocery', 1333, 'COFFEE-1KG'), paid(3, 'tobacco', 900)], {
      tier: 'silver',
      now: saturday,
    });
    expect(r.explanation.reduce((s, e) => s + e.points, 0)).toBe(r.points);
    expect([...r.linePoints.values()].reduce((s, v) => s + v, 0)).toBe(r.points);
  });

  it('a promotion bonus is given once per sale and spread over lines by amount', () => {
    // Spring fair, Monday 17 March 2025 11:00 Paris: 10.00 + 30.00 → base 40, +50 bonus = 90.
    const r = earn([paid(1, 'grocery', 1000), paid(2, 'grocery', 3000)], { now: at('2025-03-17T10:00') });
    expect(r.explanation.at(-1)).toEqual({
      rule: 'promo:spring-fair',
      label: 'Spring fair bonus',
      points: 50,
      detail: '+50 bonus',
      params: { multiplier: 100, amountMinor: 4000, bonusPoints: 50 },
    });
    expect(r.points).toBe(90);
    // Base 40 → 10 / 30; bonus 50 → 12.5 / 37.5, the tie goes to line 1 → 13 / 37.
    expect(r.linePoints).toEqual(
      new Map([
        [1, 23],
        [2, 67],
      ]),
    );
  });

  it('a promotion limited to categories only multiplies those lines', () => {
    const program = programWith({
      earn: { promotions: [{ id: 'bakery-week', label: 'Bakery triple', categories: ['bakery'], multiplier: 3 }] },
    });
    // bakery 5.00 + grocery 5.00: base 10 + floor(500 × 200 / 10000) = 10 → 20.
    expect(rules(earn([paid(1, 'bakery', 500), paid(2, 'grocery', 500)], { program }))).toEqual({ base: 10, 'promo:bakery-week': 10 });
    // With no bakery line the promotion gives nothing, not even a line.
    expect(rules(earn([paid(1, 'grocery', 500)], { program }))).toEqual({ base: 5 });
  });

  it('property: line points are non-negative and sum to the total', () => {
    const categories = ['grocery', 'organic', 'tobacco', 'bakery'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.constantFrom(...categories), paid: fc.nat(50_000), coffee: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom('bronze', 'silver', 'gold', 'platinum'),
        fc.integer({ min: at('2025-03-10T00:00'), max: at('2025-03-24T00:00') }),
        (specs, tier, now) => {
          const lines = specs.map((s, i) => paid(i + 1, s.c, s.paid, s.coffee ? 'COFFEE-1KG' : null));
          const r = earn(lines, { tier, now });
          const shares = [...r.linePoints.values()];
          expect(shares.every((v) => v >= 0)).toBe(true);
          expect(shares.reduce((s, v) => s + v, 0)).toBe(r.points);
          expect(r.explanation.reduce((s, e) => s + e.points, 0)).toBe(r.points);
        },
      ),
    );
  });
});
