import { describe, expect, it } from 'vitest';
import { MAX_SCAN_LENGTH, parseScan, type ParseScanContext } from '../../../main/backend/scanning/parse-scan.ts';
import type { ScanEvent } from '../../../shared/scan.ts';
import { CARD, CARD_RANGES, DAY, ISSUED, keyring, makeKey, MEMBER_ID, NOW, tokenFor } from '../../fixtures/member-tokens.ts';

const server = makeKey(3);
const ctx: ParseScanContext = { keys: keyring(server), now: NOW, cardRanges: CARD_RANGES };
const scan = (text: string, extra: Partial<ScanEvent> = {}) => parseScan({ source: 'serial', text, at: NOW, ...extra }, ctx);
const GS = '\x1d';

describe('parseScan: member tokens', () => {
  it('a genuine token becomes the member', () => {
    expect(scan(tokenFor(server), { symbology: ']Q1' })).toEqual({
      kind: 'member-token',
      memberId: MEMBER_ID,
      cardNumber: CARD,
      keyId: 3,
      tokenId: 'a1b2c3d4e5f6',
      issuedAt: ISSUED,
      expiresAt: ISSUED + 30 * DAY,
    });
  });

  it('with the AIM prefix still in the text and the wedge Enter at the end', () => {
    expect(scan(`]Q1${tokenFor(server)}\r\n`, { source: 'wedge' })).toMatchObject({ kind: 'member-token', memberId: MEMBER_ID });
  });

  it('a refused token gives the cashier plain words and the log a line without personal data', () => {
    const result = scan(tokenFor(server, { expiresAt: ISSUED + 1000 }));
    expect(result).toMatchObject({
      kind: 'rejected',
      code: 'BAD_TOKEN',
      detail: 'expired',
      log: { code: 'BAD_TOKEN', tokenReason: 'expired', keyId: 3, tokenId: 'a1b2c3d4e5f6', source: 'serial' },
    });
    const line = JSON.stringify(result);
    expect(line).not.toContain(MEMBER_ID);
    expect(line).not.toContain(CARD);
  });

  it.each([
    ['forged', () => tokenFor(makeKey(3)), 'bad-signature'],
    ['unknown key', () => tokenFor(makeKey(4)), 'unknown-key'],
    ['truncated', () => tokenFor(server).slice(0, 100), 'truncated'],
    ['revoked', () => tokenFor(server), 'revoked'],
    ['unknown version', () => 'LT2.' + tokenFor(server).slice(4), 'unknown-version'],
  ] as const)('%s token → BAD_TOKEN', (_name, make, reason) => {
    const result = parseScan({ source: 'camera', text: make(), at: NOW }, { ...ctx, isRevoked: () => reason === 'revoked' });
    expect(result).toMatchObject({ kind: 'rejected', code: 'BAD_TOKEN', log: { tokenReason: reason } });
  });

  it('a revocation callback that throws still gets a typed answer', () => {
    const result = parseScan(
      { source: 'serial', text: tokenFor(server), at: NOW },
      {
        ...ctx,
        isRevoked: () => {
          throw new Error('db closed');
        },
      },
    );
    expect(result).toMatchObject({ kind: 'rejected', code: 'GARBAGE', log: { stage: 'internal', error: 'Error' } });
  });
});

describe('parseScan: cards', () => {
  it('a Luhn card in range', () => {
    expect(scan(CARD)).toEqual({ kind: 'card', cardNumber: CARD });
  });

  it('an EAN-13 style card in range wins over the product reading of the same digits', () => {
    expect(scan('2950000000013', { symbology: ']E0' })).toEqual({ kind: 'card', cardNumber: '2950000000013' });
  });

  it('a bad check digit is refused before any lookup, without echoing the number', () => {
    const result = scan('2900123456789013');
    expect(result).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT', log: { looksLike: 'card', cardReason: 'bad-check-digit' } });
    expect(JSON.stringify(result)).not.toContain('2900123456789013');
  });

  it('a card prefix with the wrong length', () => {
    expect(scan('29001234567')).toMatchObject({ kind: 'rejected', code: 'BAD_CARD_NUMBER', log: { cardReason: 'wrong-length' } });
  });

  it('with no ranges configured, card-like digits are not cards', () => {
    const none = parseScan({ source: 'serial', text: CARD, at: NOW }, { ...ctx, cardRanges: [] });
    expect(none).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_FORMAT' });
  });
});

