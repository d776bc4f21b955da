import { autoDetect, BindingsError, DarwinPortBinding, LinuxPortBinding } from '@serialport/bindings-cpp';
// The serialport binding types. The package's "exports" map has types only for require:
// read them that way (a type import, erased at build).
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { SerialPortStream } from '@serialport/stream';
import { read } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { ScanEvent } from '../../../shared/scan.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { silentLogger, type Logger } from '../platform/logging.ts';
import { DEFAULT_MAX_FRAME_BYTES, SerialFramer, suffixBytes, type FramingDiagnostic, type FramingOptions } from './serial-framing.ts';

/**
 * The serial (RS-232 / USB-CDC) scanner adapter: opens the port, frames its bytes into
 * ScanEvents and survives unplug and replug. While the device is absent it polls for the path
 * to come back; the state says why it is not reading (waiting for the device, or an error
 * with a reason the IT person can act on).
 */

const byte = z.number().int().min(0).max(255);

export const serialScannerConfigSchema = z
  .object({
    /** Prefer a stable link such as /dev/serial/by-id/...: ttyUSB numbers can change on replug. */
    path: z.string().min(1),
    baudRate: z.number().int().min(50).max(4_000_000).default(9600),
    dataBits: z.literal([5, 6, 7, 8]).default(8),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
    stopBits: z.literal([1, 1.5, 2]).default(1),
    suffix: z.union([z.enum(['CR', 'LF', 'CRLF']), byte]).default('CR'),
    /** Bytes each code starts with: a string (UTF-8) or byte values, e.g. [2] for STX. */
    prefix: z.union([z.string().min(1), z.array(byte).min(1).max(16)]).optional(),
    aim: z.enum(['auto', 'required', 'off']).default('auto'),
    maxFrameBytes: z.number().int().min(16).max(65_536).default(DEFAULT_MAX_FRAME_BYTES),
    /** Bytes left without a suffix this long are dropped (and reported) so they cannot prefix the next code. */
    idleFlushMs: z.number().int().min(50).max(60_000).default(500),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.prefix === undefined) return;
    const prefix = prefixBytes(config.prefix);
    const suffix = suffixBytes(config.suffix);
    if (suffix.some((b) => prefix.includes(b)))
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must not contain the suffix byte' });
  });

export type SerialScannerConfigInput = z.input<typeof serialScannerConfigSchema>;
export type SerialScannerConfig = z.output<typeof serialScannerConfigSchema>;

/** A bad scanner configuration, naming the first offending field (e.g. 'baudRate'). */
export class SerialConfigError extends AppError {
  readonly field: string;
  constructor(field: string, message: string, issues: { field: string; message: string }[]) {
    super('VALIDATION', `serial scanner config: ${field}: ${message}`, { field, issues });
    this.name = 'SerialConfigError';
    this.field = field;
  }
}

export function parseSerialScannerConfig(input: unknown): SerialScannerConfig {
  const result = serialScannerConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    // An unknown key is reported on the object itself: name the key instead.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    return { field: path.map(String).join('.') || '(config)', message: issue.message };
  });
  throw new SerialConfigError(issues[0]!.field, issues[0]!.message, issues);
}

export function framingOptions(config: SerialScannerConfig): FramingOptions {
  const options: FramingOptions = { suffix: config.suffix, aim: config.aim, maxFrameBytes: config.maxFrameBytes };
  if (config.prefix !== undefined) options.prefix = prefixBytes(config.prefix);
  return options;
}

function prefixBytes(prefix: string | number[]): Uint8Array {
  return typeof prefix === 'string' ? new TextEncoder().encode(prefix) : Uint8Array.from(prefix);
}

export type SerialErrorCode = 'permission' | 'busy' | 'open-failed';

export type SerialScannerState =
  | { status: 'connected'; path: string; since: number }
  | { status: 'waiting'; path: string; since: number }
  | { status: 'error'; path: string; since: number; code: SerialErrorCode; reason: string };

export interface SerialScannerOptions {
  /** Validated with parseSerialScannerConfig: a bad config throws SerialConfigError. */
  config: unknown;
  onScan: (event: ScanEvent) => void;
  onState?: (state: SerialScannerState) => void;
  onDiagnostic?: (diagnostic: FramingDiagnostic) => void;
  /** Every chunk as received, for the settings screen's "test scan". */
  onBytes?: (chunk: Uint8Array) => void;
  /** Defaults to the native binding for this platform; tests pass MockBinding. */
  binding?: BindingInterface;
  clock?: Clock;
  logger?: Logger;
  /** How often to look for an absent device (default 200 ms: reading again well within 2 s). */
  waitingPollMs?: number;
  /** How often to retry after an error such as a permission problem (default 1 s). */
  errorRetryMs?: number;
  /** Pause between a device node appearing and opening it (default 150 ms). */
  settleMs?: number;
}

