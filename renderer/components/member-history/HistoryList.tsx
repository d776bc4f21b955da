import type { Output } from '../../../shared/api.ts';
import { formatDateTime, formatMoney, formatPoints } from '../../i18n/format.ts';
import { useI18n, type MessageKey } from '../../i18n/i18n.tsx';
import { ledgerReasonText } from '../../i18n/program-labels.ts';
import { useProgramText } from '../../i18n/use-program-text.tsx';
import { canRefund, type HistorySale } from './refund-selection.ts';

export type LedgerEntry = Output<'member.history'>['ledger'][number];

const LEDGER_LABELS: Record<LedgerEntry['kind'], MessageKey> = {
  earn: 'ledger.earn',
  redeem: 'ledger.redeem',
  bonus: 'ledger.bonus',
  reverse: 'ledger.reverse',
  adjust: 'ledger.adjust',
  expire: 'ledger.expire',
  sync: 'ledger.sync',
};

function useSignedPoints() {
  const { format } = useI18n();
  return (points: number) =>
    points > 0 ? `+${formatPoints(points, format)}` : points < 0 ? `−${formatPoints(-points, format)}` : formatPoints(0, format);
}

/** A member's past sales, newest first, each with its lines and why it earned what it did. */
export function SalesHistory({ sales, onRefund }: { sales: readonly HistorySale[]; onRefund: ((sale: HistorySale) => void) | null }) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const signed = useSignedPoints();
  if (sales.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <ol className="history-sales">
      {sales.map((sale) => (
        <li key={sale.id}>
          <article
            className="history-sale"
            data-sale-id={sale.id}
            data-status={sale.status}
            data-other-till={sale.atOtherTill ? 'true' : undefined}
            aria-label={formatDateTime(sale.createdAt, format)}
          >
            <header className="history-sale-head">
              <time dateTime={new Date(sale.createdAt).toISOString()}>{formatDateTime(sale.createdAt, format)}</time>
              <span className="history-sale-total">{formatMoney(sale.paidMinor, format)}</span>
              {sale.status === 'voided' && <span className="badge badge-bad">✗ {t('history.voided')}</span>}
              {sale.atOtherTill && <span className="badge history-other-till">{t('history.otherTill')}</span>}
              <span className="history-sale-points">
                {sale.pointsEarned !== 0 && <span>{t('history.earned', { points: signed(sale.pointsEarned) })}</span>}
                {sale.pointsRedeemed !== 0 && <span>{t('history.used', { points: formatPoints(sale.pointsRedeemed, format) })}</span>}
              </span>
              {onRefund && canRefund(sale) && (
                <button type="button" className="history-refund" onClick={() => onRefund(sale)}>
                  {t('history.refundOpen')}
                </button>
              )}
            </header>
            <table className="history-lines">
              <thead>
                <tr>
                  <th scope="col">{t('history.item')}</th>
                  <th scope="col">{t('history.qty')}</th>
                  <th scope="col">{t('history.paid')}</th>
                  <th scope="col">{t('history.linePoints')}</th>
                </tr>
              </thead>
              <tbody>
                {sale.lines.map((line) => (
                  <tr key={line.lineNo}>
                    <th scope="row">{line.description}</th>
                    <td>
                      {line.quantity}
                      {line.refundedQuantity > 0 && (
                        <span className="badge"> ↩ {t('history.alreadyRefunded', { count: line.refundedQuantity })}</span>
                      )}
                    </td>
                    <td>{formatMoney(line.paidMinor, format)}</td>
                    <td>{signed(line.earnPoints - line.redeemedPoints)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {sale.pointsExpiredNotReversed > 0 && (
              <p className="history-expired-kept muted">
                {t('history.expiredKept', { points: formatPoints(sale.pointsExpiredNotReversed, format) })}
              </p>
            )}
            {sale.explanation.length > 0 && (
              <ul className="history-explanation" aria-label={t('history.why')}>
                {sale.explanation.map((e, i) => {
                  const { label, detail } = words.explanation(e);
                  return (
                    <li key={`${e.rule}-${i}`}>
                      {label}: {signed(e.points)}
                      {detail && <span className="muted"> ({detail})</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </article>
        </li>
      ))}
    </ol>
  );
}

/** Every points movement, newest first, with its kind and reason. */
export function LedgerHistory({ entries }: { entries: readonly LedgerEntry[] }) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const signed = useSignedPoints();
  if (entries.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <table className="history-ledger">
      <thead>
        <tr>
          <th scope="col">{t('history.when')}</th>
          <th scope="col">{t('history.kind')}</th>
          <th scope="col">{t('history.points')}</th>
          <th scope="col">{t('history.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-kind={e.kind}>
            <td>{formatDateTime(e.createdAt, format)}</td>
            <td>{t(LEDGER_LABELS[e.kind])}</td>
            <td className="num">{signed(e.points)}</td>
            <td>{ledgerReasonText(e.reason, i18n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