describe('parseScan: products', () => {
  it.each([
    ['4006381333931', undefined, 'ean-13', '04006381333931', '4006381333931'],
    ['96385074', ']E4', 'ean-8', '00000096385074', '96385074'],
    ['96385074', undefined, 'ean-8', '00000096385074', '96385074'],
    ['036000291452', ']E0', 'upc-a', '00036000291452', '036000291452'],
    ['04252614', ']E0', 'upc-e', '00042100005264', '042100005264'],
    ['04252614', undefined, 'upc-e', '00042100005264', '042100005264'],
    ['10614141000415', undefined, 'gtin-14', '10614141000415', '10614141000415'],
  ])('%s (%s) → %s', (text, symbology, format, gtin, first) => {
    const result = scan(text, symbology === undefined ? {} : { symbology });
    expect(result).toMatchObject({ kind: 'product', format, gtin });
    if (result.kind === 'product') expect(result.barcodes[0]).toBe(first);
  });

  it('bad product check digits', () => {
    expect(scan('4006381333932')).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT', log: { looksLike: 'product' } });
    expect(scan('04252615')).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT' });
  });

  it('GS1-128 with AIM ]C1 and FNC1 as GS', () => {
    expect(scan(`]C1010950600013435217251231${GS}10LOT7${GS}21SN1`)).toEqual({
      kind: 'product',
      format: 'gs1',
      gtin: '09506000134352',
      barcodes: ['9506000134352', '09506000134352'],
      ai: { '01': '09506000134352', '17': '251231', '10': 'LOT7', '21': 'SN1' },
    });
  });

  it.each([']e0', ']Q3', ']d2'])('GS1 data from %s (symbology in the event)', (symbology) => {
    expect(scan('0109506000134352310300075010B', { symbology })).toMatchObject({ kind: 'product', ai: { '3103': '000750', '10': 'B' } });
  });

  it('GS1 element string with a leading FNC1 and no AIM prefix', () => {
    expect(scan(`${GS}010950600013435217251231`)).toMatchObject({ kind: 'product', gtin: '09506000134352' });
  });

  it('GS1 digits with no separator and no hint (16+ digits starting 01)', () => {
    expect(scan('010950600013435217251231')).toMatchObject({ kind: 'product', format: 'gs1', ai: { '17': '251231' } });
  });

  it('the (AI) human-readable form', () => {
    expect(scan('(01)00000096385074(10)X')).toMatchObject({ kind: 'product', barcodes: expect.arrayContaining(['96385074']) });
  });

  it('a GS1 string without a GTIN is not a product; a bad one is refused', () => {
    expect(scan(']C100106141411234567897')).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_FORMAT', log: { ais: '00' } });
    expect(scan(']C10109506000134353')).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT', log: { looksLike: 'gs1' } });
    expect(scan(']C1XYZ')).toMatchObject({
      kind: 'rejected',
      code: 'BAD_PRODUCT_CODE',
      detail: expect.stringContaining('unknown application identifier'),
    });
  });
});

describe('parseScan: garbage', () => {
  it('empty and whitespace-only', () => {
    expect(scan('')).toMatchObject({ kind: 'rejected', code: 'EMPTY' });
    expect(scan(' \r\n')).toMatchObject({ kind: 'rejected', code: 'EMPTY' });
    expect(scan(']Q1')).toMatchObject({ kind: 'rejected', code: 'EMPTY' });
  });

  it('over the cap is TOO_LONG without looking further', () => {
    expect(scan('1'.repeat(MAX_SCAN_LENGTH + 1))).toMatchObject({
      kind: 'rejected',
      code: 'TOO_LONG',
      log: { length: MAX_SCAN_LENGTH + 1 },
    });
  });

  it('control characters, invalid UTF-8 (U+FFFD) and other non-ASCII are garbage', () => {
    expect(scan('4006\u0000381333931')).toMatchObject({
      kind: 'rejected',
      code: 'GARBAGE',
      log: { position: 4 },
      detail: 'unexpected character U+0000 at 4',
    });
    expect(scan('40063813\uFFFD33931')).toMatchObject({ kind: 'rejected', code: 'GARBAGE' });
    expect(scan('café')).toMatchObject({ kind: 'rejected', code: 'GARBAGE' });
  });

  it('text of no known shape', () => {
    expect(scan('https://example.com/x')).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_FORMAT' });
    expect(scan('12345')).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_FORMAT' });
    expect(scan('CARD-000001')).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_FORMAT' });
  });

  it('an event with a non-string text (a bug upstream) is garbage, not a crash', () => {
    const broken = { source: 'serial', text: 42, at: NOW } as unknown as ScanEvent;
    expect(parseScan(broken, ctx)).toMatchObject({ kind: 'rejected', code: 'GARBAGE' });
  });

  it('a malformed symbology field is ignored', () => {
    expect(scan('4006381333931', { symbology: 'nonsense' })).toMatchObject({ kind: 'product', format: 'ean-13' });
  });
});
