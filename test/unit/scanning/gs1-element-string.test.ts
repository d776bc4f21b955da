import { describe, expect, it } from 'vitest';
import { GS, parseElementString, parseHumanReadable } from '../../../main/backend/scanning/gs1-element-string.ts';

describe('GS1 element strings as scanners send them', () => {
  it('fixed-length AIs need no separator: GTIN, expiry, then a variable batch last', () => {
    expect(parseElementString('01095060001343521725123110ABC123')).toEqual({
      ok: true,
      ai: { '01': '09506000134352', '17': '251231', '10': 'ABC123' },
    });
  });

  it('a variable-length value ends at GS (FNC1)', () => {
    expect(parseElementString(`010950600013435210LOT7${GS}21SN-0001${GS}17251231`)).toEqual({
      ok: true,
      ai: { '01': '09506000134352', '10': 'LOT7', '21': 'SN-0001', '17': '251231' },
    });
  });

  it('a leading FNC1, a trailing GS and a GS after a fixed field are tolerated', () => {
    expect(parseElementString(`${GS}0109506000134352${GS}17251231${GS}`)).toEqual({
      ok: true,
      ai: { '01': '09506000134352', '17': '251231' },
    });
  });

  it('weights and measures (31nn–36nn) are read generically with their decimal indicator', () => {
    expect(parseElementString('010950600013435231030007503922199')).toEqual({
      ok: true,
      ai: { '01': '09506000134352', '3103': '000750', '3922': '199' },
    });
  });

  it('SSCC, GLN, count and company-internal AIs', () => {
    expect(parseElementString(`00106141411234567897${GS}3712${GS}4140614141000418${GS}91INTERNAL`)).toEqual({
      ok: true,
      ai: { '00': '106141411234567897', '37': '12', '414': '0614141000418', '91': 'INTERNAL' },
    });
  });

  it('7003 and 8005 are known four-digit AIs; other 70xx/80xx are not', () => {
    expect(parseElementString('010950600013435270032512311200')).toMatchObject({ ok: true, ai: { '7003': '2512311200' } });
    expect(parseElementString('01095060001343528005000199')).toMatchObject({ ok: true, ai: { '8005': '000199' } });
    expect(parseElementString('01095060001343527001ABC')).toMatchObject({ ok: false, reason: 'unknown-ai' });
  });

  it('refuses a bad GTIN check digit, an impossible date, a cut value and an over-long batch', () => {
    expect(parseElementString('0109506000134353')).toMatchObject({ ok: false, reason: 'bad-check-digit' });
    expect(parseElementString('010950600013435217251331')).toMatchObject({ ok: false, reason: 'bad-date' });
    expect(parseElementString('01095060001343')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseElementString(`0109506000134352` + `10${'X'.repeat(21)}`)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseElementString(`0109506000134352${GS}${GS}10A`)).toMatchObject({ ok: false, reason: 'unknown-ai' });
  });

  it('day 00 in a date means end of month and is accepted', () => {
    expect(parseElementString('010950600013435217251200')).toMatchObject({ ok: true });
  });

  it('an AI repeated with another value is refused; with the same value it is harmless', () => {
    expect(parseElementString(`0109506000134352${GS}0109506000134352`)).toMatchObject({ ok: true });
    expect(parseElementString(`10A${GS}10B`)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('numeric AIs refuse letters; text AIs refuse spaces and control characters', () => {
    expect(parseElementString('3103ABCDEF')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseElementString('10LOT 7')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('empty input is malformed', () => {
    expect(parseElementString('')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseElementString(GS)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('human-readable form', () => {
  it('reads (01)…(17)…(10)… with or without spaces', () => {
    const expected = { ok: true, ai: { '01': '09506000134352', '17': '251231', '10': 'ABC123' } };
    expect(parseHumanReadable('(01)09506000134352(17)251231(10)ABC123')).toEqual(expected);
    expect(parseHumanReadable('(01) 09506000134352 (17) 251231 (10) ABC123')).toEqual(expected);
  });

  it('refuses unknown AIs, wrong lengths and text outside the form', () => {
    expect(parseHumanReadable('(01)0950600013435')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseHumanReadable('(701)123')).toMatchObject({ ok: false, reason: 'unknown-ai' });
    expect(parseHumanReadable('(310)123456')).toMatchObject({ ok: false, reason: 'unknown-ai' });
    expect(parseHumanReadable('(01)')).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
