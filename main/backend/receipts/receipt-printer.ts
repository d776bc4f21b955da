import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { PrintOutcome } from '../../../shared/receipt.ts';
import type { Logger } from '../platform/logging.ts';
import { printerTarget, type PrinterConfig } from './printer-config.ts';
import { linkError, openPrinterLink, PrinterLinkError, type PrinterLink } from './printer-link.ts';

/**
 * Sends a print job and says how it went. Before the job the printer is asked
 * for its state (ESC/POS real-time status, DLE EOT 1 and DLE EOT 4) so "paper
 * out" and "cover open" are reported instead of a receipt that silently never
 * comes out. A printer that does not answer is printed to anyway (many cheap
 * ones never answer). The whole job has one deadline; nothing here throws.
 */
export const STATUS_REQUEST = Uint8Array.of(0x10, 0x04, 0x01, 0x10, 0x04, 0x04);

/** What the two status bytes say; null when they are not status bytes (bit pattern 0xx1xx10). */
export function readPrinterState(bytes: Uint8Array): { offline: boolean; paperOut: boolean } | null {
  if (bytes.length < 2 || bytes.some((b) => (b & 0x93) !== 0x12)) return null;
  const [printer, paper] = bytes as unknown as [number, number];
  return { offline: (printer & 0x08) !== 0, paperOut: (paper & 0x60) === 0x60 };
}

export async function sendToPrinter(
  config: PrinterConfig,
  bytes: Uint8Array,
  options: { log: Logger; binding?: BindingInterface; now?: () => number },
): Promise<PrintOutcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const target = printerTarget(config);
  let link: PrinterLink | null = null;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PrinterLinkError('timeout', `the printer at ${target} did not take the receipt within ${config.timeoutMs} ms`)),
      config.timeoutMs,
    );
  });
  const job = async (): Promise<PrintOutcome> => {
    link = await openPrinterLink(config, { timeoutMs: config.timeoutMs, ...(options.binding ? { binding: options.binding } : {}) });
    if (config.statusCheck) {
      await link.write(STATUS_REQUEST);
      const state = readPrinterState(await link.read(2, config.statusTimeoutMs));
      if (state?.paperOut) return { ok: false, reason: 'paper_out', detail: `the printer at ${target} is out of paper` };
      if (state?.offline) return { ok: false, reason: 'offline', detail: `the printer at ${target} is not ready (cover open or error)` };
      if (state === null) options.log.log('debug', 'printer.no_status', { kind: config.kind });
    }
    await link.write(bytes);
    return { ok: true, bytes: bytes.length, ms: Math.round((now() - started) * 10) / 10 };
  };
  let outcome: PrintOutcome;
  try {
    const running = job();
    running.catch(() => {}); // lost the race to the deadline: its late failure is not news
    outcome = await Promise.race([running, deadline]);
  } catch (error) {
    const failure = linkError(error, target);
    outcome = { ok: false, reason: failure.reason, detail: failure.message };
  } finally {
    clearTimeout(timer);
  }
  // A link that hangs on close (a jammed device) is not waited for past a second.
  const opened = link as PrinterLink | null;
  if (opened) await Promise.race([opened.close().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
  options.log.log(outcome.ok ? 'info' : 'warn', outcome.ok ? 'printer.printed' : 'printer.failed', {
    kind: config.kind,
    ...(outcome.ok ? { bytes: outcome.bytes, ms: outcome.ms } : { cause: outcome.reason }),
  });
  return outcome;
}
