import { useCallback, useEffect, useState } from 'react';
import type { SaleResult } from '../../shared/api.ts';
import { receiptRows, type PrintOutcome, type PrinterStatus, type Receipt as ReceiptModel, type ReceiptRow } from '../../shared/receipt.ts';
import { useApi } from '../app/api-context.tsx';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';
import { errorText } from './screens-common/error-text.ts';
import './receipt.css';

/** Sales already sent to the receipt printer: a receipt shown again (a remount, a trip to another screen) is not printed twice. */
const printedSales = new Set<string>();

type PrintState = { state: 'idle' | 'printing' | 'printed' } | { state: 'failed'; reason: PrintOutcome & { ok: false } };

/**
 * What the customer takes away: the backend's receipt (shared/receipt.ts,
 * the same rows the thermal printer prints), with the sale id as a QR code
 * for refunds. With a receipt printer configured it prints by itself once and
 * can print again; without one, "Print receipt" opens the system print dialog
 * (print CSS shows only the receipt). A printer problem is said in words and
 * never touches the sale, which is already saved.
 */
export function Receipt({ receipt: sale }: { receipt: SaleResult }) {
  const { client } = useApi();
  const { t, language, format } = useI18n();
  const [model, setModel] = useState<ReceiptModel | null>(null);
  const [printer, setPrinter] = useState<PrinterStatus | null>(null);
  const [print, setPrint] = useState<PrintState>({ state: 'idle' });
  const saleId = sale.saleId;

  const printOnPrinter = useCallback(async () => {
    setPrint({ state: 'printing' });
    try {
      const outcome = await client.call('receipt.print', { saleId, language });
      setPrint(outcome.ok ? { state: 'printed' } : { state: 'failed', reason: outcome });
    } catch (e) {
      setPrint({ state: 'failed', reason: { ok: false, reason: 'failed', detail: errorText(e, t, format) } });
    }
  }, [client, saleId, language, t, format]);

  useEffect(() => {
    let live = true;
    void Promise.all([client.call('receipt.get', { saleId }), client.call('printer.status', {}).catch(() => null)]).then(
      ([r, p]) => {
        if (!live) return;
        setModel(r);
        setPrinter(p);
        if (p?.kind && !printedSales.has(saleId)) {
          printedSales.add(saleId);
          void printOnPrinter();
        }
      },
      () => {},
    );
    return () => {
      live = false;
    };
    // Not on printOnPrinter: it changes with the language, and the automatic print is once per sale whatever the language.
  }, [client, saleId]);

  const onPrinter = printer?.kind != null;
  return (
    <section className="receipt" aria-label={t('receipt.title')} data-sale-id={saleId} aria-busy={model === null}>
      <h2 className="receipt-title no-print">✓ {t('receipt.title')}</h2>
      {model === null ? (
        <p className="muted">{t('receipt.loading')}</p>
      ) : (
        <div className="receipt-paper">
          {receiptRows(model, language).map((row, i) => (
            <ReceiptLine key={i} row={row} receipt={model} qrAlt={t('receipt.saleCode')} />
          ))}
        </div>
      )}
      <p className="receipt-print-status no-print" role="status" data-print-state={print.state}>
        {print.state === 'printing' && t('receipt.printing')}
        {print.state === 'printed' && t('receipt.printed')}
        {print.state === 'failed' && t('receipt.printFailed', { reason: t(`printer.${print.reason.reason}` as MessageKey) })}
      </p>
      <button
        type="button"
        className="no-print"
        disabled={print.state === 'printing'}
        onClick={() => (onPrinter ? void printOnPrinter() : window.print())}
      >
        {onPrinter && print.state !== 'idle' ? t('receipt.reprint') : t('receipt.print')}
      </button>
    </section>
  );
}

function ReceiptLine({ row, receipt, qrAlt }: { row: ReceiptRow; receipt: ReceiptModel; qrAlt: string }) {
  switch (row.kind) {
    case 'heading':
      return <h3 className={`receipt-${row.role}`}>{row.text}</h3>;
    case 'text':
      return <p className={`receipt-${row.role}${row.align === 'center' ? ' receipt-center' : ''}`}>{row.text}</p>;
    case 'rule':
      return <hr className="receipt-rule" />;
    case 'notice':
      return (
        <p className={`receipt-${row.role} receipt-notice`} role="note">
          {row.text}
        </p>
      );
    case 'pair': {
      // The classes the rest of the app and its tests know these figures by.
      const legacy: Record<string, string> = {
        'points-used': 'receipt-redeemed',
        'points-earned': 'receipt-earned',
        'voucher-code': 'receipt-voucher',
      };
      const className = `receipt-row receipt-${row.role}${legacy[row.role] ? ` ${legacy[row.role]}` : ''}${row.emphasis ? ' receipt-emphasis' : ''}`;
      return (
        <div className={className} {...(row.role === 'balance' ? { 'data-balance': receipt.loyalty?.balanceAfter ?? '' } : {})}>
          <span>{row.left}</span>
          <span className="receipt-amount">{row.right}</span>
        </div>
      );
    }
    case 'code':
      return (
        <figure className={`receipt-${row.role}`} data-code={row.text}>
          {receipt.barcode.svg && (
            <img src={`data:image/svg+xml;utf8,${encodeURIComponent(receipt.barcode.svg)}`} alt={qrAlt} width={148} height={148} />
          )}
          <figcaption>
            <code>{row.text}</code>
            <br />
            {row.caption}
          </figcaption>
        </figure>
      );
  }
}
