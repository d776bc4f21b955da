import { describe, expect, test } from 'vitest';
import { formatMoney, parseMoney, timeZoneName } from '../../../renderer/i18n/format.ts';

const eur = { locale: 'de-DE', currency: 'EUR', timeZone: 'Europe/Berlin' };
const gbp = { locale: 'en-GB', currency: 'GBP', timeZone: 'Europe/London' };
const jpy = { locale: 'ja-JP', currency: 'JPY', timeZone: 'Asia/Tokyo' };

describe('amounts a cashier types', () => {
  test.each([
    ['12,50', 1250],
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    ['0,99', 99],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['1 234,56', 123456],
    ['1.234', 123400],
    [' 7 ', 700],
  ])('%s is %i cents', (text, minor) => expect(parseMoney(text, eur)).toBe(minor));

  test.each(['', 'abc', '12a', '1,2,3', '12,345,6', '-5', '1e3', '12..5', '٣'])('%j is not an amount', (text) =>
    expect(parseMoney(text, eur)).toBeNull(),
  );

  test('a currency without minor units takes whole amounts', () => {
    expect(parseMoney('1500', jpy)).toBe(1500);
    expect(parseMoney('1,500', jpy)).toBe(1500);
  });
});

describe('money on screen', () => {
  test('in the store’s locale and currency, from minor units', () => {
    expect(formatMoney(123456, eur)).toMatch(/^1\.234,56\s€$/);
    expect(formatMoney(123456, gbp)).toBe('£1,234.56');
    expect(formatMoney(1500, jpy)).toMatch(/1,500/);
  });
});

describe('a time zone for people', () => {
  test('named in the screen’s language, not by its IANA id; an unknown id stays as it is', () => {
    expect(timeZoneName('Europe/Berlin', 'de')).toBe('Mitteleuropäische Zeit');
    expect(timeZoneName('Europe/Berlin', 'en')).toBe('Central European Time');
    expect(timeZoneName('Mars/Olympus', 'de')).toBe('Mars/Olympus');
  });
});
