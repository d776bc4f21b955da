import { saleResultSchema } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { buildReceipt, type Receipt } from '../../../shared/receipt.ts';
import type { ReadCallContext } from '../context.ts';
import { offlineCapsNow } from '../sales/preview.ts';
import { pointsNow } from '../store/expiry.ts';
import { memberById } from '../store/members.ts';
import { currentProgram } from '../store/program.ts';
import { qrSvg } from '../members/member-qr.ts';
import { saleById } from '../store/sales.ts';
import { staffById } from '../store/staff.ts';
import { storeDisplayName } from '../terminal/store-name.ts';

/** Days ahead a receipt warns about expiring points (the member panel's window). */
export const EXPIRING_SOON_DAYS = 30;

/**
 * A sale's receipt from what this terminal recorded: the answer its commit
 * gave (sales.result), the staff member, the store's receipt settings and the
 * member's points as of now. Reads only.
 */
export function receiptForSale(ctx: ReadCallContext, saleId: string): Receipt {
  const db = ctx.store.db;
  const row = saleById(db, saleId);
  if (row === undefined || row.origin_terminal_id !== null)
    throw new AppError('NOT_FOUND', 'No sale of this till has that id.', { saleId });
  const sale = saleResultSchema.parse(JSON.parse(row.result));
  const program = currentProgram(db);
  const now = ctx.clock.now();
  const member = sale.memberId === null ? undefined : memberById(db, sale.memberId);
  const settings = ctx.printing.receipt;
  const receipt = buildReceipt({
    sale,
    program,
    format: { locale: ctx.terminal.locale, currency: program.currency, timeZone: program.timeZone },
    store: {
      id: ctx.storeId,
      name: storeDisplayName(ctx) ?? ctx.storeId,
      headerLines: settings.headerLines,
      footerLines: settings.footerLines,
    },
    staffName: staffById(db, row.staff_id)?.name ?? row.staff_id,
    expiringSoon: member ? { points: pointsNow(db, member, now).expiringIn30Days, days: EXPIRING_SOON_DAYS } : null,
    // Made while the server cannot be reached: the points are the till's word until it is back.
    provisional: sale.memberId !== null && offlineCapsNow(ctx.sync) !== null,
  });
  return { ...receipt, barcode: { ...receipt.barcode, svg: qrSvg(receipt.barcode.text) } };
}
