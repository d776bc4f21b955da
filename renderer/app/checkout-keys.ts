/**
 * The checkout's keyboard: one function key per action, shown on its button, and Enter to complete
 * when nothing else has focus. Function keys never reach a text field and are never part of a
 * scanner's burst (the keyboard-wedge listener passes named keys straight through), so they work
 * whatever has focus. F11 and F12 stay the browser's; F5 is taken so a reload is never pressed by
 * mistake (the basket would survive it anyway).
 */
export type CheckoutCommand =
  'newSale' | 'findMember' | 'redeem' | 'keyedAmount' | 'voidLast' | 'quick1' | 'quick2' | 'quick3' | 'quick4' | 'complete';

export const SHORTCUTS: Readonly<Record<CheckoutCommand, string>> = {
  newSale: 'F1',
  findMember: 'F2',
  redeem: 'F3',
  keyedAmount: 'F4',
  voidLast: 'F5',
  quick1: 'F6',
  quick2: 'F7',
  quick3: 'F8',
  quick4: 'F9',
  complete: 'F10',
};

export const QUICK_COMMANDS = ['quick1', 'quick2', 'quick3', 'quick4'] as const;

const BY_KEY = new Map(Object.entries(SHORTCUTS).map(([command, key]) => [key, command as CheckoutCommand]));

/** What has focus when a key is pressed: nothing (the page), a text field, or another control. */
export type FocusKind = 'none' | 'field' | 'control';

/** The command a key stands for, or null. Pure: the screen's tests drive it with plain objects. */
export function commandFor(
  key: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; shiftKey?: boolean },
  focus: FocusKind,
): CheckoutCommand | null {
  if (key.ctrlKey || key.altKey || key.metaKey || key.shiftKey) return null;
  if (key.key === 'Enter') return focus === 'none' ? 'complete' : null;
  return BY_KEY.get(key.key) ?? null;
}
