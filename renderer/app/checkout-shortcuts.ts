import { useEffect, useRef } from 'react';
import { commandFor, type CheckoutCommand, type FocusKind } from './checkout-keys.ts';

/** The checkout's keys bound to the page (checkout-keys.ts says which key does what). */
export { QUICK_COMMANDS, SHORTCUTS, type CheckoutCommand } from './checkout-keys.ts';

export function focusKind(el: Element | null): FocusKind {
  if (el === null || el === document.body || el === document.documentElement) return 'none';
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return 'field';
  if (el instanceof HTMLInputElement) return ['button', 'submit', 'reset', 'checkbox', 'radio'].includes(el.type) ? 'control' : 'field';
  if (el instanceof HTMLElement && el.isContentEditable) return 'field';
  if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement || el.getAttribute('role') === 'button') return 'control';
  // A focused region that takes no keys itself (a scroll area, a heading): as good as nothing.
  return 'none';
}

/**
 * Binds the checkout's keys while `enabled` (off while a dialog has the keyboard). `run` returns
 * whether it did something: only then is the key's default (a browser's F-key action) prevented.
 */
export function useCheckoutShortcuts(enabled: boolean, run: (command: CheckoutCommand) => boolean): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      // An Enter given back by the keyboard-wedge listener (a burst it judged typing) is synthetic:
      // it never completes a sale, so a misread scan cannot ring one up.
      if (event.key === 'Enter' && !event.isTrusted) return;
      const command = commandFor(event, focusKind(document.activeElement));
      if (command === null) return;
      // Function keys are ours on this screen even when there is nothing to do (no browser help or search bar).
      if (event.key !== 'Enter') event.preventDefault();
      if (latest.current(command)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
