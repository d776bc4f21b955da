import type { Output, ParsedInput } from '../../../shared/api.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import type { SaleQuote } from '../../../shared/loyalty/types.ts';
import type { ReadableDb } from '../store/connection.ts';
import { resolveBasket, type DescribedLine } from './basket.ts';
import { loadMemberState, type LoadedMember } from './member-state.ts';
import { quoteView } from './quote-view.ts';

export interface Priced {
  basket: DescribedLine[];
  quote: SaleQuote;
  member: LoadedMember | null;
}

/** Prices a basket for a member with the pure engine; shared by preview and commit. */
export function price(db: ReadableDb, program: ProgramConfig, input: ParsedInput<'sale.preview'>, now: number): Priced {
  const basket = resolveBasket(db, input.lines);
  const loaded = input.memberId === null ? null : loadMemberState(db, input.memberId, program, now);
  const quote = priceSale({ program, now, lines: basket, member: loaded?.state ?? null, redemption: input.redemption });
  return { basket, quote, member: loaded };
}

export function previewSale(
  db: ReadableDb,
  program: ProgramConfig,
  input: ParsedInput<'sale.preview'>,
  now: number,
): Output<'sale.preview'> {
  const { basket, quote } = price(db, program, input, now);
  return quoteView(quote, basket, program);
}
