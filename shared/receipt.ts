import { z } from 'zod';
import type { SaleResult } from './api.ts';
import { pointsToMinor } from './loyalty/redeem.ts';
import { labelIn, type ProgramConfig } from './program.ts';

/**
 * A receipt, built once from a completed sale and rendered twice: on screen
 * (renderer/components/Receipt.tsx) and as ESC/POS bytes for a thermal printer
 * (main/backend/receipts/escpos-receipt.ts). Both renderers walk the same rows
 * (`receiptRows`), so the paper and the screen never say different things.
 * Pure: no clock, no I/O; Intl for numbers and dates.
 */

const minor = z.number().int().safe();
const points = z.number().int().safe();

export const receiptSchema = z.object({
  saleId: z.string(),
  createdAt: z.number(),
  /** The store's locale, currency and time zone: the receipt reads the same on every terminal. */
  format: z.object({ locale: z.string(), currency: z.string(), timeZone: z.string() }),
  store: z.object({ id: z.string(), name: z.string(), headerLines: z.array(z.string()), footerLines: z.array(z.string()) }),
  /** The first name of the staff member who rang the sale up. */
  staffName: z.string(),
  lines: z.array(z.object({ description: z.string(), quantity: z.number().int(), unitPriceMinor: minor, amountMinor: minor })),
  totalMinor: minor,
  /** Points spent as money off this sale: a points discount or a product reward. */
  pointsDiscount: z.object({ label: z.string().nullable(), points, amountMinor: minor }).nullable(),
  /** A voucher reward: no money off today, a code worth `valueMinor` for a later purchase. */
  voucher: z.object({ code: z.string().nullable(), label: z.string(), points, valueMinor: minor }).nullable(),
  paidMinor: minor,
  /** Null for a sale without a member. */
  loyalty: z
    .object({
      earned: points,
      used: points,
      balanceAfter: points.nullable(),
      /** Points of the member's that expire within `days` days of the sale. */
      expiringSoon: z.object({ points, days: z.number().int() }).nullable(),
      /** Made while the till could not reach the loyalty server: the points are confirmed when it is back online. */
      provisional: z.boolean(),
    })
    .nullable(),
  /** Printed as a QR code and shown on screen, for a refund: the sale id. */
  barcode: z.object({
    symbology: z.literal('qr'),
    text: z.string(),
    /** The code drawn as SVG for the screen (the printer draws its own); added by the backend. */
    svg: z.string().optional(),
  }),
});
export type Receipt = z.infer<typeof receiptSchema>;

/**
 * How a print went. A printer problem is an outcome, never an error of the
 * sale: the sale is committed before anything is printed.
 */
export const PRINT_FAILURES = ['not_configured', 'unreachable', 'timeout', 'paper_out', 'offline', 'failed'] as const;
export type PrintFailure = (typeof PRINT_FAILURES)[number];
export const printOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), bytes: z.number().int(), ms: z.number() }),
  z.object({ ok: z.literal(false), reason: z.enum(PRINT_FAILURES), detail: z.string() }),
]);
export type PrintOutcome = z.infer<typeof printOutcomeSchema>;

/** The receipt printer as configured; `kind: null` = none, the screens use the system's print dialog. */
export const printerStatusSchema = z.object({
  kind: z.enum(['serial', 'usb', 'network']).nullable(),
  /** The device path or host:port. */
  target: z.string().nullable(),
  columns: z.number().int(),
  codepage: z.string(),
  /** The printer setting IT gave could not be used (the field and what is wrong); printing falls back to the dialog. */
  problem: z.string().nullable(),
});
export type PrinterStatus = z.infer<typeof printerStatusSchema>;

export interface ReceiptInput {
  sale: SaleResult;
  program: ProgramConfig;
  format: Receipt['format'];
  store: Receipt['store'];
  staffName: string;
  /** The member's points expiring soon as of the sale (null: no member). */
  expiringSoon: { points: number; days: number } | null;
  provisional: boolean;
}

