import ReceiptPrinterEncoder, { type ReceiptPrinterEncoderOptions } from '@point-of-sale/receipt-printer-encoder';
import { receiptRows, receiptWord, type Receipt, type ReceiptLanguage, type ReceiptRow } from '../../../shared/receipt.ts';
import type { PrinterConfig } from './printer-config.ts';

/**
 * A receipt as ESC/POS bytes, from the same rows the screen shows
 * (shared/receipt.ts receiptRows), encoded by @point-of-sale/receipt-printer-encoder:
 * text in the configured code page, amounts right-aligned in a two-column
 * table, the sale id as a QR code the printer draws itself, then a cut.
 */
type Layout = Pick<PrinterConfig, 'columns' | 'codepage' | 'model' | 'cut'>;

function encoderFor(layout: Layout): ReceiptPrinterEncoder {
  const options: ReceiptPrinterEncoderOptions = { language: 'esc-pos', columns: layout.columns, feedBeforeCut: 4 };
  if (layout.model) options.printerModel = layout.model as ReceiptPrinterEncoderOptions['printerModel'];
  return new ReceiptPrinterEncoder(options).initialize().codepage(layout.codepage);
}

export function encodeReceipt(receipt: Receipt, language: ReceiptLanguage, layout: Layout): Uint8Array {
  const encoder = encoderFor(layout);
  for (const row of receiptRows(receipt, language)) writeRow(encoder, row, layout.columns);
  if (layout.cut) encoder.cut('partial');
  return encoder.encode();
}

/** The page Settings' "test print" sends: a few lines in the configured code page, the width ruler, a QR code and a cut. */
export function encodeTestPage(language: ReceiptLanguage, layout: Layout, at: string): Uint8Array {
  const encoder = encoderFor(layout);
  writeRow(encoder, { kind: 'heading', role: 'title', text: receiptWord(language, 'testTitle') }, layout.columns);
  encoder.line(receiptWord(language, 'testBody'));
  encoder.line(at);
  encoder.line('ÄÖÜ äöü ß € é');
  encoder.line('0123456789'.repeat(Math.ceil(layout.columns / 10)).slice(0, layout.columns));
  encoder.align('center').qrcode('TEST', { size: 6, errorlevel: 'm' }).align('left');
  if (layout.cut) encoder.cut('partial');
  return encoder.encode();
}

function writeRow(encoder: ReceiptPrinterEncoder, row: ReceiptRow, columns: number): void {
  switch (row.kind) {
    case 'heading':
      encoder.align('center').bold(true).size(2, 2).line(row.text).size(1, 1).bold(false).align('left');
      return;
    case 'text':
      encoder
        .align(row.align ?? 'left')
        .line(row.text)
        .align('left');
      return;
    case 'pair': {
      const right = row.right;
      const width = Math.min(right.length + 1, Math.floor(columns / 2));
      if (row.emphasis) encoder.bold(true);
      encoder.table(
        [
          { width: columns - width, align: 'left' },
          { width, align: 'right' },
        ],
        [[row.left, right]],
      );
      if (row.emphasis) encoder.bold(false);
      return;
    }
    case 'rule':
      encoder.rule({ style: 'single' });
      return;
    case 'notice':
      encoder.bold(true).line(`* ${row.text}`).bold(false);
      return;
    case 'code':
      encoder.newline().align('center').qrcode(row.text, { size: 6, errorlevel: 'm' });
      // The sale id stays on one line to be read out or typed: in the small font on narrow paper.
      if (row.text.length > columns) encoder.font('B').line(row.text).font('A');
      else encoder.line(row.text);
      encoder.line(row.caption).align('left');
      return;
  }
}
