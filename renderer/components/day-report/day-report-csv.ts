import type { Output } from '../../../shared/api.ts';

export type DayReport = Output<'report.endOfDay'>;

/** One CSV field, RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of fields as RFC 4180 text: CRLF after every record. */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/** Integer minor units as a plain decimal amount ("1234.50", "-0.05"; "1234" for a currency without minor units). */
export function decimalAmount(minor: number, minorPerMajor: number): string {
  const digits = Math.round(Math.log10(minorPerMajor));
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const major = Math.floor(abs / minorPerMajor);
  if (digits === 0) return `${sign}${major}`;
  return `${sign}${major}.${String(abs % minorPerMajor).padStart(digits, '0')}`;
}

/** The day report as a spreadsheet: one header row with stable English column names, one row of figures. */
export function dayReportCsv(report: DayReport, minorPerMajor: number): string {
  const money = (minor: number) => decimalAmount(minor, minorPerMajor);
  const columns: [string, string | number][] = [
    ['date', report.date],
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
    ['redemption_rate', Number(report.redemptionRate.toFixed(4))],
    ['adjustments', report.adjustments],
    ['adjustment_points', report.adjustmentPoints],
  ];
  return csvText([columns.map(([name]) => name), columns.map(([, value]) => value)]);
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
