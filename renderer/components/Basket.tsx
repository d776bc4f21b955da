import type { Quote } from '../../shared/api.ts';
import type { BasketLine, CheckoutAction } from '../app/checkout-state.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatMoney } from '../i18n/format.ts';

/** The basket as rung up, priced by the last preview (the backend prices; the screen never does arithmetic on money). */
export function Basket({ lines, quote, dispatch }: { lines: BasketLine[]; quote: Quote | null; dispatch(action: CheckoutAction): void }) {
  const { t, format } = useI18n();
  const money = (m: number) => formatMoney(m, format);
  if (lines.length === 0) return <p className="basket-empty">{t('basket.empty')}</p>;
  return (
    <table className="basket" aria-label={t('basket.title')}>
      <tbody>
        {lines.map((line, i) => {
          const priced = quote?.lines[i];
          const name = line.kind === 'product' ? line.name : line.category;
          return (
            <tr key={line.key} data-line={line.key}>
              <td className="basket-name">{name}</td>
              <td className="basket-qty">
                {line.kind === 'product' ? (
                  <input
                    type="number"
                    min={1}
                    max={9999}
                    value={line.quantity}
                    aria-label={`${t('basket.quantity')}: ${name}`}
                    onChange={(e) => dispatch({ type: 'quantity', key: line.key, quantity: Number(e.target.value) || 1 })}
                  />
                ) : (
                  '1'
                )}
              </td>
              <td className="basket-amount">
                {priced
                  ? money(priced.amountMinor)
                  : line.kind === 'keyed'
                    ? money(line.amountMinor)
                    : money(line.unitPriceMinor * line.quantity)}
              </td>
              <td className="basket-points">{priced && priced.earnPoints > 0 ? `+${priced.earnPoints}` : ''}</td>
              <td>
                <button
                  type="button"
                  className="icon"
                  aria-label={t('basket.remove', { name })}
                  onClick={() => dispatch({ type: 'remove', key: line.key })}
                >
                  ✕
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
      {quote && (
        <tfoot>
          <tr>
            <th scope="row">{t('basket.total')}</th>
            <td colSpan={2} className="basket-amount">
              {money(quote.totalMinor)}
            </td>
          </tr>
          {quote.discountMinor > 0 && (
            <tr>
              <th scope="row">{t('basket.discount')}</th>
              <td colSpan={2} className="basket-amount">
                −{money(quote.discountMinor)}
              </td>
            </tr>
          )}
          <tr className="basket-payable">
            <th scope="row">{t('basket.payable')}</th>
            <td colSpan={2} className="basket-amount" data-payable={quote.payableMinor}>
              {money(quote.payableMinor)}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
