import { describe, expect, it } from 'vitest';
import { cardRanges, programConfigSchema } from '../../../shared/program.ts';
import { demoProgram } from '../../fixtures/program.ts';

/** The demo programme as written before card ranges existed. */
const withoutCards: Record<string, unknown> = { ...demoProgram };
delete withoutCards.cards;

describe('programme config: card ranges', () => {
  it('is optional: a configuration written before card ranges still parses, with no ranges', () => {
    const parsed = programConfigSchema.parse(withoutCards);
    expect(parsed.cards).toBeUndefined();
    expect(cardRanges(parsed)).toEqual([]);
  });

  it('cards without ranges defaults ranges to []', () => {
    expect(programConfigSchema.parse({ ...withoutCards, cards: {} }).cards).toEqual({ ranges: [] });
  });

  it('accepts Luhn and mod-10 ranges', () => {
    const ranges = [
      { prefix: '2900', length: 16, checkDigit: 'luhn' },
      { prefix: '2950', length: 13, checkDigit: 'mod10' },
    ];
    expect(cardRanges(programConfigSchema.parse({ ...withoutCards, cards: { ranges } }))).toEqual(ranges);
  });

  it.each([
    [{ prefix: '29A', length: 16, checkDigit: 'luhn' }, 'non-digit prefix'],
    [{ prefix: '2900', length: 5, checkDigit: 'luhn' }, 'too short'],
    [{ prefix: '290012345678901', length: 16, checkDigit: 'luhn' }, 'no room for a serial'],
    [{ prefix: '2900', length: 16, checkDigit: 'crc' }, 'unknown scheme'],
  ])('refuses %j (%s)', (range) => {
    expect(programConfigSchema.safeParse({ ...withoutCards, cards: { ranges: [range] } }).success).toBe(false);
  });

  it('refuses overlapping ranges of the same length', () => {
    const ranges = [
      { prefix: '29', length: 16, checkDigit: 'luhn' },
      { prefix: '2900', length: 16, checkDigit: 'mod10' },
    ];
    const result = programConfigSchema.safeParse({ ...withoutCards, cards: { ranges } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/overlaps/);
    // Same prefix, different lengths: unambiguous.
    expect(programConfigSchema.safeParse({ ...withoutCards, cards: { ranges: [ranges[0], { ...ranges[0], length: 13 }] } }).success).toBe(
      true,
    );
  });
});
