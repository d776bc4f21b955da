import { describe, expect, it } from 'vitest';
import { evaluateTier, latestAnniversary, qualifyingWindowStart, tierById, tierForPoints } from '../../../shared/loyalty/tiers.ts';
import { demoProgram } from '../../fixtures/program.ts';
import { at } from './builders.ts';

const enrolledAt = at('2024-01-10T12:00');
const evaluate = (currentTier: string, qualifying: number, now: number, lastReviewAt: number | null = null, enrolled = enrolledAt) =>
  evaluateTier({ program: demoProgram, currentTier, qualifying, enrolledAt: enrolled, lastReviewAt, now });

describe('tier lookup', () => {
  it('the highest level whose threshold is reached', () => {
    expect(tierForPoints(demoProgram, 0).id).toBe('bronze');
    expect(tierForPoints(demoProgram, 499).id).toBe('bronze');
    expect(tierForPoints(demoProgram, 500).id).toBe('silver');
    expect(tierForPoints(demoProgram, 1999).id).toBe('silver');
    expect(tierForPoints(demoProgram, 2000).id).toBe('gold');
    expect(tierForPoints(demoProgram, 1_000_000).id).toBe('platinum');
    expect(tierForPoints(demoProgram, -50).id).toBe('bronze');
  });

  it('by id, undefined when unknown', () => {
    expect(tierById(demoProgram, 'gold')?.multiplier).toBe(1.5);
    expect(tierById(demoProgram, 'diamond')).toBeUndefined();
  });

  it('the qualifying window is 12 calendar months back', () => {
    expect(qualifyingWindowStart(at('2025-03-31T10:00'), demoProgram)).toBe(at('2024-03-31T10:00'));
    expect(qualifyingWindowStart(at('2024-02-29T10:00'), demoProgram)).toBe(at('2023-02-28T10:00'));
  });
});

describe('evaluateTier', () => {
  it('upgrades at once when qualifying points reach a higher tier', () => {
    expect(evaluate('bronze', 600, at('2024-03-01T09:00'))).toEqual({ tier: 'silver', reviewedAt: null, change: 'upgrade' });
    expect(evaluate('silver', 5000, at('2024-03-01T09:00'))).toEqual({ tier: 'platinum', reviewedAt: null, change: 'upgrade' });
  });

  it('keeps the tier when points stay in it', () => {
    expect(evaluate('silver', 700, at('2024-06-01T09:00'))).toEqual({ tier: 'silver', reviewedAt: null, change: 'none' });
  });

  it('does not downgrade before the anniversary of enrolment', () => {
    expect(evaluate('gold', 100, at('2025-01-10T11:59'))).toEqual({ tier: 'gold', reviewedAt: null, change: 'none' });
  });

  it('downgrades at the anniversary to the tier the points hold, and records that anniversary', () => {
    expect(evaluate('gold', 100, at('2025-01-10T12:00'))).toEqual({
      tier: 'bronze',
      reviewedAt: at('2025-01-10T12:00'),
      change: 'downgrade',
    });
    expect(evaluate('gold', 800, at('2025-02-01T00:00'))).toEqual({
      tier: 'silver',
      reviewedAt: at('2025-01-10T12:00'),
      change: 'downgrade',
    });
  });

  it('an anniversary review can also keep or raise the tier', () => {
    expect(evaluate('gold', 2500, at('2025-01-10T12:00'))).toEqual({ tier: 'gold', reviewedAt: at('2025-01-10T12:00'), change: 'none' });
    expect(evaluate('silver', 2500, at('2025-01-10T12:00'))).toEqual({
      tier: 'gold',
      reviewedAt: at('2025-01-10T12:00'),
      change: 'upgrade',
    });
  });

  it('reviews an anniversary only once', () => {
    const reviewed = at('2025-01-10T12:00');
    expect(evaluate('gold', 100, at('2025-06-01T00:00'), reviewed)).toEqual({ tier: 'gold', reviewedAt: reviewed, change: 'none' });
  });

  it('after missed years reviews at the latest anniversary', () => {
    expect(evaluate('platinum', 600, at('2027-03-01T00:00'), at('2025-01-10T12:00'))).toEqual({
      tier: 'silver',
      reviewedAt: at('2027-01-10T12:00'),
      change: 'downgrade',
    });
  });

  it('a Feb 29 enrolment has its anniversary on Feb 28, and on Feb 29 in leap years', () => {
    const leap = at('2024-02-29T10:00');
    expect(evaluate('gold', 0, at('2025-02-28T09:59'), null, leap).change).toBe('none');
    expect(evaluate('gold', 0, at('2025-02-28T10:00'), null, leap)).toEqual({
      tier: 'bronze',
      reviewedAt: at('2025-02-28T10:00'),
      change: 'downgrade',
    });
    expect(latestAnniversary(leap, at('2028-03-01T00:00'))).toBe(at('2028-02-29T10:00'));
    expect(latestAnniversary(leap, at('2028-02-29T09:59'))).toBe(at('2027-02-28T10:00'));
  });

  it('there is no anniversary in the first year', () => {
    expect(latestAnniversary(enrolledAt, at('2025-01-10T11:59'))).toBeNull();
  });

  it('an unknown current tier counts as the lowest', () => {
    expect(evaluate('legacy', 0, at('2024-03-01T09:00'))).toEqual({ tier: 'bronze', reviewedAt: null, change: 'none' });
    expect(evaluate('legacy', 600, at('2024-03-01T09:00'))).toEqual({ tier: 'silver', reviewedAt: null, change: 'upgrade' });
  });
});
