import { describe, expect, it } from 'vitest';
import { cardRangeFor, parseCardNumber } from '../../../main/backend/scanning/card-number.ts';
import { CARD, CARD_RANGES, EAN_RANGE, LUHN_RANGE } from '../../fixtures/member-tokens.ts';

describe('parseCardNumber', () => {
  it('accepts a Luhn card in its range and returns the digits', () => {
    expect(parseCardNumber(CARD, CARD_RANGES)).toEqual({ ok: true, cardNumber: CARD, range: LUHN_RANGE });
  });

  it('accepts an EAN (mod-10) card in its range', () => {
    expect(parseCardNumber('2950000000013', CARD_RANGES)).toMatchObject({ ok: true, cardNumber: '2950000000013', range: EAN_RANGE });
  });

  it('normalises spaces and hyphens people type', () => {
    expect(parseCardNumber(' 2900 1234-5678 9012 ', CARD_RANGES)).toMatchObject({ ok: true, cardNumber: CARD });
  });

  it('refuses a bad check digit (every wrong last digit)', () => {
    for (let d = 0; d <= 9; d++) {
      const number = CARD.slice(0, -1) + d;
      const result = parseCardNumber(number, CARD_RANGES);
      if (number === CARD) expect(result.ok).toBe(true);
      else expect(result).toMatchObject({ ok: false, reason: 'bad-check-digit' });
    }
  });

  it('refuses swapped neighbouring digits (the commonest typing error)', () => {
    expect(parseCardNumber('2900123456789102', CARD_RANGES)).toMatchObject({ ok: false, reason: 'bad-check-digit' });
  });

  it('uses the check scheme of the range: a Luhn-valid number fails the mod-10 range', () => {
    // 2950000000012 is Luhn-valid but not GS1-valid.
    expect(parseCardNumber('2950000000012', [{ ...EAN_RANGE }])).toMatchObject({ ok: false, reason: 'bad-check-digit' });
    expect(parseCardNumber('2950000000012', [{ ...EAN_RANGE, checkDigit: 'luhn' }])).toMatchObject({ ok: true });
  });

  it('refuses a number outside every range, a wrong length and non-digits', () => {
    expect(parseCardNumber('4111111111111111', CARD_RANGES)).toMatchObject({ ok: false, reason: 'not-in-range' });
    expect(parseCardNumber('29001234567890', CARD_RANGES)).toMatchObject({ ok: false, reason: 'wrong-length' });
    expect(parseCardNumber('2900ABCD', CARD_RANGES)).toMatchObject({ ok: false, reason: 'not-digits' });
    expect(parseCardNumber('', CARD_RANGES)).toMatchObject({ ok: false, reason: 'not-digits' });
  });

  it('with no ranges configured every number is out of range', () => {
    expect(parseCardNumber(CARD, [])).toMatchObject({ ok: false, reason: 'not-in-range' });
  });

  it('prefers the longest matching prefix', () => {
    const ranges = [
      { prefix: '29', length: 16, checkDigit: 'mod10' as const },
      { prefix: '2900', length: 16, checkDigit: 'luhn' as const },
    ];
    expect(cardRangeFor(CARD, ranges)?.prefix).toBe('2900');
    expect(parseCardNumber(CARD, ranges)).toMatchObject({ ok: true });
  });

  it('messages never echo the number', () => {
    for (const text of [CARD.slice(0, -1) + '9', '29001234567890', '4111111111111111']) {
      const result = parseCardNumber(text, CARD_RANGES);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).not.toContain(text);
    }
  });
});
