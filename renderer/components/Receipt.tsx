import type { SaleResult } from '../../shared/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatMoney, formatPoints } from '../i18n/format.ts';

/** What the customer takes away, on screen and printed (print CSS shows only this). */
export function Receipt({ receipt }: { receipt: SaleResult }) {
  const { t, format } = useI18n();
  const p = (n: number) => formatPoints(n, format);
  const money = (m: number) => formatMoney(m, format);
  return (
    <section className="receipt" aria-label={t('receipt.title')} data-sale-id={receipt.saleId}>
      <h2>✓ {t('receipt.title')}</h2>
      <p className="muted">{formatDateTime(receipt.createdAt, format)}</p>
      <table>
        <tbody>
          {receipt.lines.map((l) => (
            <tr key={l.lineNo}>
              <td>{l.description}</td>
              <td>{l.quantity > 1 ? `× ${l.quantity}` : ''}</td>
              <td className="basket-amount">{money(l.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="receipt-figures">
        <dt>{t('receipt.paid')}</dt>
        <dd>{money(receipt.payableMinor)}</dd>
        <dt>{t('receipt.earned')}</dt>
        <dd className="receipt-earned">+{p(receipt.pointsAwarded)}</dd>
        {receipt.redemption && (
          <>
            <dt>{t('receipt.redeemed')}</dt>
            <dd className="receipt-redeemed">−{p(receipt.redemption.points)}</dd>
          </>
        )}
        {receipt.balanceAfter !== null && (
          <>
            <dt>{t('receipt.balance')}</dt>
            <dd className="receipt-balance" data-balance={receipt.balanceAfter}>
              {p(receipt.balanceAfter)}
            </dd>
          </>
        )}
        {receipt.voucherCode && (
          <>
            <dt>{t('receipt.voucher')}</dt>
            <dd className="receipt-voucher">{receipt.voucherCode}</dd>
          </>
        )}
      </dl>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('receipt.print')}
      </button>
    </section>
  );
}
