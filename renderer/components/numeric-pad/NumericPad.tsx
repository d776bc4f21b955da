import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { applyPadKey, padKeyFor, type PadKey, type PadRules } from './pad-input.ts';
import './numeric-pad.css';

export interface NumericPadProps extends PadRules {
  /** The value being typed (controlled: the pad holds no state of its own). */
  value: string;
  onChange(value: string): void;
  /** Enter on the pad or the keyboard; without it the pad has no Enter key. */
  onEnter?(): void;
  /** The Enter key's text ("Sign in", "Apply"); "Enter" by default. */
  enterLabel?: string;
  enterDisabled?: boolean;
  /** The pad's accessible name ("PIN", "Amount", "Quantity"). */
  label: string;
  /** Show the value above the keys: as typed, or as dots for a PIN. None by default (the caller shows it). */
  display?: 'plain' | 'masked';
  disabled?: boolean;
  /**
   * Take digits, Backspace, Delete/Escape (clear) and Enter from the physical keyboard while no
   * other text field has focus. On by default; turn it off when two pads are on screen.
   */
  keyboard?: boolean;
  className?: string;
}

const DIGIT_ROWS: PadKey[][] = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
];

/**
 * The on-screen numeric pad for PINs, amounts and quantities: digits, clear, backspace and an
 * optional Enter, every key at least 56 px, usable by touch, mouse and the physical keyboard.
 */
export function NumericPad(props: NumericPadProps) {
  const { value, onChange, onEnter, enterLabel, enterDisabled, label, display, disabled, keyboard = true, className } = props;
  const { t } = useI18n();
  const rootRef = useRef<HTMLDivElement>(null);
  const rules: PadRules = { maxLength: props.maxLength, decimalSeparator: props.decimalSeparator, maxDecimals: props.maxDecimals };

  // The latest props for the keyboard listener, which is bound once.
  const latest = useRef({ value, onChange, onEnter, enterDisabled, disabled, rules });
  latest.current = { value, onChange, onEnter, enterDisabled, disabled, rules };

  const press = (key: PadKey) => {
    const { value: current, onChange: change, rules: r } = latest.current;
    const next = applyPadKey(current, key, r);
    if (next === current) return;
    // Keys replayed in one burst (a held-back wedge burst) come before React renders again: each builds on the last.
    latest.current = { ...latest.current, value: next };
    change(next);
  };
  const enter = () => {
    const { onEnter: submit, enterDisabled: off, disabled: all } = latest.current;
    if (submit && !off && !all) submit();
  };

  useEffect(() => {
    if (!keyboard) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || latest.current.disabled) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const key = padKeyFor(event.key);
      if (key === null) return;
      const target = event.target instanceof Element ? event.target : null;
      const insidePad = target !== null && rootRef.current?.contains(target) === true;
      // Another text field or control keeps its own keys: the pad takes only what would go nowhere.
      if (!insidePad && target && isEditable(target)) return;
      if (key === 'enter') {
        // Enter on another button presses that button, as usual.
        if (!insidePad && target && target !== document.body && isActivatable(target)) return;
        if (!latest.current.onEnter) return;
        event.preventDefault();
        enter();
        return;
      }
      if (key === 'decimal' && !latest.current.rules.decimalSeparator) return;
      event.preventDefault();
      press(key);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [keyboard]);

  const sep = props.decimalSeparator;
  const key = (k: PadKey) => (
    <button type="button" key={k} className="numeric-pad-key" disabled={disabled} onClick={() => press(k)}>
      {k}
    </button>
  );

  return (
    <div ref={rootRef} className={`numeric-pad${className ? ` ${className}` : ''}`} role="group" aria-label={label}>
      {display && (
        <output className="numeric-pad-display" aria-live="polite" aria-label={label}>
          {display === 'masked' ? (
            <span aria-label={t('numericPad.digitsEntered', { count: value.length })}>{'●'.repeat(value.length) || '\u00a0'}</span>
          ) : (
            value || '\u00a0'
          )}
        </output>
      )}
      <div className="numeric-pad-keys" data-enter={onEnter ? 'yes' : 'no'}>
        {DIGIT_ROWS.map((row, i) => (
          <div className="numeric-pad-row" key={i}>
            {row.map(key)}
          </div>
        ))}
        <div className="numeric-pad-row">
          {sep ? (
            <button
              type="button"
              className="numeric-pad-key"
              disabled={disabled}
              onClick={() => press('decimal')}
              aria-label={t('numericPad.decimal')}
            >
              {sep}
            </button>
          ) : (
            <button
              type="button"
              className="numeric-pad-key numeric-pad-clear"
              disabled={disabled || value === ''}
              onClick={() => press('clear')}
              aria-label={t('numericPad.clear')}
            >
              C
            </button>
          )}
          {key('0')}
          <button
            type="button"
            className="numeric-pad-key numeric-pad-back"
            disabled={disabled || value === ''}
            onClick={() => press('backspace')}
            aria-label={t('numericPad.backspace')}
          >
            ⌫
          </button>
        </div>
        {(sep || onEnter) && (
          <div className="numeric-pad-row numeric-pad-actions">
            {sep && (
              <button
                type="button"
                className="numeric-pad-key numeric-pad-clear"
                disabled={disabled || value === ''}
                onClick={() => press('clear')}
                aria-label={t('numericPad.clear')}
              >
                C
              </button>
            )}
            {onEnter && (
              <button
                type="button"
                className="numeric-pad-key numeric-pad-enter primary"
                disabled={disabled || enterDisabled}
                onClick={enter}
              >
                {enterLabel ?? t('numericPad.enter')}
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function isEditable(el: Element): boolean {
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement)
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'image', 'file', 'color'].includes(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

function isActivatable(el: Element): boolean {
  return (
    el instanceof HTMLButtonElement ||
    el instanceof HTMLAnchorElement ||
    el instanceof HTMLInputElement ||
    el.getAttribute('role') === 'button'
  );
}
