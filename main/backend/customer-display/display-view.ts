import type { ParsedInput } from '../../../shared/api.ts';
import { saleResultSchema } from '../../../shared/api.ts';
import type { CustomerDisplayState } from '../../../shared/customer-display.ts';
import { AppError } from '../../../shared/errors.ts';
import { tierById } from '../../../shared/loyalty/tiers.ts';
import type { ProgramConfig } from '../../../shared/program.ts';
import { firstName } from '../../../shared/receipt.ts';
import type { ReadCallContext } from '../context.ts';
import { previewSale } from '../sales/preview.ts';
import type { ReadableDb } from '../store/connection.ts';
import { pointsNow } from '../store/expiry.ts';
import { memberById } from '../store/members.ts';
import { currentProgram } from '../store/program.ts';
import { saleById } from '../store/sales.ts';
import { programLabels } from '../terminal/program-labels.ts';

/**
 * The checkout's sale as the customer sees it, priced by the same engine as
 * the cashier's screen (sale.preview). Of the member only the first name, the
 * tier and the points: never the surname, card, phone, e-mail or id.
 */
export function customerDisplayState(ctx: ReadCallContext, input: ParsedInput<'display.show'>, seq: number): CustomerDisplayState {
  const db = ctx.store.db;
  const program = currentProgram(db);
  const now = ctx.clock.now();
  const format = { locale: ctx.terminal.locale, currency: program.currency, timeZone: program.timeZone };
  const { tiers, categories } = programLabels(program);
  const base: CustomerDisplayState = {
    seq,
    phase: 'idle',
    format,
    member: memberPart(db, program, input.memberId, now),
    lines: [],
    totalMinor: 0,
    discountMinor: 0,
    payableMinor: 0,
    earnPoints: 0,
    redeemPoints: 0,
    balanceAfter: null,
    tierAfterLabel: null,
    tierAfter: null,
    labels: { tiers, categories },
  };
  const tierLabel = (tier: string | null) => (tier === null ? null : (tierById(program, tier)?.label ?? tier));

  if (input.phase === 'paid' && input.saleId !== null) {
    const row = saleById(db, input.saleId);
    if (row === undefined) throw new AppError('NOT_FOUND', 'No sale of this till has that id.', { saleId: input.saleId });
    const sale = saleResultSchema.parse(JSON.parse(row.result));
    return {
      ...base,
      phase: 'paid',
      lines: sale.lines.map(displayLine),
      totalMinor: sale.totalMinor,
      discountMinor: sale.discountMinor,
      payableMinor: sale.payableMinor,
      earnPoints: sale.pointsAwarded,
      redeemPoints: sale.redemption?.points ?? 0,
      balanceAfter: sale.balanceAfter,
      tierAfterLabel: tierLabel(sale.tierAfter),
      tierAfter: sale.tierAfter,
    };
  }
  // No basket yet: a member just identified is greeted; nobody at all is the idle screen.
  if (input.lines.length === 0) return { ...base, phase: base.member === null ? 'idle' : 'basket' };

  const quote = priceForDisplay(ctx, program, input, now);
  if (quote === null) return { ...base, phase: 'basket' };
  return {
    ...base,
    phase: 'basket',
    lines: quote.lines.map(displayLine),
    totalMinor: quote.totalMinor,
    discountMinor: quote.discountMinor,
    payableMinor: quote.payableMinor,
    earnPoints: quote.earnPoints + quote.bonuses.reduce((sum, b) => sum + (b.memberId === input.memberId ? b.points : 0), 0),
    redeemPoints: quote.redemption?.points ?? 0,
    balanceAfter: quote.balanceAfter,
    tierAfterLabel: tierLabel(quote.tierAfter),
    tierAfter: quote.tierAfter,
  };
}

/** A line as the customer sees it; a keyed amount described by its category id names it, for the display to word. */
function displayLine(l: { sku: string | null; description: string; category: string; quantity: number; amountMinor: number }) {
  const line = { description: l.description, quantity: l.quantity, amountMinor: l.amountMinor };
  return l.sku === null && l.description === l.category ? { ...line, category: l.category } : line;
}

/** The cashier's screen shows a redemption the engine refuses as an error beside it; the customer sees the basket without it. */
function priceForDisplay(ctx: ReadCallContext, program: ProgramConfig, input: ParsedInput<'display.show'>, now: number) {
  const sale = { memberId: input.memberId, lines: input.lines, redemption: input.redemption };
  for (const attempt of input.redemption === null ? [sale] : [sale, { ...sale, redemption: null }]) {
    try {
      return previewSale(ctx.store.db, program, attempt, now);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return null;
}

function memberPart(db: ReadableDb, program: ProgramConfig, memberId: string | null, now: number): CustomerDisplayState['member'] {
  if (memberId === null) return null;
  const row = memberById(db, memberId);
  if (row === undefined) return null;
  return {
    firstName: firstName(row.name),
    tier: row.tier,
    tierLabel: tierById(program, row.tier)?.label ?? row.tier,
    points: pointsNow(db, row, now).available,
  };
}
