import type { Quote, SaleResult } from '../../shared/api.ts';
import { SHORTCUTS } from '../app/checkout-shortcuts.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';

/**
 * The bar fixed at the foot of the checkout: total, points discount, to pay and the member's balance
 * after, all from the backend's latest answer (the quote, or the receipt once completed), with New
 * sale and Complete. Never scrolled away, whatever the size of the basket.
 */
export function CheckoutBar(props: {
  quote: Quote | null;
  receipt: SaleResult | null;
  hasMember: boolean;
  /** Why Complete cannot be pressed now, said beside it; null when it can (or there is simply nothing to sell). */
  blockedReason: string | null;
  canComplete: boolean;
  busy: boolean;
  /** The sale has something on it: "New sale" would discard it (and asks first). */
  dirty: boolean;
  onComplete(): void;
  onNewSale(): void;
}) {
  const { t, format } = useI18n();
  const money = (m: number) => formatMoney(m, format);
  const { quote, receipt } = props;
  const figures = receipt ?? quote;
  const balanceAfter = figures?.balanceAfter ?? null;
  return (
    <footer className="checkout-bar" aria-label={t('checkout.bar')}>
      <div className="bar-figures">
        <dl className="bar-small">
          <div>
            <dt>{t('basket.total')}</dt>
            <dd data-total={figures?.totalMinor ?? 0}>{figures ? money(figures.totalMinor) : '–'}</dd>
          </div>
          <div>
            <dt>{t('basket.discount')}</dt>
            <dd data-discount={figures?.discountMinor ?? 0}>
              {figures && figures.discountMinor > 0 ? `−${money(figures.discountMinor)}` : '–'}
            </dd>
          </div>
          {props.hasMember && (
            <div>
              <dt>{t('earn.balanceAfterLabel')}</dt>
              <dd className="bar-balance-after" data-balance-after={balanceAfter ?? ''}>
                {balanceAfter !== null ? formatPoints(balanceAfter, format) : '–'}
              </dd>
            </div>
          )}
        </dl>
        <dl className="bar-payable">
          <dt>{receipt ? t('receipt.paid') : t('basket.payable')}</dt>
          <dd data-payable={figures?.payableMinor ?? 0}>{figures ? money(figures.payableMinor) : '–'}</dd>
        </dl>
      </div>
      <p className="bar-reason" role={props.blockedReason ? 'alert' : undefined}>
        {props.blockedReason ?? ''}
      </p>
      <div className="bar-actions">
        {receipt ? (
          <button
            type="button"
            className="primary new-sale"
            autoFocus
            onClick={props.onNewSale}
            data-testid="new-sale"
            aria-keyshortcuts={SHORTCUTS.newSale}
          >
            {t('sale.newSale')} <kbd>{SHORTCUTS.newSale}</kbd>
          </button>
        ) : (
          <>
            <button
              type="button"
              className={props.dirty ? 'danger-outline new-sale' : 'new-sale'}
              onClick={props.onNewSale}
              aria-keyshortcuts={SHORTCUTS.newSale}
            >
              {props.dirty ? t('sale.clearSale') : t('sale.newSale')} <kbd>{SHORTCUTS.newSale}</kbd>
            </button>
            <button
              type="button"
              className="primary complete"
              disabled={!props.canComplete || props.busy}
              onClick={props.onComplete}
              aria-keyshortcuts={`${SHORTCUTS.complete} Enter`}
            >
              {props.busy ? t('sale.completing') : t('sale.complete')} <kbd>{SHORTCUTS.complete}</kbd>
            </button>
          </>
        )}
      </div>
    </footer>
  );
}
