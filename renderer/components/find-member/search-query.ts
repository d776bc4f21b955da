import type { Input } from '../../../shared/api.ts';

/**
 * What the one search box on "Find member" means. Digits (at least 3, an
 * optional leading +) are a phone number; at least 2 letters are a name; a
 * run of digits long enough to be a card is looked up as a card first (an
 * exact, indexed match) while the phone search runs beside it.
 */
export type SearchQuery =
  | { kind: 'empty' }
  | { kind: 'tooShort' }
  | { kind: 'digits'; search: Input<'member.search'> | null; card: string | null }
  | { kind: 'name'; search: Input<'member.search'> };

/** The shortest card number a programme range may have (shared/program.ts: `length` ≥ 6). */
export const MIN_CARD_DIGITS = 6;
/** member.search: `^\+?[\d\s().-]{3,20}$`. */
const PHONE_TEXT = /^\+?[\d\s().-]+$/;
const PHONE_MAX = 20;
const NAME_MAX = 80;

export function classifyQuery(raw: string): SearchQuery {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (PHONE_TEXT.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length < 3) return { kind: 'tooShort' };
    const body = text.startsWith('+') ? text.slice(1) : text;
    const search = body.length >= 3 && body.length <= PHONE_MAX ? { phonePrefix: text } : null;
    // Cards are printed in groups ("2900 1234 5678 9"): spaces and hyphens are not part of the number.
    const cardText = text.replace(/[\s-]/g, '');
    const card =
      !text.startsWith('+') && /^\d+$/.test(cardText) && cardText.length >= MIN_CARD_DIGITS && cardText.length <= 64 ? cardText : null;
    if (!search && !card) return { kind: 'tooShort' };
    return { kind: 'digits', search, card };
  }
  const name = text.slice(0, NAME_MAX).trim();
  if (name.length < 2) return { kind: 'tooShort' };
  return { kind: 'name', search: { namePrefix: name } };
}
