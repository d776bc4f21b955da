/**
 * Physical loyalty cards pre-printed from number ranges allocated to the
 * programme (ProgramConfig.cards.ranges). A number is accepted only when it
 * falls in a range, has that range's length and its check digit holds, so a
 * misread is refused before any database lookup and a blank card can be
 * enrolled offline.
 */
import type { CardRange } from '../../../shared/program.ts';
import { hasValidCheckDigit } from './check-digit.ts';

export type CardRefusal = 'not-digits' | 'not-in-range' | 'wrong-length' | 'bad-check-digit';

export type ParsedCardNumber = { ok: true; cardNumber: string; range: CardRange } | { ok: false; reason: CardRefusal; message: string };

/** Spaces and hyphens are dropped (people type "2900 1234 5678 9"); anything else but digits is refused. */
export function parseCardNumber(text: string, ranges: readonly CardRange[]): ParsedCardNumber {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return { ok: false, reason: 'not-digits', message: 'A card number has digits only.' };
  const candidates = ranges.filter((r) => digits.startsWith(r.prefix));
  if (candidates.length === 0)
    return { ok: false, reason: 'not-in-range', message: 'This card number is not from one of our card ranges.' };
  const range = longestPrefix(candidates.filter((r) => r.length === digits.length));
  if (range === undefined) {
    const lengths = [...new Set(candidates.map((r) => r.length))].join(' or ');
    return {
      ok: false,
      reason: 'wrong-length',
      message: `A card number from this range has ${lengths} digits; this one has ${digits.length}.`,
    };
  }
  if (!hasValidCheckDigit(digits, range.checkDigit === 'luhn' ? 'luhn' : 'gs1')) {
    return {
      ok: false,
      reason: 'bad-check-digit',
      message: 'The card number did not read correctly (check digit). Scan again or type it in.',
    };
  }
  return { ok: true, cardNumber: digits, range };
}

/** The range a number of this shape would belong to, without checking its check digit (used to route a scan). */
export function cardRangeFor(digits: string, ranges: readonly CardRange[]): CardRange | undefined {
  return longestPrefix(ranges.filter((r) => r.length === digits.length && digits.startsWith(r.prefix)));
}

function longestPrefix(ranges: readonly CardRange[]): CardRange | undefined {
  let best: CardRange | undefined;
  for (const r of ranges) if (best === undefined || r.prefix.length > best.prefix.length) best = r;
  return best;
}