export interface SerialScanner {
  readonly state: SerialScannerState;
  /** Stops reading and polling; resolves once the port is closed and no timer is left. */
  close(): Promise<void>;
}

/** Starts the adapter at once; it keeps trying to open the port until close(). */
export function startSerialScanner(options: SerialScannerOptions): SerialScanner {
  return new SerialScannerAdapter(options);
}

/** Turns a failed open into a state: absent devices are waited for, the rest is an error with a reason. */
export function classifyOpenError(
  error: unknown,
  path: string,
): { status: 'waiting' } | { status: 'error'; code: SerialErrorCode; reason: string } {
  // The native binding reports strerror() text, not errno codes: match both.
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || code === 'ENXIO' || code === 'ENODEV' || /No such (file|device)/i.test(message)) return { status: 'waiting' };
  if (code === 'EACCES' || code === 'EPERM' || /Permission denied|Operation not permitted/i.test(message)) {
    return {
      status: 'error',
      code: 'permission',
      reason: `Permission denied opening ${path}: add the terminal's user account to the Linux \`dialout\` group (sudo usermod -aG dialout USER), then log out and in again.`,
    };
  }
  if (code === 'EBUSY' || /Cannot lock port|Resource busy|Resource temporarily unavailable/i.test(message)) {
    return {
      status: 'error',
      code: 'busy',
      reason: `${path} is in use by another program (close any other scanner or terminal software using it).`,
    };
  }
  return { status: 'error', code: 'open-failed', reason: `Cannot open ${path}: ${message}` };
}

class SerialScannerAdapter implements SerialScanner {
  private readonly config: SerialScannerConfig;
  private readonly binding: BindingInterface;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private current: SerialScannerState;
  private port: SerialPortStream | undefined;
  private framer: SerialFramer | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;
  /** Device nodes can be watched on the filesystem only with the native binding, off Windows. */
  private readonly canSeeDevices: boolean;
  private sawAbsent = false;

  constructor(private readonly options: SerialScannerOptions) {
    this.config = parseSerialScannerConfig(options.config);
    this.binding = options.binding ?? withHangupDetection(autoDetect());
    this.canSeeDevices = options.binding === undefined && process.platform !== 'win32';
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.current = { status: 'waiting', path: this.config.path, since: this.clock.now() };
    this.opening = this.open();
  }

  get state(): SerialScannerState {
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    await this.opening;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await closePort(port);
  }

  /**
   * While waiting, look for the device node before opening it. When it appears, give its creator
   * a moment: udev applies the node's group and permissions (and a PTY's creator its terminal
   * settings) just after the node appears, and an open in between fails or inherits wrong settings.
   */
  private async devicePresent(): Promise<boolean> {
    if (!this.canSeeDevices || this.current.status !== 'waiting') return true;
    const present = await stat(this.config.path).then(
      () => true,
      () => false,
    );
    if (this.closed) return false;
    if (!present) {
      this.sawAbsent = true;
      this.retryLater(this.options.waitingPollMs ?? 200);
      return false;
    }
    if (this.sawAbsent) {
      this.sawAbsent = false;
      this.retryLater(this.options.settleMs ?? 150);
      return false;
    }
    return true;
  }