export function buildReceipt(input: ReceiptInput): Receipt {
  const { sale, program } = input;
  const redemption = sale.redemption;
  const reward = redemption?.rewardId ? (program.rewards.find((r) => r.id === redemption.rewardId) ?? null) : null;
  const isVoucher = redemption !== null && (redemption.issuesVoucher || reward?.kind === 'voucher');
  // Programme words in the store's language (a keyed line's description is its category's id when none was typed).
  const language = input.format.locale;
  const rewardLabel = reward ? labelIn(reward, language) : (redemption?.explanation.label ?? null);
  const categoryWord = (id: string) => {
    const category = program.categories?.find((c) => c.id === id);
    return category ? labelIn(category, language) : id;
  };
  return {
    saleId: sale.saleId,
    createdAt: sale.createdAt,
    format: input.format,
    store: input.store,
    staffName: firstName(input.staffName),
    lines: sale.lines.map((l) => ({
      description: l.sku === null && l.description === l.category ? categoryWord(l.category) : l.description,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor,
    })),
    totalMinor: sale.totalMinor,
    pointsDiscount:
      redemption !== null && !isVoucher
        ? { label: redemption.kind === 'reward' ? rewardLabel : null, points: redemption.points, amountMinor: redemption.discountMinor }
        : null,
    // A voucher is worth the money its points would have taken off (the programme's redeem rate).
    voucher:
      redemption !== null && isVoucher
        ? {
            code: sale.voucherCode,
            label: rewardLabel ?? '',
            points: redemption.points,
            valueMinor: pointsToMinor(program, redemption.points),
          }
        : null,
    paidMinor: sale.payableMinor,
    loyalty:
      sale.memberId === null
        ? null
        : {
            earned: sale.pointsAwarded,
            used: redemption?.points ?? 0,
            balanceAfter: sale.balanceAfter,
            expiringSoon: input.expiringSoon && input.expiringSoon.points > 0 ? input.expiringSoon : null,
            provisional: input.provisional,
          },
    barcode: { symbology: 'qr', text: sale.saleId },
  };
}

/** Only the first name goes on paper. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

// ---- the receipt's words and layout, shared by the screen and the printer ----

export const RECEIPT_LANGUAGES = ['en', 'de'] as const;
export type ReceiptLanguage = (typeof RECEIPT_LANGUAGES)[number];

const en = {
  servedBy: 'Served by {name}',
  sale: 'Sale',
  total: 'Total',
  pointsDiscount: 'Points discount ({points} pts)',
  rewardDiscount: '{label} ({points} pts)',
  paid: 'Paid',
  voucher: '{label}: worth {amount} on your next visit',
  voucherCode: 'Voucher code',
  pointsEarned: 'Points earned',
  pointsUsed: 'Points used',
  newBalance: 'New balance',
  expiringSoon: '{points} points expire within {days} days',
  provisional: 'Points confirmed when the till is back online',
  refundCode: 'Keep this receipt: scan the code for a refund',
  thanks: 'Thank you for shopping with us',
  testTitle: 'Printer test',
  testBody: 'If you can read this, the receipt printer works.',
} as const;
export type ReceiptWord = keyof typeof en;

const de: Record<ReceiptWord, string> = {
  servedBy: 'Es bediente Sie {name}',
  sale: 'Beleg',
  total: 'Summe',
  pointsDiscount: 'Punkterabatt ({points} P.)',
  rewardDiscount: '{label} ({points} P.)',
  paid: 'Bezahlt',
  voucher: '{label}: Wert {amount} beim nächsten Einkauf',
  voucherCode: 'Gutscheincode',
  pointsEarned: 'Gesammelte Punkte',
  pointsUsed: 'Eingelöste Punkte',
  newBalance: 'Neuer Punktestand',
  expiringSoon: '{points} Punkte verfallen in den nächsten {days} Tagen',
  provisional: 'Punkte werden bestätigt, sobald die Kasse wieder online ist',
  refundCode: 'Beleg aufbewahren: Code für Erstattungen scannen',
  thanks: 'Vielen Dank für Ihren Einkauf',
  testTitle: 'Druckertest',
  testBody: 'Wenn Sie dies lesen können, funktioniert der Bondrucker.',
};

export const RECEIPT_WORDS: Record<ReceiptLanguage, Record<ReceiptWord, string>> = { en, de };

export function receiptWord(language: ReceiptLanguage, word: ReceiptWord, vars: Record<string, string | number> = {}): string {
  return RECEIPT_WORDS[language][word].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * One printed or shown line of a receipt. `role` names what it is (tests and
 * styles find lines by it); `emphasis` is drawn bold / large.
 */
