import type { Quote } from '../../shared/api.ts';
import type { BasketLine } from '../app/checkout-state.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';

/**
 * The basket as rung up, priced by the last preview (the backend prices; the screen never does
 * arithmetic on money). It scrolls in its own area; the totals live in the checkout bar.
 */
export function Basket(props: {
  lines: BasketLine[];
  quote: Quote | null;
  onQuantity(line: Extract<BasketLine, { kind: 'product' }>): void;
  onRemove(line: BasketLine): void;
}) {
  const { lines, quote } = props;
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const money = (m: number) => formatMoney(m, format);
  if (lines.length === 0) return <p className="basket-empty">{t('basket.empty')}</p>;
  return (
    <table className="basket" aria-label={t('basket.title')}>
      <tbody>
        {lines.map((line, i) => {
          const priced = quote?.lines[i];
          // A keyed line is described by its category: the programme's word for it, not its id.
          const name = line.kind === 'product' ? line.name : words.category(line.category);
          return (
            <tr key={line.key} data-line={line.key}>
              <td className="basket-name">{name}</td>
              <td className="basket-qty">
                {line.kind === 'product' ? (
                  <button
                    type="button"
                    className="basket-qty-button"
                    aria-label={t('basket.quantityOf', { name, quantity: line.quantity })}
                    onClick={() => props.onQuantity(line)}
                  >
                    × {line.quantity}
                  </button>
                ) : (
                  <span className="basket-qty-fixed">× 1</span>
                )}
              </td>
              <td className="basket-amount">
                {priced
                  ? money(priced.amountMinor)
                  : line.kind === 'keyed'
                    ? money(line.amountMinor)
                    : money(line.unitPriceMinor * line.quantity)}
              </td>
              <td className="basket-points">{priced && priced.earnPoints > 0 ? `+${formatPoints(priced.earnPoints, format)}` : ''}</td>
              <td className="basket-remove">
                <button type="button" className="icon" aria-label={t('basket.remove', { name })} onClick={() => props.onRemove(line)}>
                  ✕
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
