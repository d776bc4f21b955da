import { describe, expect, it } from 'vitest';
import { catalogueBarcodes, expandUpcE, parseProductCode } from '../../../main/backend/scanning/product-code.ts';

describe('EAN-13, EAN-8, UPC-A, GTIN-14', () => {
  it('EAN-13 4006381333931', () => {
    expect(parseProductCode('4006381333931')).toEqual({
      ok: true,
      format: 'ean-13',
      gtin: '04006381333931',
      barcodes: ['4006381333931', '04006381333931'],
    });
  });

  it('EAN-8 96385074', () => {
    expect(parseProductCode('96385074')).toEqual({
      ok: true,
      format: 'ean-8',
      gtin: '00000096385074',
      barcodes: ['96385074', '0000096385074', '000096385074', '00000096385074'],
    });
  });

  it('UPC-A 036000291452 is looked up as printed and as its EAN-13', () => {
    const result = parseProductCode('036000291452');
    expect(result).toMatchObject({ ok: true, format: 'upc-a', gtin: '00036000291452' });
    if (result.ok) expect(result.barcodes.slice(0, 2)).toEqual(['036000291452', '0036000291452']);
  });

  it('an EAN-13 starting with 0 is also tried as its UPC-A', () => {
    const result = parseProductCode('0036000291452');
    expect(result.ok && result.barcodes).toEqual(['0036000291452', '036000291452', '00036000291452']);
  });

  it('GTIN-14 with an indicator digit is kept whole; with a zero it maps to the EAN-13', () => {
    expect(parseProductCode('10614141000415')).toMatchObject({ ok: true, format: 'gtin-14', barcodes: ['10614141000415'] });
    expect(parseProductCode('09506000134352')).toMatchObject({ ok: true, barcodes: ['09506000134352', '9506000134352'] });
  });

  it.each(['4006381333932', '4006381333930', '96385075', '036000291453', '10614141000416'])('bad check digit %s', (code) => {
    expect(parseProductCode(code)).toMatchObject({ ok: false, reason: 'bad-check-digit' });
  });

  it('all-zero codes are valid GS1 numbers (check digit 0)', () => {
    expect(parseProductCode('0000000000000')).toMatchObject({ ok: true });
  });

  it('refuses other lengths and non-digits', () => {
    expect(parseProductCode('1234567')).toMatchObject({ ok: false, reason: 'wrong-length' });
    expect(parseProductCode('400638133393A')).toMatchObject({ ok: false, reason: 'not-digits' });
  });
});

describe('UPC-E', () => {
  it('04252614 expands to UPC-A 042100005264 and is looked up under it', () => {
    expect(expandUpcE('04252614')).toBe('042100005264');
    expect(parseProductCode('04252614')).toEqual({
      ok: true,
      format: 'upc-e',
      gtin: '00042100005264',
      barcodes: ['042100005264', '0042100005264', '00042100005264', '04252614'],
    });
  });

  it.each([
    ['01234505', '012000003455'], // last digit 0: manufacturer 120, item 00345
    ['01234531', '012300000451'], // 3
    ['01234543', '012340000053'], // 4
    ['01234558', '012345000058'], // 5–9
    ['11234562', '112345000062'], // number system 1
  ])('zero suppression rule: %s → %s', (upcE, upcA) => {
    expect(expandUpcE(upcE)).toBe(upcA);
  });

  it('only number systems 0 and 1 exist', () => {
    expect(expandUpcE('24252614')).toBeNull();
    expect(parseProductCode('24252614', 'upc-e')).toMatchObject({ ok: false, reason: 'bad-check-digit' });
  });

  it('a bad UPC-E check digit is refused', () => {
    expect(parseProductCode('04252615')).toMatchObject({ ok: false, reason: 'bad-check-digit' });
  });

  it('8 digits valid as both EAN-8 and UPC-E: EAN-8 by default, both forms looked up; a hint decides', () => {
    const both = '01234565'; // EAN-8 check holds, and as UPC-E it is 012345000065, whose check holds too
    const ean8 = parseProductCode(both);
    expect(ean8).toMatchObject({ ok: true, format: 'ean-8' });
    if (ean8.ok) expect(ean8.barcodes).toContain(expandUpcE(both));
    expect(parseProductCode(both, 'upc-e')).toMatchObject({ ok: true, format: 'upc-e' });
    expect(parseProductCode(both, 'ean-8')).toMatchObject({ ok: true, format: 'ean-8' });
    expect(parseProductCode('04252614', 'ean-8')).toMatchObject({ ok: false, reason: 'bad-check-digit' });
    expect(parseProductCode('96385074', 'upc-e')).toMatchObject({ ok: false, reason: 'bad-check-digit' });
  });
});

describe('catalogueBarcodes', () => {
  it('lists the 13-, 12- and 8-digit forms leading zeros allow, then the GTIN-14', () => {
    expect(catalogueBarcodes('00000096385074')).toEqual(['0000096385074', '000096385074', '96385074', '00000096385074']);
    expect(catalogueBarcodes('04006381333931')).toEqual(['4006381333931', '04006381333931']);
    expect(catalogueBarcodes('14006381333938')).toEqual(['14006381333938']);
  });
});
