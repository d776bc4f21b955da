import type { Output } from '../../../shared/api.ts';
import { formatCalendarDate } from '../../i18n/format.ts';

export type DayReport = Output<'report.endOfDay'>;

/**
 * How a spreadsheet in the store's locale reads CSV: where the decimal mark is a comma (German,
 * French, …), Excel splits fields at ";" (the system's list separator), else at ",".
 */
export interface CsvDialect {
  separator: ',' | ';';
  decimal: '.' | ',';
}

export function csvDialect(locale: string): CsvDialect {
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value === ',' ? ',' : '.';
  return decimal === ',' ? { separator: ';', decimal: ',' } : { separator: ',', decimal: '.' };
}

/** A byte order mark, so Excel reads the file as UTF-8 (umlauts, €) rather than the system's code page. */
export const UTF8_BOM = '\uFEFF';

/** One CSV field, RFC 4180: quoted when it holds the separator, a quote or a line break; quotes doubled. */
export function csvField(value: string | number, separator: string = ','): string {
  const text = String(value);
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of fields as RFC 4180 text: CRLF after every record. */
export function csvText(rows: readonly (readonly (string | number)[])[], separator: string = ','): string {
  return rows.map((row) => row.map((f) => csvField(f, separator)).join(separator) + '\r\n').join('');
}

/** Integer minor units as a plain decimal amount ("1234.50", "-0.05"; "1234" for a currency without minor units). */
export function decimalAmount(minor: number, minorPerMajor: number, decimal: '.' | ',' = '.'): string {
  const digits = Math.round(Math.log10(minorPerMajor));
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const major = Math.floor(abs / minorPerMajor);
  if (digits === 0) return `${sign}${major}`;
  return `${sign}${major}${decimal}${String(abs % minorPerMajor).padStart(digits, '0')}`;
}

/**
 * The day report as a spreadsheet for the store's locale: a UTF-8 BOM, one header row with stable
 * column names (for the office's imports), one row of figures; the locale's list separator and
 * decimal mark ("1234,56" in a German store, split at ";"), the date as the store writes it.
 */
export function dayReportCsv(report: DayReport, minorPerMajor: number, locale: string): string {
  const { separator, decimal } = csvDialect(locale);
  const money = (minor: number) => decimalAmount(minor, minorPerMajor, decimal);
  const columns: [string, string | number][] = [
    ['date', formatCalendarDate(report.date, locale)],
    ['time_zone', report.timeZone],
    ['currency', report.currency],
    ['sales', report.sales],
    ['sales_with_member', report.salesWithMember],
    ['voided', report.voided],
    ['revenue', money(report.revenueMinor)],
    ['points_discount', money(report.discountMinor)],
    ['refunds', money(report.refundsMinor)],
    ['points_issued', report.pointsIssued],
    ['points_redeemed', report.pointsRedeemed],
    ['points_reversed', report.pointsReversed],
    ['points_restored', report.pointsRestored],
    ['enrolments', report.enrolments],
    ['redemption_rate', report.redemptionRate.toFixed(4).replace('.', decimal)],
    ['adjustments', report.adjustments],
    ['adjustment_points', report.adjustmentPoints],
  ];
  return UTF8_BOM + csvText([columns.map(([name]) => name), columns.map(([, value]) => value)], separator);
}

export function dayReportFileName(date: string): string {
  return `day-report-${date}.csv`;
}

/** The calendar date (YYYY-MM-DD) at `ms` in a time zone: "today" is the store's, not the browser's. */
export function localDateIn(timeZone: string, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
