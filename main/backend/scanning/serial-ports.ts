import { autoDetect } from '@serialport/bindings-cpp';
// The serialport binding types. The package's "exports" map has types only for require:
// read them that way (a type import, erased at build).
import type { BindingInterface, PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ScanEvent } from '../../../shared/scan.ts';
import type { DiagnosticCode } from './serial-framing.ts';
import { startSerialScanner, type SerialScannerState } from './serial-scanner.ts';

/** For the settings screen: which serial ports exist, and a "test scan" showing the raw bytes. */

export interface SerialPortChoice {
  path: string;
  /** /dev/serial/by-id/... for the same device: survives replug, unlike ttyUSB0 which can become ttyUSB1. */
  stablePath?: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

const BY_ID = '/dev/serial/by-id';

export async function listSerialPorts(options: { binding?: BindingInterface } = {}): Promise<SerialPortChoice[]> {
  const ports = await listFromBinding(options.binding);
  const stable = await stableLinks();
  return ports.map((port) => {
    const choice: SerialPortChoice = { path: port.path };
    const link = stable.get(port.path);
    if (link !== undefined) choice.stablePath = link;
    if (port.manufacturer !== undefined) choice.manufacturer = port.manufacturer;
    if (port.serialNumber !== undefined) choice.serialNumber = port.serialNumber;
    if (port.vendorId !== undefined) choice.vendorId = port.vendorId;
    if (port.productId !== undefined) choice.productId = port.productId;
    return choice;
  });
}

async function listFromBinding(binding: BindingInterface | undefined): Promise<PortInfo[]> {
  if (binding !== undefined) return binding.list();
  // The Linux binding spawns `udevadm` without an error handler: where it is missing (containers,
  // minimal images) that crashes the process, so list /dev ourselves instead.
  if (process.platform === 'linux' && !onPath('udevadm')) return listDevTty();
  return autoDetect().list();
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** USB and on-board UART serial devices; legacy ttyS ports are left out here as most are phantoms without udev to tell. */
async function listDevTty(): Promise<PortInfo[]> {
  const names = await readdir('/dev').catch(() => [] as string[]);
  return names
    .filter((name) => /^tty(USB|ACM|AMA|WCH|XRUSB)\d+$/.test(name))
    .sort()
    .map((name) => ({
      path: `/dev/${name}`,
      manufacturer: undefined,
      serialNumber: undefined,
      pnpId: undefined,
      locationId: undefined,
      productId: undefined,
      vendorId: undefined,
    }));
}

async function stableLinks(): Promise<Map<string, string>> {
  const byTarget = new Map<string, string>();
  const links = await readdir(BY_ID).catch(() => [] as string[]);
  for (const link of links) {
    const target = await realpath(join(BY_ID, link)).catch(() => undefined);
    if (target !== undefined) byTarget.set(target, join(BY_ID, link));
  }
  return byTarget;
}

/** Raw bytes made readable for a person: hex, and text with control bytes named (`<CR>`, `<GS>`). */
export interface RawBytesView {
  bytes: number;
  hex: string;
  printable: string;
}

const C0 = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

export function describeRawBytes(bytes: Uint8Array): RawBytesView {
  const hex = Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const printable = Array.from(bytes, (b) =>
    b < 0x20 ? `<${C0[b]!}>` : b === 0x7f ? '<DEL>' : b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase()}`,
  ).join('');
  return { bytes: bytes.length, hex, printable };
}

export interface TestScanResult {
  /** 'scanned': a code was framed; 'timeout': nothing framed in time; 'unavailable': the port could not be opened. */
  outcome: 'scanned' | 'timeout' | 'unavailable';
  state: SerialScannerState;
  /** Everything received, for the person setting the scanner up. Shown on screen, never logged. */
  raw: RawBytesView;
  scans: ScanEvent[];
  diagnostics: DiagnosticCode[];
}

/**
 * Opens the port with `config` until the first code is framed (or `timeoutMs`), then closes it.
 * The running adapter holds the port's lock, so stop it first; otherwise this reports 'busy'.
 */
export async function testScan(options: {
  config: unknown;
  binding?: BindingInterface;
  timeoutMs?: number;
  /** 'connected' is the moment to ask the person to scan a code. */
  onState?: (state: SerialScannerState) => void;
}): Promise<TestScanResult> {
  const chunks: Uint8Array[] = [];
  const scans: ScanEvent[] = [];
  const diagnostics: DiagnosticCode[] = [];
  let finish: (outcome: TestScanResult['outcome']) => void = () => {};
  const done = new Promise<TestScanResult['outcome']>((resolve) => (finish = resolve));
  const scanner = startSerialScanner({
    config: options.config,
    ...(options.binding === undefined ? {} : { binding: options.binding }),
    onBytes: (chunk) => chunks.push(new Uint8Array(chunk)),
    onScan: (event) => {
      scans.push(event);
      finish('scanned');
    },
    onDiagnostic: (diagnostic) => diagnostics.push(diagnostic.code),
    onState: (state) => {
      options.onState?.(state);
      if (state.status === 'error') finish('unavailable');
    },
  });
  const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 10_000);
  const outcome = await done;
  clearTimeout(timer);
  const state = scanner.state;
  await scanner.close();
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((offset, c) => (all.set(c, offset), offset + c.length), 0);
  return { outcome, state, raw: describeRawBytes(all), scans, diagnostics };
}
