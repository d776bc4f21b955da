import type { Handlers } from '../handler-types.ts';
import { encodeReceipt, encodeTestPage } from './escpos-receipt.ts';
import { printerTarget } from './printer-config.ts';
import { sendToPrinter } from './receipt-printer.ts';
import { receiptForSale } from './receipt-view.ts';

const NOT_CONFIGURED = {
  ok: false as const,
  reason: 'not_configured' as const,
  detail: 'no receipt printer is configured: the system print dialog is used',
};

export const receiptHandlers = {
  'receipt.get': (input, ctx) => receiptForSale(ctx, input.saleId),

  // The sale is committed before this is called: a printer problem comes back as an outcome, never as a failed sale.
  'receipt.print': async (input, ctx) => {
    const printer = ctx.printing.printer;
    if (printer === null) return NOT_CONFIGURED;
    const bytes = encodeReceipt(receiptForSale(ctx, input.saleId), input.language, printer);
    return sendToPrinter(printer, bytes, { log: ctx.log, ...(ctx.printing.binding ? { binding: ctx.printing.binding } : {}) });
  },

  'printer.status': (_input, ctx) => {
    const printer = ctx.printing.printer;
    const problem = ctx.printing.problem;
    return printer === null
      ? { kind: null, target: null, columns: 42, codepage: 'cp858', problem }
      : { kind: printer.kind, target: printerTarget(printer), columns: printer.columns, codepage: printer.codepage, problem };
  },

  'printer.test': async (input, ctx) => {
    const printer = ctx.printing.printer;
    if (printer === null) return NOT_CONFIGURED;
    const at = new Date(ctx.clock.now()).toISOString().slice(0, 16).replace('T', ' ');
    const bytes = encodeTestPage(input.language, printer, `${printerTarget(printer)} · ${at} UTC`);
    return sendToPrinter(printer, bytes, { log: ctx.log, ...(ctx.printing.binding ? { binding: ctx.printing.binding } : {}) });
  },
} satisfies Partial<Handlers>;
