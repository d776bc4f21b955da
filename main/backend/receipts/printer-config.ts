import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { Logger } from '../platform/logging.ts';

/**
 * The receipt printer as IT configures it (fleet configuration `printer`, or
 * LT_PRINTER as JSON): an ESC/POS thermal printer on a serial port, a USB
 * printer's device file, or the network (raw TCP, port 9100). None = the
 * screens print through the system's print dialog.
 */
const CODEPAGES = [
  'cp437',
  'cp850',
  'cp852',
  'cp858',
  'cp860',
  'cp863',
  'cp865',
  'cp866',
  'iso8859-15',
  'windows1250',
  'windows1251',
  'windows1252',
] as const;

const common = {
  /** Characters per line: 42 or 48 on 80 mm paper, 32 on 58 mm. */
  columns: z.number().int().min(24).max(64).default(42),
  /** The printer's code page for text (cp858 has € and the German letters). */
  codepage: z.enum(CODEPAGES).default('cp858'),
  /** A model the encoder knows (its code page numbers and capabilities), e.g. 'epson-tm-t88vi'; default: generic Epson-compatible. */
  model: z
    .string()
    .refine((m) => ReceiptPrinterEncoder.printerModels.some((p) => p.id === m), 'is not a printer model the encoder knows')
    .optional(),
  /** Ask the printer for its state (DLE EOT) before printing, to report paper out or cover open; printers that do not answer are printed to anyway. */
  statusCheck: z.boolean().default(true),
  /** How long to wait for the printer to answer its state. */
  statusTimeoutMs: z.number().int().min(50).max(5_000).default(400),
  /** The whole print (connect, state, send) must finish within this. */
  timeoutMs: z.number().int().min(500).max(60_000).default(5_000),
  /** Cut the paper after the receipt (printers without a cutter ignore it). */
  cut: z.boolean().default(true),
};
const devicePath = z.string().min(1).max(300);

export const printerConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('serial'),
    path: devicePath,
    baudRate: z.number().int().min(1200).max(921_600).default(9600),
    ...common,
  }),
  // A USB printer's device file (/dev/usb/lp0): written to, never read, so no state check by default.
  z.strictObject({ kind: z.literal('usb'), path: devicePath, ...common, statusCheck: z.boolean().default(false) }),
  z.strictObject({
    kind: z.literal('network'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(9100),
    ...common,
  }),
]);
export type PrinterConfig = z.output<typeof printerConfigSchema>;

/** What goes at the top and bottom of every receipt (fleet configuration `receipt`, or LT_RECEIPT as JSON). */
export const receiptConfigSchema = z.strictObject({
  /** The store's name as printed; default: the store id. */
  storeName: z.string().min(1).max(64).optional(),
  /** Address, phone, VAT number… one printed line each. */
  headerLines: z.array(z.string().max(64)).max(8).default([]),
  footerLines: z.array(z.string().max(64)).max(8).default([]),
});
export type ReceiptConfig = z.output<typeof receiptConfigSchema>;

/** A bad printer or receipt setting, naming the first offending field (e.g. 'printer.port'). */
export function parsePrinterConfig(input: unknown): PrinterConfig {
  return parseOrName(printerConfigSchema, input, 'printer');
}

export function parseReceiptConfig(input: unknown): ReceiptConfig {
  return parseOrName(receiptConfigSchema, input ?? {}, 'receipt');
}

function parseOrName<S extends z.ZodType>(schema: S, input: unknown, group: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = [group, ...path.map(String)].join('.');
  throw new AppError('VALIDATION', `${field}: ${issue.message}`, { field });
}

/** Where the printer is, as the settings screen shows it. */
export function printerTarget(config: PrinterConfig): string {
  return config.kind === 'network' ? `${config.host}:${config.port}` : config.path;
}

/**
 * The printing settings the host handed over as JSON. A bad printer setting
 * leaves the terminal selling with the system print dialog, and says why in
 * the log (the shell has already checked the fleet file; this guards LT_PRINTER
 * set by hand).
 */
export function printingFromConfig(
  printerJson: string | undefined,
  receiptJson: string | undefined,
  log: Logger,
): { printer: PrinterConfig | null; receipt: ReceiptConfig; problem: string | null } {
  let printer: PrinterConfig | null = null;
  let receipt: ReceiptConfig = { headerLines: [], footerLines: [] };
  const problems: string[] = [];
  try {
    if (printerJson) printer = parsePrinterConfig(JSON.parse(printerJson));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  try {
    if (receiptJson) receipt = parseReceiptConfig(JSON.parse(receiptJson));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  for (const problem of problems) log.log('error', 'printing.config_invalid', { problem });
  return { printer, receipt, problem: problems.length > 0 ? problems.join('; ') : null };
}