export type ReceiptRow =
  | { kind: 'heading'; role: string; text: string }
  | { kind: 'text'; role: string; text: string; align?: 'left' | 'center' }
  | { kind: 'pair'; role: string; left: string; right: string; emphasis?: boolean }
  | { kind: 'rule' }
  | { kind: 'notice'; role: string; text: string }
  | { kind: 'code'; role: string; text: string; caption: string };

export function receiptRows(r: Receipt, language: ReceiptLanguage): ReceiptRow[] {
  const w = (word: ReceiptWord, vars?: Record<string, string | number>) => receiptWord(language, word, vars);
  const money = (m: number) => formatReceiptMoney(m, r.format);
  const pts = (p: number) => formatReceiptPoints(p, r.format);
  const rows: ReceiptRow[] = [{ kind: 'heading', role: 'store', text: r.store.name }];
  for (const line of r.store.headerLines) rows.push({ kind: 'text', role: 'header', text: line, align: 'center' });
  rows.push({ kind: 'text', role: 'date', text: formatReceiptDate(r.createdAt, r.format) });
  rows.push({ kind: 'text', role: 'staff', text: w('servedBy', { name: r.staffName }) });
  rows.push({ kind: 'rule' });
  for (const l of r.lines) {
    const left = l.quantity > 1 ? `${l.quantity} × ${l.description}` : l.description;
    rows.push({ kind: 'pair', role: 'line', left, right: money(l.amountMinor) });
  }
  rows.push({ kind: 'rule' });
  rows.push({ kind: 'pair', role: 'total', left: w('total'), right: money(r.totalMinor) });
  if (r.pointsDiscount) {
    const left = r.pointsDiscount.label
      ? w('rewardDiscount', { label: r.pointsDiscount.label, points: pts(r.pointsDiscount.points) })
      : w('pointsDiscount', { points: pts(r.pointsDiscount.points) });
    rows.push({ kind: 'pair', role: 'points-discount', left, right: `-${money(r.pointsDiscount.amountMinor)}` });
  }
  rows.push({ kind: 'pair', role: 'paid', left: w('paid'), right: money(r.paidMinor), emphasis: true });
  if (r.voucher) {
    rows.push({ kind: 'rule' });
    rows.push({ kind: 'text', role: 'voucher', text: w('voucher', { label: r.voucher.label, amount: money(r.voucher.valueMinor) }) });
    if (r.voucher.code) rows.push({ kind: 'pair', role: 'voucher-code', left: w('voucherCode'), right: r.voucher.code, emphasis: true });
  }
  if (r.loyalty) {
    rows.push({ kind: 'rule' });
    rows.push({ kind: 'pair', role: 'points-earned', left: w('pointsEarned'), right: `+${pts(r.loyalty.earned)}` });
    if (r.loyalty.used > 0) rows.push({ kind: 'pair', role: 'points-used', left: w('pointsUsed'), right: `-${pts(r.loyalty.used)}` });
    if (r.loyalty.balanceAfter !== null)
      rows.push({ kind: 'pair', role: 'balance', left: w('newBalance'), right: pts(r.loyalty.balanceAfter), emphasis: true });
    if (r.loyalty.expiringSoon)
      rows.push({
        kind: 'text',
        role: 'expiring',
        text: w('expiringSoon', { points: pts(r.loyalty.expiringSoon.points), days: r.loyalty.expiringSoon.days }),
      });
    if (r.loyalty.provisional) rows.push({ kind: 'notice', role: 'provisional', text: w('provisional') });
  }
  rows.push({ kind: 'rule' });
  rows.push({ kind: 'code', role: 'sale-code', text: r.barcode.text, caption: w('refundCode') });
  for (const line of r.store.footerLines) rows.push({ kind: 'text', role: 'footer', text: line, align: 'center' });
  rows.push({ kind: 'text', role: 'thanks', text: w('thanks'), align: 'center' });
  return rows;
}

export function formatReceiptMoney(amountMinor: number, f: Receipt['format']): string {
  const nf = new Intl.NumberFormat(f.locale, { style: 'currency', currency: f.currency });
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(amountMinor / 10 ** digits);
}

export function formatReceiptPoints(value: number, f: Pick<Receipt['format'], 'locale'>): string {
  return new Intl.NumberFormat(f.locale, { maximumFractionDigits: 0 }).format(value);
}

export function formatReceiptDate(ms: number, f: Receipt['format']): string {
  return new Intl.DateTimeFormat(f.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: f.timeZone }).format(ms);
}
