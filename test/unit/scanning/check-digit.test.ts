import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, hasValidCheckDigit, luhnCheckDigit } from '../../../main/backend/scanning/check-digit.ts';

describe('GS1 mod-10 check digit', () => {
  it.each([
    ['400638133393', 1], // EAN-13 4006381333931
    ['9638507', 4], // EAN-8 96385074
    ['03600029145', 2], // UPC-A 036000291452
    ['04210000526', 4], // UPC-A expansion of UPC-E 04252614
    ['0950600013435', 2], // GTIN-14 09506000134352
    ['00000000000', 0], // all zeros
    ['00000000001', 7],
  ])('%s → %i', (body, digit) => {
    expect(gs1CheckDigit(body)).toBe(digit);
    expect(hasValidCheckDigit(body + digit, 'gs1')).toBe(true);
  });
});

describe('Luhn check digit', () => {
  it.each([
    ['7992739871', 3], // the classic 79927398713
    ['411111111111111', 1], // 4111 1111 1111 1111
    ['290012345678901', 2],
    ['0', 0],
    ['9', 1], // 9 doubled = 18 → 9, so 9 + 1 = 10
  ])('%s → %i', (body, digit) => {
    expect(luhnCheckDigit(body)).toBe(digit);
    expect(hasValidCheckDigit(body + digit, 'luhn')).toBe(true);
  });

  it('refuses non-digits, a single digit and an empty string', () => {
    expect(hasValidCheckDigit('7992739871x', 'luhn')).toBe(false);
    expect(hasValidCheckDigit('0', 'luhn')).toBe(false);
    expect(hasValidCheckDigit('', 'gs1')).toBe(false);
  });
});

describe('both schemes catch every single-digit error', () => {
  for (const scheme of ['gs1', 'luhn'] as const) {
    it(scheme, () => {
      fc.assert(
        fc.property(fc.stringMatching(/^\d{1,20}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, where, delta) => {
          const digit = scheme === 'gs1' ? gs1CheckDigit(body) : luhnCheckDigit(body);
          const valid = body + digit;
          const at = where % valid.length;
          const changed = valid.slice(0, at) + ((Number(valid[at]) + delta) % 10) + valid.slice(at + 1);
          expect(hasValidCheckDigit(valid, scheme)).toBe(true);
          expect(hasValidCheckDigit(changed, scheme)).toBe(false);
        }),
        { numRuns: 500 },
      );
    });
  }
});
