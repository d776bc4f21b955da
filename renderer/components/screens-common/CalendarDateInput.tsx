import { useEffect, useState, type InputHTMLAttributes, type Ref } from 'react';
import { dateLayout, formatCalendarDate, parseCalendarDate } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * A date field in the store's layout ("14.03.2026" for a German store), not the browser's date
 * picker, which follows the operating system's language rather than the store's. The value in and
 * out is YYYY-MM-DD; `onChange` gets null while the text is not a whole, real date, and the text as typed.
 */
export function CalendarDateInput(
  props: { value: string; onChange(isoDate: string | null, text: string): void; ref?: Ref<HTMLInputElement> } & Omit<
    InputHTMLAttributes<HTMLInputElement>,
    'value' | 'onChange' | 'type'
  >,
) {
  const { value, onChange, ...rest } = props;
  const { format } = useI18n();
  const [text, setText] = useState(() => formatCalendarDate(value, format.locale));
  // A new value from outside (another day chosen, a reset) replaces what is typed.
  useEffect(() => {
    if (value !== '' && parseCalendarDate(text, format.locale) !== value) setText(formatCalendarDate(value, format.locale));
  }, [value, format.locale]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder={useDatePattern()}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseCalendarDate(e.target.value, format.locale), e.target.value);
      }}
    />
  );
}

/** The store's date layout in the screen's words: "TT.MM.JJJJ" in German, "DD/MM/YYYY" for en-GB. */
export function useDatePattern(): string {
  const { t, format } = useI18n();
  const { order, separator } = dateLayout(format.locale);
  const word = { day: t('date.day'), month: t('date.month'), year: t('date.year') };
  return order.map((part) => word[part]).join(separator);
}
