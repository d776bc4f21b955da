import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { NumericPad } from '../numeric-pad/NumericPad.tsx';
import { Modal } from './Modal.tsx';

/**
 * A figure typed on the on-screen numeric pad (or the keyboard's digits): points to use, an
 * amount, a quantity. `check` says in words why a value cannot be taken, shown beside the pad.
 */
export function PadDialog(props: {
  title: string;
  /** A line under the title: the allowed range, what is left offline. */
  hint?: string;
  initial?: string;
  decimalSeparator?: string;
  maxLength?: number;
  submitLabel: string;
  check(value: string): string | null;
  onSubmit(value: string): void;
  onCancel(): void;
  /** Extra controls under the pad (a category to choose, "ask a manager"). */
  children?: React.ReactNode;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState(props.initial ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    const why = props.check(value);
    setProblem(why);
    if (why === null) props.onSubmit(value);
  };
  return (
    <Modal label={props.title} onClose={props.onCancel} className="pad-dialog">
      <h2>{props.title}</h2>
      {props.hint && <p className="pad-hint">{props.hint}</p>}
      {props.children}
      <NumericPad
        label={props.title}
        value={value}
        onChange={(v) => {
          setValue(v);
          setProblem(null);
        }}
        onEnter={submit}
        enterLabel={props.submitLabel}
        enterDisabled={value === ''}
        display="plain"
        decimalSeparator={props.decimalSeparator}
        maxDecimals={props.decimalSeparator ? 2 : undefined}
        maxLength={props.maxLength ?? 9}
      />
      <p className="field-error pad-problem" role={problem ? 'alert' : undefined}>
        {problem ?? '\u00a0'}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </Modal>
  );
}
