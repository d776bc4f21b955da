import { useId, useState, type FormEvent } from 'react';
import type { Output } from '../../../shared/api.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { useApi } from '../../app/api-context.tsx';
import { formatMoney } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { errorText, isApiError } from '../screens-common/error-text.ts';
import { HistoryDialog } from './HistoryDialog.tsx';
import {
  refundEstimateMinor,
  refundLines,
  refundable,
  selectAll,
  selectQuantity,
  type HistorySale,
  type RefundSelection,
} from './refund-selection.ts';

/** Refund chosen quantities of a past sale's lines (manager). One refund id per dialog: a retry never refunds twice. */
export function RefundDialog({
  sale,
  onDone,
  onClose,
}: {
  sale: HistorySale;
  onDone(result: Output<'sale.refund'>): void;
  onClose(): void;
}) {
  const { client } = useApi();
  const { t, format } = useI18n();
  const [refundId] = useState(() => uuidv7());
  const [selection, setSelection] = useState<RefundSelection>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const lines = refundLines(sale, selection);
  const open = sale.lines.filter((l) => refundable(l) > 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || lines.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await client.call('sale.refund', { refundId, saleId: sale.id, lines }));
    } catch (e) {
      setError(isApiError(e, 'SALE_AT_OTHER_TILL') ? t('history.refundOtherTillOffline') : errorText(e, t));
      setBusy(false);
    }
  };

  return (
    <HistoryDialog title={t('history.refundTitle')} busy={busy} onClose={onClose}>
      <form onSubmit={submit} className="refund-form">
        <table className="history-lines">
          <thead>
            <tr>
              <th scope="col">{t('history.item')}</th>
              <th scope="col">{t('history.qty')}</th>
              <th scope="col">{t('history.paid')}</th>
              <th scope="col">{t('history.refundCol')}</th>
            </tr>
          </thead>
          <tbody>
            {open.map((line, i) => (
              <tr key={line.lineNo}>
                <th scope="row">{line.description}</th>
                <td>
                  {line.quantity}
                  {line.refundedQuantity > 0 && (
                    <span className="muted"> ({t('history.alreadyRefunded', { count: line.refundedQuantity })})</span>
                  )}
                </td>
                <td>{formatMoney(line.paidMinor, format)}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`${id}-${line.lineNo}`}>
                    {t('history.refundQty', { name: line.description })}
                  </label>
                  <input
                    id={`${id}-${line.lineNo}`}
                    className="refund-qty"
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={refundable(line)}
                    step={1}
                    value={selection[line.lineNo] ?? 0}
                    autoFocus={i === 0}
                    onChange={(e) => setSelection((s) => selectQuantity(s, line, e.target.valueAsNumber))}
                  />
                  <span className="muted"> / {refundable(line)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="refund-estimate" role="status">
          {t('history.refundEstimate', { amount: formatMoney(refundEstimateMinor(sale, selection), format) })}
        </p>
        <div className="message-slot">
          {error && (
            <p className="error" role="alert">
              ⚠ {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={() => setSelection(selectAll(sale))} disabled={busy}>
            {t('history.refundAll')}
          </button>
          <button type="submit" className="primary" disabled={busy || lines.length === 0} aria-busy={busy}>
            {t('history.refund')}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </HistoryDialog>
  );
}
