import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { CreatePortOptions, MockPortBinding } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import { startSerialScanner, type SerialScanner } from '../../main/backend/scanning/serial-scanner.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { createTestTerminal, tempDir, type TestTerminal } from '../helpers/terminal.ts';

// As in serial-scanner.test.ts: the mock's CommonJS entry, with its interface restated.
type MockBindingInterface = BindingInterface<MockPortBinding> & {
  reset(): void;
  createPort(path: string, options?: CreatePortOptions): void;
};
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };

/** What the settings screen asks of the serial scanner: the ports, its state and the raw bytes it sent. */
let dir: { path: string; remove(): void };
let t: TestTerminal;
let pty: PtyPair | null = null;
let scanner: SerialScanner | null = null;

beforeEach(() => {
  dir = tempDir('scanner-settings-');
  t = createTestTerminal({ dir: dir.path });
});
afterEach(async () => {
  await scanner?.close();
  await pty?.stop();
  scanner = null;
  pty = null;
  t.close();
  dir.remove();
  MockBinding.reset();
});

describe('scanner settings', () => {
  test('lists the serial ports for an admin only', async () => {
    MockBinding.createPort('/dev/ttyACM7', {
      echo: false,
      record: false,
      manufacturer: 'Acme Scanners',
      vendorId: '1a86',
      productId: '7523',
    });
    t.backend.serialBinding = MockBinding;
    // scanner.ports waits on the OS: through the dispatcher that answers asynchronous commands.
    const dispatch = createDispatcher(t.backend, { validateOutput: true });
    const answer = await dispatch({ id: 1, method: 'scanner.ports', input: {}, token: t.login('admin') });
    expect(answer.ok && (answer.result as { ports: unknown[] }).ports).toContainEqual(
      expect.objectContaining({ path: '/dev/ttyACM7', manufacturer: 'Acme Scanners', vendorId: '1a86' }),
    );
    const refused = await dispatch({ id: 2, method: 'scanner.ports', input: {}, token: t.login('cashier') });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
  });

  test('shows the state, the last raw bytes with control bytes named, and the last diagnostic', async () => {
    const admin = t.login('admin');
    expect(t.call('scanner.status', {}, admin)).toEqual({ configured: false, state: null, lastBytes: null, lastDiagnostic: null });
    pty = await startPtyPair(dir.path);
    const scans: string[] = [];
    scanner = startSerialScanner({
      config: { path: pty.scannerPath, baudRate: 115200 },
      ...t.backend.scanner.callbacks(),
      onScan: (s) => scans.push(s.text),
    });
    await expect.poll(() => t.call('scanner.status', {}, admin).state?.status).toBe('connected');
    pty.write('4006381333931\r');
    await expect.poll(() => scans.length).toBe(1);
    const status = t.call('scanner.status', {}, admin);
    expect(status.configured).toBe(true);
    expect(status.lastBytes).toMatchObject({ printable: '4006381333931<CR>', hex: '34 30 30 36 33 38 31 33 33 33 39 33 31 0D' });
    pty.write(Buffer.from([0xff, 0xfe, 0x0d]));
    await expect.poll(() => t.call('scanner.status', {}, admin).lastDiagnostic?.code).toBe('invalid-utf8');
  });
});
