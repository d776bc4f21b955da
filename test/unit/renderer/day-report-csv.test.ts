import { describe, expect, it } from 'vitest';
import {
  csvDialect,
  csvField,
  csvText,
  dayReportCsv,
  dayReportFileName,
  decimalAmount,
  localDateIn,
  type DayReport,
} from '../../../renderer/components/day-report/day-report-csv.ts';

const report: DayReport = {
  date: '2026-03-14',
  timeZone: 'Europe/Berlin',
  currency: 'EUR',
  sales: 12,
  salesWithMember: 8,
  voided: 1,
  revenueMinor: 123456,
  discountMinor: 505,
  refundsMinor: -5,
  pointsIssued: 1200,
  pointsRedeemed: 500,
  pointsReversed: 20,
  pointsRestored: 0,
  enrolments: 2,
  redemptionRate: 1 / 3,
  adjustments: 1,
  adjustmentPoints: -50,
};

describe('CSV (RFC 4180)', () => {
  it('quotes only fields that need it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(12)).toBe('12');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('ends every record with CRLF', () => {
    expect(
      csvText([
        ['a', 'b'],
        [1, 'x,y'],
      ]),
    ).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('writes money as decimal amounts in the currency’s digits', () => {
    expect(decimalAmount(123456, 100)).toBe('1234.56');
    expect(decimalAmount(5, 100)).toBe('0.05');
    expect(decimalAmount(-5, 100)).toBe('-0.05');
    expect(decimalAmount(0, 100)).toBe('0.00');
    expect(decimalAmount(1500, 1)).toBe('1500');
    expect(decimalAmount(12345, 1000)).toBe('12.345');
  });

  it('is a header row and one row of figures (an English store: commas, decimal points)', () => {
    const text = dayReportCsv(report, 100, 'en-GB');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = text.slice(1).split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toBe('');
    const header = rows[0]!.split(',');
    const values = rows[1]!.split(',');
    expect(header).toHaveLength(values.length);
    const byName = Object.fromEntries(header.map((h, i) => [h, values[i]]));
    expect(byName).toMatchObject({
      date: '14/03/2026',
      time_zone: 'Europe/Berlin',
      currency: 'EUR',
      sales: '12',
      revenue: '1234.56',
      points_discount: '5.05',
      refunds: '-0.05',
      redemption_rate: '0.3333',
      adjustment_points: '-50',
    });
    expect(dayReportFileName(report.date)).toBe('day-report-2026-03-14.csv');
  });

  it('opens in German Excel: a BOM, split at semicolons, decimal commas, the date as Germans write it', () => {
    expect(csvDialect('de-DE')).toEqual({ separator: ';', decimal: ',' });
    expect(csvDialect('en-US')).toEqual({ separator: ',', decimal: '.' });
    const text = dayReportCsv({ ...report, timeZone: 'Europe/Berlin' }, 100, 'de-DE');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, values] = text.slice(1).split('\r\n');
    expect(header).not.toContain(',');
    const names = header!.split(';');
    const figures = values!.split(';');
    expect(figures).toHaveLength(names.length);
    expect(Object.fromEntries(names.map((h, i) => [h, figures[i]]))).toMatchObject({
      date: '14.03.2026',
      revenue: '1234,56',
      points_discount: '5,05',
      refunds: '-0,05',
      redemption_rate: '0,3333',
      adjustment_points: '-50',
    });
  });

  it('quotes a field holding the separator of its dialect', () => {
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('1,5', ';')).toBe('1,5');
    expect(csvText([['x;y', 1]], ';')).toBe('"x;y";1\r\n');
  });
});

describe('localDateIn', () => {
  it('gives the store’s calendar date, not UTC’s', () => {
    const lateEvening = Date.UTC(2026, 2, 14, 23, 30); // 00:30 on the 15th in Berlin, 19:30 on the 14th in New York
    expect(localDateIn('Europe/Berlin', lateEvening)).toBe('2026-03-15');
    expect(localDateIn('America/New_York', lateEvening)).toBe('2026-03-14');
    expect(localDateIn('UTC', lateEvening)).toBe('2026-03-14');
  });
});
