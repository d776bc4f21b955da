import { forwardRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { parseMoney } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';

/**
 * An amount keyed with a category, for goods without a barcode: typed in the field (F4 puts the
 * cursor there) or on the numeric pad. Letters or a bad amount are refused in place.
 */
export const KeyedAmountForm = forwardRef<
  HTMLInputElement,
  { categories: string[]; onAdd(category: string, amountMinor: number): void; onPad(category: string): void; shortcut: string }
>(function KeyedAmountForm({ categories, onAdd, onPad, shortcut }, ref) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const [amount, setAmount] = useState('');
  const [category, setCategory] = useState(categories[0] ?? '');
  const [error, setError] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoney(amount, format);
    if (minor === null || minor <= 0) {
      setError(true);
      return;
    }
    setError(false);
    onAdd(category, minor);
    setAmount('');
  };
  return (
    <form className="keyed-amount" onSubmit={submit} aria-label={t('keyed.title')}>
      <label>
        <span>
          {t('keyed.amount')} <kbd>{shortcut}</kbd>
        </span>
        <input
          ref={ref}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          aria-label={t('keyed.amount')}
          aria-keyshortcuts={shortcut}
          aria-invalid={error}
          aria-describedby="keyed-amount-error"
          onChange={(e) => {
            setAmount(e.target.value);
            setError(false);
          }}
        />
      </label>
      <label>
        {t('keyed.category')}
        <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
          {categories.map((c) => (
            <option key={c} value={c}>
              {words.category(c)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="keyed-pad" onClick={() => onPad(category)} aria-label={t('keyed.pad')}>
        ⌨ {t('keyed.padShort')}
      </button>
      <button type="submit">{t('keyed.add')}</button>
      <p id="keyed-amount-error" className="field-error" role={error ? 'alert' : undefined}>
        {error ? t('keyed.badAmount') : ''}
      </p>
    </form>
  );
});
