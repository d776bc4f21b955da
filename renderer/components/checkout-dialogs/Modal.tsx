import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog of the checkout (the platform's <dialog>: focus kept inside, the page behind
 * inert). In-app, never the browser's confirm box, so it looks like the rest of the till and
 * works the same by touch and by keyboard.
 */
export function Modal(props: { label: string; onClose(): void; children: ReactNode; className?: string; tone?: 'danger' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(props.onClose);
  close.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // React's autoFocus runs before the dialog is open (and so cannot focus); the platform would pick
    // the first control. The one marked data-autofocus gets it (Cancel, in a destructive question).
    // Without one, the dialog itself has the focus, so the keyboard's digits and Enter go to its numeric pad.
    const first = dialog.querySelector<HTMLElement>('[data-autofocus]');
    if (first) first.focus();
    else dialog.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`checkout-dialog${props.tone ? ` checkout-dialog-${props.tone}` : ''}${props.className ? ` ${props.className}` : ''}`}
      aria-label={props.label}
      tabIndex={-1}
    >
      {props.children}
    </dialog>
  );
}