  private async open(): Promise<void> {
    if (!(await this.devicePresent())) return;
    const { path, baudRate, dataBits, parity, stopBits } = this.config;
    const port = new SerialPortStream({ binding: this.binding, path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      if (this.closed) return;
      const outcome = classifyOpenError(error, path);
      if (outcome.status === 'waiting') {
        this.setState({ status: 'waiting', path, since: this.clock.now() });
        this.retryLater(this.options.waitingPollMs ?? 200);
      } else {
        this.setState({ status: 'error', path, since: this.clock.now(), code: outcome.code, reason: outcome.reason });
        this.retryLater(this.options.errorRetryMs ?? 1_000);
      }
      return;
    }
    if (this.closed) {
      await closePort(port);
      return;
    }
    this.port = port;
    this.framer = new SerialFramer(framingOptions(this.config));
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    // A read error on unplug closes the stream with a DisconnectedError; any other error is logged.
    port.on('error', (error: Error) => this.logger.log('warn', 'scanner.serial.port_error', { path, message: error.message }));
    port.on('close', () => this.lost(port));
    this.setState({ status: 'connected', path, since: this.clock.now() });
  }

  private receive(chunk: Uint8Array): void {
    const at = this.clock.now();
    this.options.onBytes?.(chunk);
    const framer = this.framer;
    if (framer === undefined) return;
    for (const output of framer.push(chunk)) {
      if (output.kind === 'diagnostic') this.diagnose(output);
      else {
        this.logger.log('debug', 'scanner.serial.scan', { symbology: output.symbology, length: output.text.length });
        const event: ScanEvent =
          output.symbology === undefined
            ? { source: 'serial', text: output.text, at }
            : { source: 'serial', symbology: output.symbology, text: output.text, at };
        try {
          this.options.onScan(event);
        } catch (error) {
          // A failing consumer must not stop the reader. Its message may quote the scan: log the error's name only.
          this.logger.log('error', 'scanner.serial.consumer_failed', { error: error instanceof Error ? error.name : typeof error });
        }
      }
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = framer.pendingBytes > 0 ? setTimeout(() => this.flush(), this.config.idleFlushMs) : undefined;
  }

  private flush(): void {
    this.idleTimer = undefined;
    for (const diagnostic of this.framer?.flush() ?? []) if (diagnostic.kind === 'diagnostic') this.diagnose(diagnostic);
  }

  private diagnose(diagnostic: FramingDiagnostic): void {
    // Codes and byte counts only: the bytes themselves may be a member's card or token.
    this.logger.log('warn', 'scanner.serial.diagnostic', { path: this.config.path, diagnostic: diagnostic.code, bytes: diagnostic.bytes });
    this.options.onDiagnostic?.(diagnostic);
  }

  private lost(port: SerialPortStream): void {
    if (this.port !== port) return;
    clearTimeout(this.idleTimer);
    this.flush();
    this.port = undefined;
    this.framer = undefined;
    if (this.closed) return;
    this.setState({ status: 'waiting', path: this.config.path, since: this.clock.now() });
    this.retryLater(this.options.waitingPollMs ?? 200);
  }

  private retryLater(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.opening = this.open();
    }, ms);
  }

  private setState(next: SerialScannerState): void {
    const previous = this.current;
    // Retries repeat the same state: keep its `since`, and tell listeners and the log only of changes.
    if (previous.status === next.status && (previous.status !== 'error' || next.status !== 'error' || previous.code === next.code)) return;
    this.current = next;
    this.logger.log(next.status === 'error' ? 'error' : 'info', 'scanner.serial.state', {
      path: next.path,
      status: next.status,
      ...(next.status === 'error' ? { code: next.code, cause: next.reason } : {}),
    });
    this.options.onState?.(next);
  }
}

function closePort(port: SerialPortStream): Promise<void> {
  // A close error means the port is already gone: nothing left to release.
  return new Promise((resolve) => port.close(() => resolve()));
}

const readFd = promisify(read);

/**
 * bindings-cpp retries a zero-byte read forever (serialport/bindings-cpp#162, still open in 13.0.1).
 * A hung-up tty reads 0 bytes (a USB scanner unplugged, a PTY whose other end closed), so the
 * reader would spin at full CPU and never report the disconnect. On Unix we read the port
 * ourselves and treat 0 bytes as the disconnect it is; the stream then closes the port.
 */
function withHangupDetection(binding: BindingInterface): BindingInterface {
  return {
    list: () => binding.list(),
    async open(options) {
      const port = await binding.open(options);
      if (port instanceof LinuxPortBinding || port instanceof DarwinPortBinding)
        port.read = (buffer, offset, length) => readOrHangUp(port, buffer, offset, length);
      return port;
    },
  };
}

async function readOrHangUp(
  port: LinuxPortBinding | DarwinPortBinding,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    // A canceled error tells the stream this is our own close, not a disconnect.
    if (!port.isOpen || port.fd === null) throw new BindingsError('Port is not open', { canceled: true });
    let bytesRead: number;
    try {
      ({ bytesRead } = await readFd(port.fd, buffer, offset, length, null));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw error;
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (err) => (err ? reject(err) : resolve())));
      continue;
    }
    // With VMIN=1 (the binding's default) a tty read returns 0 only once it has hung up.
    if (bytesRead === 0) throw new Error('the device hung up (read returned 0 bytes)');
    return { buffer, bytesRead };
  }
}
