/**
 * Receipts from sale to paper: the receipt model a completed sale gives
 * (receipt.get), and the same receipt printed as ESC/POS on a virtual thermal
 * printer over a real PTY (serial, and the PTY opened as a USB device file)
 * and over TCP, whose bytes are decoded back into text lines, the QR code's
 * data and the cut. Printer trouble (paper out, unplugged, no answer) comes
 * back as an outcome with a reason; the sale stays committed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Input, Method, Output } from '../../shared/api.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { receiptRows } from '../../shared/receipt.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import { parsePrinterConfig } from '../../main/backend/receipts/printer-config.ts';
import { decodeEscPos } from '../helpers/escpos-decode.ts';
import { requireSocat } from '../helpers/pty-pair.ts';
import { createTestTerminal, tempDir, type TestTerminal } from '../helpers/terminal.ts';
import { startPtyPrinter, startTcpPrinter, type VirtualPrinter } from '../helpers/virtual-printer.ts';
import { demoProgram } from '../fixtures/program.ts';

const program = {
  ...demoProgram,
  rewards: [...demoProgram.rewards, { kind: 'voucher' as const, id: 'voucher-10', label: '€10 voucher', points: 1000 }],
};

let t: TestTerminal;
let dir: { path: string; remove(): void };
let cashier: string;
let memberId: string;
const printers: VirtualPrinter[] = [];

async function call<M extends Method>(method: M, input: Input<M>, token: string): Promise<Output<M>> {
  const response = await createDispatcher(t.backend, { validateOutput: true })({ id: 1, method, input, token });
  if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`);
  return response.result as Output<M>;
}

beforeAll(() => {
  requireSocat();
  dir = tempDir('printers-');
  t = createTestTerminal({ program, terminal: { locale: 'de-DE' } });
  t.backend.printing.receipt = { storeName: 'Demo Market', headerLines: ['Hauptstraße 1, Berlin'], footerLines: [] };
  const manager = t.login('manager');
  cashier = t.login('cashier');
  memberId = t.enrol(manager, { name: 'Jürgen Weiß' }).id;
  t.call('points.adjust', { adjustmentId: uuidv7(t.clock.now()), memberId, points: 20_000, reason: 'opening' }, manager);
});
afterEach(async () => {
  for (const p of printers.splice(0)) await p.stop();
});
afterAll(() => {
  t.close();
  dir.remove();
});

function sell(redemption: Input<'sale.commit'>['redemption'] = null) {
  return t.call(
    'sale.commit',
    { saleId: uuidv7(t.clock.now()), memberId, lines: [{ sku: 'COFFEE-1KG', quantity: 2 }, { sku: 'BREAD' }], redemption },
    cashier,
  );
}

describe('the receipt model', () => {
  it('has store, date, staff, lines, total, points discount in money, paid, points earned and used, new balance, and the sale id as the code', () => {
    const sale = sell({ kind: 'points', points: 500 });
    const r = t.call('receipt.get', { saleId: sale.saleId }, cashier);
    expect(r.store.name).toBe('Demo Market');
    expect(r.staffName).toBe('Cashier'); // 'Cashier One': the first name only
    expect(r.lines.map((l) => [l.description, l.quantity, l.amountMinor])).toEqual([
      ['Coffee beans 1 kg', 2, 3000],
      ['Bread', 1, 250],
    ]);
    expect(r.totalMinor).toBe(3250);
    expect(r.pointsDiscount).toEqual({ label: null, points: 500, amountMinor: 500 });
    expect(r.paidMinor).toBe(2750);
    expect(r.loyalty).toMatchObject({ earned: sale.pointsAwarded, used: 500, balanceAfter: sale.balanceAfter, provisional: false });
    expect(r.barcode).toMatchObject({ symbology: 'qr', text: sale.saleId });
    expect(r.barcode.svg).toMatch(/^<svg /);
    const roles = receiptRows(r, 'de').map((row) => ('role' in row ? row.role : row.kind));
    for (const role of [
      'store',
      'date',
      'staff',
      'line',
      'total',
      'points-discount',
      'paid',
      'points-earned',
      'points-used',
      'balance',
      'sale-code',
    ])
      expect(roles).toContain(role);
  });

  it('shows the €10 voucher at its real value, not "0,00 € off"', () => {
    const sale = sell({ kind: 'reward', rewardId: 'voucher-10' });
    expect(sale.voucherCode).not.toBeNull();
    const r = t.call('receipt.get', { saleId: sale.saleId }, cashier);
    expect(r.voucher).toEqual({ code: sale.voucherCode, label: '€10 voucher', points: 1000, valueMinor: 1000 });
    expect(r.pointsDiscount).toBeNull();
    const text = receiptRows(r, 'de').flatMap((row) => ('text' in row ? [row.text] : 'left' in row ? [`${row.left} ${row.right}`] : []));
    expect(text.join('\n')).toContain('€10 voucher: Wert 10,00\u00a0€ beim nächsten Einkauf');
    expect(text.join('\n')).not.toContain('0,00\u00a0€ off');
  });

  it('words the programme in the store’s language: a keyed amount by its category’s name, a reward by its German label', () => {
    const sale = t.call(
      'sale.commit',
      {
        saleId: uuidv7(t.clock.now()),
        memberId,
        lines: [{ category: 'organic', amountMinor: 500 }, { sku: 'COFFEE-CUP' }],
        redemption: { kind: 'reward', rewardId: 'free-coffee' },
      },
      cashier,
    );
    const r = t.call('receipt.get', { saleId: sale.saleId }, cashier);
    expect(r.lines[0]?.description).toBe('Bio'); // the category 'organic', labelled for German
    expect(r.pointsDiscount?.label).toBe('Gratis-Kaffee');
  });

  it('a sale of someone else’s id is not found', () => {
    expect(t.fail('receipt.get', { saleId: uuidv7(t.clock.now()) }, cashier).code).toBe('NOT_FOUND');
  });
});

async function printOn(printer: VirtualPrinter, config: Record<string, unknown>, saleId: string) {
  t.backend.printing.printer = parsePrinterConfig(config);
  const outcome = await call('receipt.print', { saleId, language: 'de' }, cashier);
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
  return decodeEscPos(await printer.cut());
}

function expectReceiptOnPaper(paper: ReturnType<typeof decodeEscPos>, sale: Output<'sale.commit'>) {
  const text = paper.lines.join('\n');
  expect(paper.lines.map((l) => l.trim())).toContain('Demo Market');
  expect(text).toContain('Hauptstraße 1, Berlin');
  expect(text).toContain('Es bediente Sie Cashier');
  expect(text).toMatch(/2 × Coffee beans 1 kg\s+30,00\u00a0€/);
  expect(text).toMatch(/Bread\s+2,50\u00a0€/);
  expect(text).toMatch(/Summe\s+32,50\u00a0€/);
  expect(text).toMatch(/Punkterabatt \(500 P\.\)\s+-5,00\u00a0€/);
  expect(text).toMatch(/Bezahlt\s+27,50\u00a0€/);
  expect(text).toMatch(new RegExp(`Gesammelte Punkte\\s+\\+${sale.pointsAwarded}`));
  expect(text).toMatch(/Eingelöste Punkte\s+-500/);
  expect(text).toMatch(new RegExp(`Neuer Punktestand\\s+${sale.balanceAfter!.toLocaleString('de-DE')}`));
  expect(text).toContain(sale.saleId);
  expect(paper.codes).toEqual([{ kind: 'qr', data: sale.saleId }]);
  expect(paper.cuts).toBe(1);
  // Nothing personal: not the member's name.
  expect(text).not.toContain('Jürgen');
  expect(text).not.toContain('Weiß');
  // Code page 858 (€ and German letters) was selected before the text.
  expect(paper.codeTable).not.toBeNull();
}

describe('printing on a virtual thermal printer', () => {
  it('over a serial port (a real PTY): the decoded paper carries the whole receipt, its QR code and a cut', async () => {
    const printer = await startPtyPrinter(dir.path, 'serial-printer');
    printers.push(printer);
    const sale = sell({ kind: 'points', points: 500 });
    const paper = await printOn(printer, { kind: 'serial', path: printer.target, baudRate: 19200 }, sale.saleId);
    expect(paper.statusRequests).toEqual([1, 4]);
    expectReceiptOnPaper(paper, sale);
  });

  it('over the network (raw TCP, as port 9100)', async () => {
    const printer = await startTcpPrinter();
    printers.push(printer);
    const sale = sell({ kind: 'points', points: 500 });
    const paper = await printOn(printer, { kind: 'network', host: '127.0.0.1', port: printer.port, columns: 48 }, sale.saleId);
    expectReceiptOnPaper(paper, sale);
    expect(Math.max(...paper.lines.map((l) => l.length))).toBeLessThanOrEqual(48);
  });

  it('to a USB printer’s device file (the PTY opened as a file), 32 columns for 58 mm paper', async () => {
    const printer = await startPtyPrinter(dir.path, 'usb-printer');
    printers.push(printer);
    const sale = sell({ kind: 'points', points: 500 });
    const paper = await printOn(printer, { kind: 'usb', path: printer.target, columns: 32 }, sale.saleId);
    expect(paper.statusRequests).toEqual([]); // a device file is written to, never read
    expectReceiptOnPaper(paper, sale);
    // Every line fits 32 columns but the sale id's, printed in the printer's small font to stay whole.
    expect(Math.max(...paper.lines.filter((l) => !l.includes(sale.saleId)).map((l) => l.length))).toBeLessThanOrEqual(32);
  });

  it('prints a test page from Settings', async () => {
    const printer = await startTcpPrinter();
    printers.push(printer);
    t.backend.printing.printer = parsePrinterConfig({ kind: 'network', host: '127.0.0.1', port: printer.port });
    const admin = t.login('admin');
    expect(await call('printer.test', { language: 'en' }, admin)).toMatchObject({ ok: true });
    const paper = decodeEscPos(await printer.cut());
    expect(paper.lines.join(' ').replace(/\s+/g, ' ')).toContain('If you can read this, the receipt printer works.');
    expect(paper.lines.join('\n')).toContain('ÄÖÜ äöü ß € é');
    expect(paper.codes).toEqual([{ kind: 'qr', data: 'TEST' }]);
  });
});

describe('printer trouble is reported, never a failed sale', () => {
  it('paper out: the printer says so, nothing is sent, and the sale stays committed', async () => {
    const printer = await startTcpPrinter();
    printers.push(printer);
    printer.paperOut = true;
    const sale = sell();
    t.backend.printing.printer = parsePrinterConfig({ kind: 'network', host: '127.0.0.1', port: printer.port });
    const outcome = await call('receipt.print', { saleId: sale.saleId, language: 'en' }, cashier);
    expect(outcome).toEqual({ ok: false, reason: 'paper_out', detail: `the printer at ${printer.target} is out of paper` });
    expect(decodeEscPos(printer.received()).lines.join('')).toBe('');
    expect(t.call('receipt.get', { saleId: sale.saleId }, cashier).saleId).toBe(sale.saleId);
  });

  it('unplugged: a serial printer whose device is gone, a network printer that is off', async () => {
    const sale = sell();
    t.backend.printing.printer = parsePrinterConfig({ kind: 'serial', path: `${dir.path}/no-such-printer` });
    const serial = await call('receipt.print', { saleId: sale.saleId, language: 'en' }, cashier);
    expect(serial).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(serial.ok ? '' : serial.detail).toContain('no-such-printer');

    const off = await startTcpPrinter();
    await off.stop(); // the port is closed now
    t.backend.printing.printer = parsePrinterConfig({ kind: 'network', host: '127.0.0.1', port: off.port });
    expect(await call('receipt.print', { saleId: sale.saleId, language: 'en' }, cashier)).toMatchObject({
      ok: false,
      reason: 'unreachable',
      detail: `the printer at 127.0.0.1:${off.port} refused the connection`,
    });
  });

  it('a printer that takes the connection but never answers times out within the configured time', async () => {
    const printer = await startTcpPrinter();
    printers.push(printer);
    printer.silent = true;
    const sale = sell();
    t.backend.printing.printer = parsePrinterConfig({
      kind: 'network',
      host: '127.0.0.1',
      port: printer.port,
      timeoutMs: 600,
      statusTimeoutMs: 5_000,
    });
    const started = performance.now();
    const outcome = await call('receipt.print', { saleId: sale.saleId, language: 'en' }, cashier);
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a printer that never answers state requests is printed to anyway', async () => {
    const printer = await startTcpPrinter();
    printers.push(printer);
    printer.silent = true;
    const sale = sell({ kind: 'points', points: 500 });
    const paper = await printOn(printer, { kind: 'network', host: '127.0.0.1', port: printer.port, statusTimeoutMs: 100 }, sale.saleId);
    expectReceiptOnPaper(paper, sale);
  });

  it('no printer configured: the screens are told to use the system print dialog', async () => {
    t.backend.printing.printer = null;
    const sale = sell();
    expect(await call('receipt.print', { saleId: sale.saleId, language: 'en' }, cashier)).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
    expect(await call('printer.status', {}, cashier)).toMatchObject({ kind: null, problem: null });
  });

  it('a bad printer setting names the field', () => {
    expect(() => parsePrinterConfig({ kind: 'network', host: 'printer.local', port: 70_000 })).toThrow(/printer\.port/);
    expect(() => parsePrinterConfig({ kind: 'serial', path: '/dev/ttyUSB0', baud: 9600 })).toThrow(/printer\.baud/);
    expect(() => parsePrinterConfig({ kind: 'usb', path: '/dev/usb/lp0', codepage: 'utf8' })).toThrow(/printer\.codepage/);
  });
});
