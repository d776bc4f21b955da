import type { CreatePortOptions, MockPortBinding } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import type { BindingInterface, OpenOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../shared/scan.ts';
import type { Logger } from '../../main/backend/platform/logging.ts';
import type { DiagnosticCode } from '../../main/backend/scanning/serial-framing.ts';
import { createScanHub } from '../../main/backend/scanning/scan-hub.ts';
import { describeRawBytes, listSerialPorts, testScan } from '../../main/backend/scanning/serial-ports.ts';
import {
  parseSerialScannerConfig,
  SerialConfigError,
  startSerialScanner,
  type SerialScanner,
  type SerialScannerConfigInput,
  type SerialScannerOptions,
  type SerialScannerState,
} from '../../main/backend/scanning/serial-scanner.ts';
import { requireSocat, startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';

// The mock's "exports" map has no types for its ESM entry, and its own types lose the interface
// they extend under this resolution: load the CommonJS entry and restate the interface.
type MockBindingInterface = BindingInterface<MockPortBinding> & {
  reset(): void;
  createPort(path: string, options?: CreatePortOptions): void;
};
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };

/** What one adapter reported, with event-driven waits (no fixed sleeps to synchronise). */
function recorder() {
  const scans: ScanEvent[] = [];
  const states: SerialScannerState[] = [];
  const diagnostics: DiagnosticCode[] = [];
  const chunks: Uint8Array[] = [];
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((wake) => wake());
  const logger: Logger = { log: (level, event, fields) => logs.push(JSON.stringify({ level, event, ...fields })) };
  return {
    scans,
    states,
    diagnostics,
    chunks,
    logs,
    callbacks: {
      onScan: (event: ScanEvent) => (scans.push(event), notify()),
      onState: (state: SerialScannerState) => (states.push(state), notify()),
      onDiagnostic: (d: { code: DiagnosticCode }) => (diagnostics.push(d.code), notify()),
      onBytes: (chunk: Uint8Array) => (chunks.push(chunk), notify()),
      logger,
    } satisfies Partial<SerialScannerOptions>,
    /** Resolves as soon as `ready()` holds; fails naming `what` after `timeoutMs`. */
    until(ready: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
      if (ready()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (!ready()) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; states ${JSON.stringify(states)}, diagnostics ${JSON.stringify(diagnostics)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}

let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serial-scanner-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function pty(): Promise<PtyPair> {
  const pair = await startPtyPair(dir);
  cleanups.push(() => pair.stop());
  return pair;
}

function scanner(
  rec: ReturnType<typeof recorder>,
  config: Partial<SerialScannerConfigInput> = {},
  extra: Partial<SerialScannerOptions> = {},
): SerialScanner {
  const adapter = startSerialScanner({ config: { path: join(dir, 'scanner'), baudRate: 115200, ...config }, ...rec.callbacks, ...extra });
  cleanups.push(() => adapter.close());
  return adapter;
}

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('serial scanner on real pseudo-terminals (socat)', () => {
  it('needs socat: the Debian package `socat`', () => {
    expect(requireSocat).not.toThrow();
  });

  it('a code written in several chunks arrives whole, with its AIM identifier stripped', async () => {
    const pair = await pty();
    const rec = recorder();
    scanner(rec);
    await rec.until(() => rec.states.at(-1)?.status === 'connected', 'connected');
    for (const part of [']Q', '1290', '00001', '2345', '\r']) {
      pair.write(part);
      await delay(15); // spreads the bytes over separate reads; the framer must join them
    }
    await rec.until(() => rec.scans.length === 1, 'the scan');
    expect(rec.chunks.length).toBeGreaterThan(1);
    expect(rec.scans[0]).toMatchObject({ source: 'serial', symbology: ']Q1', text: '290000012345' });
    expect(Math.abs(rec.scans[0]!.at - Date.now())).toBeLessThan(5_000);
    // Personal data stays out of the logs: no log line quotes the scanned text.
    expect(rec.logs.join('\n')).not.toContain('290000012345');
  });

  it('several codes in one write, with diagnostics for garbage, overflow and unterminated bytes; later codes still arrive', async () => {
    const pair = await pty();
    const rec = recorder();
    scanner(rec, { idleFlushMs: 100 });
    await rec.until(() => rec.states.at(-1)?.status === 'connected', 'connected');
    pair.write(']E04006381333931\r]C0ABC-1\r');
    pair.write(Uint8Array.from([0x31, 0xff, 0xfe, 0x80, 0x0d]));
    pair.write('x'.repeat(5_000));
    pair.write('\r2900000000007\r');
    await rec.until(() => rec.scans.length === 3, 'three scans');
    expect(rec.scans.map((s) => [s.symbology, s.text])).toEqual([
      [']E0', '4006381333931'],
      [']C0', 'ABC-1'],
      [undefined, '2900000000007'],
    ]);
    expect(rec.diagnostics).toEqual(['invalid-utf8', 'overflow']);
    // Bytes with no suffix are dropped after the line goes quiet, so they cannot prefix the next code.
    pair.write('\x00noise');
    await rec.until(() => rec.diagnostics.includes('unterminated'), 'unterminated diagnostic');
    pair.write('2900000000014\r');
    await rec.until(() => rec.scans.length === 4, 'the fourth scan');
    expect(rec.scans[3]!.text).toBe('2900000000014');
    expect(rec.logs.some((line) => line.includes('"diagnostic":"overflow"'))).toBe(true);
  });

  it('a scanner that sends nothing: connected, no scans, no diagnostics, closes cleanly', async () => {
    await pty();
    const rec = recorder();
    const adapter = scanner(rec);
    await rec.until(() => adapter.state.status === 'connected', 'connected');
    await delay(300);
    expect(rec.scans).toEqual([]);
    expect(rec.diagnostics).toEqual([]);
  });

  it('unplug: reports waiting; replug: connected and reading again within 2 s, without a restart', async () => {
    const first = await startPtyPair(dir);
    const rec = recorder();
    const adapter = scanner(rec);
    await rec.until(() => adapter.state.status === 'connected', 'connected');
    first.write('2900000000021\r');
    await rec.until(() => rec.scans.length === 1, 'a scan before the unplug');

    await first.stop();
    await rec.until(() => adapter.state.status === 'waiting', 'waiting after the unplug');
    await delay(500); // stays unplugged for a while: the adapter keeps polling, quietly
    expect(adapter.state.status).toBe('waiting');

    const second = await pty();
    const back = performance.now();
    await rec.until(() => adapter.state.status === 'connected', 'connected after the replug', 2_000);
    second.write('2900000000038\r');
    await rec.until(() => rec.scans.length === 2, 'a scan after the replug', 2_000);
    expect(performance.now() - back).toBeLessThan(2_000);
    expect(rec.scans[1]!.text).toBe('2900000000038');
    expect(rec.states.map((s) => s.status)).toEqual(['connected', 'waiting', 'connected']);
    // One log line per change, not one per poll.
    expect(rec.logs.filter((line) => line.includes('scanner.serial.state'))).toHaveLength(3);
  });

  it('a device absent at start is waited for, and close() while waiting leaves no timer behind', async () => {
    const before = activeTimers();
    const rec = recorder();
    const adapter = startSerialScanner({ config: { path: join(dir, 'scanner') }, ...rec.callbacks });
    await delay(250);
    expect(adapter.state.status).toBe('waiting');
    const pair = await pty();
    await rec.until(() => adapter.state.status === 'connected', 'connected once the device appears', 2_000);
    pair.write('1\r');
    await rec.until(() => rec.scans.length === 1, 'a scan');
    await pair.stop();
    await rec.until(() => adapter.state.status === 'waiting', 'waiting');
    await adapter.close();
    expect(activeTimers()).toBeLessThanOrEqual(before);
    const statesAtClose = rec.states.length;
    await delay(300);
    expect(rec.states.length).toBe(statesAtClose);
  });

  it('a port another program holds is an error with a reason, then recovers when it is released', async () => {
    await pty();
    const holder = recorder();
    const first = scanner(holder);
    await holder.until(() => first.state.status === 'connected', 'first adapter connected');
    const rec = recorder();
    const second = startSerialScanner({ config: { path: join(dir, 'scanner') }, ...rec.callbacks, errorRetryMs: 100 });
    cleanups.push(() => second.close());
    await rec.until(() => second.state.status === 'error', 'the busy error');
    expect(second.state).toMatchObject({ status: 'error', code: 'busy' });
    await first.close();
    await rec.until(() => second.state.status === 'connected', 'connected once released');
  });

  it('test scan shows the raw bytes and how they frame', async () => {
    const pair = await pty();
    let connected: () => void = () => {};
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const result = testScan({
      config: { path: pair.scannerPath, suffix: 'CRLF' },
      timeoutMs: 3_000,
      onState: (s) => s.status === 'connected' && connected(),
    });
    await ready;
    pair.write(']Q1AB\x1dC\r\n');
    const { outcome, raw, scans, diagnostics, state } = await result;
    expect(outcome).toBe('scanned');
    expect(state.status).toBe('connected');
    expect(raw.printable).toBe(']Q1AB<GS>C<CR><LF>');
    expect(raw.hex).toBe('5D 51 31 41 42 1D 43 0D 0A');
    expect(scans.map((s) => s.text)).toEqual(['AB\x1dC']);
    expect(diagnostics).toEqual([]);
  });
});

describe('serial scanner with the mock binding (what a PTY cannot show)', () => {
  afterEach(() => MockBinding.reset());

  it('permission denied is an error naming the dialout group, and it recovers once access is granted', async () => {
    MockBinding.createPort('/dev/ttyUSB0');
    let denied = true;
    let opened: MockPortBinding | undefined;
    // The native binding reports strerror() text, so the mock fails the same way.
    const binding: BindingInterface = {
      list: () => MockBinding.list(),
      open: async (options: OpenOptions) => {
        if (denied) throw new Error('Error: Permission denied, cannot open /dev/ttyUSB0');
        return (opened = await MockBinding.open(options));
      },
    };
    const rec = recorder();
    const adapter = startSerialScanner({ config: { path: '/dev/ttyUSB0' }, binding, ...rec.callbacks, errorRetryMs: 50 });
    cleanups.push(() => adapter.close());
    await rec.until(() => adapter.state.status === 'error', 'the permission error');
    expect(adapter.state).toMatchObject({ status: 'error', code: 'permission' });
    expect(adapter.state.status === 'error' && adapter.state.reason).toContain('`dialout` group');
    expect(rec.logs.some((line) => line.includes('dialout'))).toBe(true);

    denied = false;
    await rec.until(() => adapter.state.status === 'connected', 'connected after the fix');
    opened!.emitData(']d2010123\r');
    await rec.until(() => rec.scans.length === 1, 'a scan');
    expect(rec.scans[0]).toMatchObject({ source: 'serial', symbology: ']d2', text: '010123' });
  });

  it('lists ports (from the binding) for the settings screen', async () => {
    MockBinding.createPort('/dev/ttyACM0', { manufacturer: 'Honeywell', vendorId: '0c2e', productId: '0b61' });
    expect(await listSerialPorts({ binding: MockBinding })).toEqual([
      expect.objectContaining({ path: '/dev/ttyACM0', manufacturer: 'Honeywell', vendorId: '0c2e', productId: '0b61' }),
    ]);
    // The real listing must not crash on a machine without udevadm (like this container).
    expect(Array.isArray(await listSerialPorts())).toBe(true);
  });

  it('a failing consumer does not stop the reader', async () => {
    MockBinding.createPort('/dev/ttyUSB1');
    let port: MockPortBinding | undefined;
    const binding: BindingInterface = {
      list: () => MockBinding.list(),
      open: async (o: OpenOptions) => (port = await MockBinding.open(o)),
    };
    const rec = recorder();
    let calls = 0;
    const adapter = startSerialScanner({
      config: { path: '/dev/ttyUSB1' },
      binding,
      ...rec.callbacks,
      onScan: () => {
        calls++;
        throw new Error('consumer bug quoting 111');
      },
    });
    cleanups.push(() => adapter.close());
    await rec.until(() => adapter.state.status === 'connected', 'connected');
    port!.emitData('111\r222\r');
    await rec.until(() => rec.chunks.length > 0, 'the bytes');
    expect(calls).toBe(2);
    expect(rec.logs.join('\n')).not.toContain('111');
  });
});

describe('serial scanner config', () => {
  it('fills defaults', () => {
    expect(parseSerialScannerConfig({ path: '/dev/ttyUSB0' })).toEqual({
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      suffix: 'CR',
      aim: 'auto',
      maxFrameBytes: 4096,
      idleFlushMs: 500,
    });
  });

  it.each([
    [{ path: '' }, 'path'],
    [{ path: '/dev/ttyUSB0', baudRate: 'fast' }, 'baudRate'],
    [{ path: '/dev/ttyUSB0', dataBits: 9 }, 'dataBits'],
    [{ path: '/dev/ttyUSB0', parity: 'sometimes' }, 'parity'],
    [{ path: '/dev/ttyUSB0', stopBits: 3 }, 'stopBits'],
    [{ path: '/dev/ttyUSB0', suffix: 'TAB' }, 'suffix'],
    [{ path: '/dev/ttyUSB0', suffix: 256 }, 'suffix'],
    [{ path: '/dev/ttyUSB0', prefix: [2, 13] }, 'prefix'],
    [{ path: '/dev/ttyUSB0', baud: 9600 }, 'baud'],
  ])('rejects %j naming the field %s', (input, field) => {
    const error = (() => {
      try {
        parseSerialScannerConfig(input);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SerialConfigError);
    expect((error as SerialConfigError).field).toBe(field);
    expect((error as SerialConfigError).code).toBe('VALIDATION');
    expect((error as SerialConfigError).message).toContain(field);
  });

  it('the adapter refuses a bad config before touching any port', () => {
    expect(() => startSerialScanner({ config: { path: '/dev/ttyUSB0', parity: 'x' }, onScan: () => {} })).toThrow(SerialConfigError);
  });
});

describe('scan hub', () => {
  it('one stream from any source: subscribe, unsubscribe, and a failing listener does not starve others', () => {
    const hub = createScanHub();
    const seen: ScanEvent[] = [];
    const other: ScanEvent[] = [];
    hub.subscribe(() => {
      throw new Error('bad listener');
    });
    const stop = hub.subscribe((e) => seen.push(e));
    const listener = (e: ScanEvent) => other.push(e);
    hub.subscribe(listener);
    hub.publish({ source: 'serial', symbology: ']Q1', text: 'a', at: 1 });
    hub.publish({ source: 'wedge', text: 'b', at: 2 });
    stop();
    hub.unsubscribe(listener);
    hub.publish({ source: 'camera', text: 'c', at: 3 });
    expect(seen).toEqual([
      { source: 'serial', symbology: ']Q1', text: 'a', at: 1 },
      { source: 'wedge', text: 'b', at: 2 },
    ]);
    expect(other).toHaveLength(2);
  });

  it('describes raw bytes for people', () => {
    expect(describeRawBytes(Uint8Array.from([0x02, 0x41, 0x7f, 0xc3, 0x0d]))).toEqual({
      bytes: 5,
      hex: '02 41 7F C3 0D',
      printable: '<STX>A<DEL>\\xC3<CR>',
    });
  });
});
