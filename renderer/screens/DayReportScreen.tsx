import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useApi } from '../app/api-context.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { dayReportCsv, dayReportFileName, localDateIn, type DayReport } from '../components/day-report/day-report-csv.ts';
import { CalendarDateInput, useDatePattern } from '../components/screens-common/CalendarDateInput.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { useSlowFlag } from '../components/screens-common/use-slow-flag.ts';
import { formatMoney, formatPoints, minorPerMajor, timeZoneName } from '../i18n/format.ts';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';

/** Day report (manager): the store's day in figures, and as a CSV file for the office. */
export function DayReportScreen() {
  const { staff } = useSession();
  const { t } = useI18n();
  if (!canAct(staff, 'manager')) {
    return (
      <main className="screen day-report">
        <h1>{t('report.title')}</h1>
        <p className="error" role="alert">
          ⚠ {t('report.managerOnly')}
        </p>
      </main>
    );
  }
  return <DayReportView />;
}

function DayReportView() {
  const { client } = useApi();
  const { t, format, language } = useI18n();
  const today = useMemo(() => localDateIn(format.timeZone, Date.now()), [format.timeZone]);
  // null while the field does not hold a whole date in the store's layout.
  const [date, setDate] = useState<string | null>(today);
  const pattern = useDatePattern();
  const [report, setReport] = useState<DayReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const slow = useSlowFlag(busy);
  const id = useId();

  const load = useCallback(
    async (day: string) => {
      setBusy(true);
      try {
        setReport(await client.call('report.endOfDay', { date: day }));
        setError(null);
      } catch (e) {
        setError(errorText(e, t, format));
      } finally {
        setBusy(false);
      }
    },
    [client, t, format],
  );

  useEffect(() => {
    void load(today);
  }, [load, today]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (date !== null && date <= today) void load(date);
    else setError(t('date.invalid', { pattern }));
  };

  const exportCsv = () => {
    if (!report) return;
    const money = { ...format, currency: report.currency };
    const blob = new Blob([dayReportCsv(report, minorPerMajor(money), format.locale)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = dayReportFileName(report.date);
    document.body.append(a);
    a.click();
    a.remove();
    // Give the download a moment to take the blob before it is freed.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const money = (minor: number) => formatMoney(minor, { ...format, currency: report?.currency ?? format.currency });
  const points = (p: number) => formatPoints(p, format);
  const percent = new Intl.NumberFormat(format.locale, { style: 'percent', maximumFractionDigits: 1 });
  const figures: [MessageKey, string][] = report
    ? [
        ['report.sales', points(report.sales)],
        ['report.salesWithMember', points(report.salesWithMember)],
        ['report.voided', points(report.voided)],
        ['report.revenue', money(report.revenueMinor)],
        ['report.discount', money(report.discountMinor)],
        ['report.refunds', money(report.refundsMinor)],
        ['report.issued', points(report.pointsIssued)],
        ['report.redeemed', points(report.pointsRedeemed)],
        ['report.reversed', points(report.pointsReversed)],
        ['report.restored', points(report.pointsRestored)],
        ['report.enrolments', points(report.enrolments)],
        ['report.redemptionRate', percent.format(report.redemptionRate)],
        ['report.overrides', t('report.adjustmentsValue', { count: points(report.adjustments), points: points(report.adjustmentPoints) })],
      ]
    : [];

  return (
    <main className="screen day-report">
      <h1>{t('report.title')}</h1>
      <form className="report-form" onSubmit={submit}>
        <label htmlFor={`${id}-date`}>{t('report.date')}</label>
        <CalendarDateInput
          id={`${id}-date`}
          value={date ?? ''}
          required
          autoFocus
          aria-describedby={`${id}-date-hint`}
          aria-invalid={date === null}
          onChange={setDate}
        />
        <span id={`${id}-date-hint`} className="visually-hidden">
          {t('date.hint', { pattern })}
        </span>
        <button type="submit" disabled={busy}>
          {t('report.show')}
        </button>
        <button type="button" className="primary" onClick={exportCsv} disabled={!report || busy}>
          {t('report.export')}
        </button>
      </form>
      <div className="message-slot">
        {error && (
          <p className="error" role="alert">
            ⚠ {error}
          </p>
        )}
        {!error && slow && <p role="status">{t('common.loading')}</p>}
      </div>
      {report && (
        <section aria-labelledby={`${id}-figures`} aria-busy={busy}>
          <h2 id={`${id}-figures`}>
            {t('report.for', { date: calendarDate(report.date, format.locale), timeZone: timeZoneName(report.timeZone, language) })}
          </h2>
          <dl className="report-figures">
            {figures.map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </main>
  );
}

/** A YYYY-MM-DD calendar date in words ("Saturday, 14 March 2026"), free of any time zone shift. */
function calendarDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}
