import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Input, Method, Output } from '../../shared/api.ts';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import { createBackend } from '../../main/backend/backend.ts';
import type { Backend, TerminalIdentity } from '../../main/backend/context.ts';
import { createSyncDispatcher } from '../../main/backend/dispatch.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import type { Logger } from '../../main/backend/platform/logging.ts';
import type { Lockout } from '../../main/backend/staff/pin-check.ts';
import { hashPin as hashScrypt } from '../../node-shared/pin-hash.ts';
import { keyPinHash, pinKeyOf } from '../../main/backend/staff/pin-verifier.ts';
import { writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertProduct } from '../../main/backend/store/products.ts';
import { installProgram } from '../../main/backend/store/program.ts';
import { upsertStaff } from '../../main/backend/store/staff.ts';
import { demoProgram } from '../fixtures/program.ts';
import { scratchDir } from './scratch-dir.ts';

/** Saturday 15 March 2025, 11:00 in Paris (10:00 UTC). */
export const SATURDAY = Date.UTC(2025, 2, 15, 10, 0);
/** Tuesday 11 March 2025, 11:00 in Paris. */
export const TUESDAY = Date.UTC(2025, 2, 11, 10, 0);

export const STAFF = {
  cashier: { id: 'cashier-1', pin: '1234' },
  cashier2: { id: 'cashier-2', pin: '2468' },
  manager: { id: 'manager-1', pin: '567890' },
  admin: { id: 'admin-1', pin: '999999' },
} as const;

export const PRODUCTS = [
  { sku: 'COFFEE-CUP', name: 'Coffee to go', category: 'drinks', priceMinor: 350, barcodes: ['4006381333931'] },
  { sku: 'COFFEE-1KG', name: 'Coffee beans 1 kg', category: 'coffee', priceMinor: 1500, barcodes: ['5449000000996'] },
  { sku: 'APPLES', name: 'Organic apples', category: 'organic', priceMinor: 400, barcodes: ['4000417025005'] },
  { sku: 'CIGARETTES', name: 'Cigarettes', category: 'tobacco', priceMinor: 1100, barcodes: ['9002490100070'] },
  { sku: 'GIFT-50', name: 'Gift card 50', category: 'gift-card', priceMinor: 5000, barcodes: [] },
  { sku: 'BREAD', name: 'Bread', category: 'bakery', priceMinor: 250, barcodes: ['96385074'] },
  { sku: 'TV', name: 'Television', category: 'electronics', priceMinor: 49_900, barcodes: [] },
];

export function tempDir(prefix = 'loyalty-'): { path: string; remove(): void } {
  const path = scratchDir(prefix);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Installs the programme, staff (cheap scrypt cost: tests log in often; stored as the
 * till stores a pulled PIN hash, keyed: staff/pin-verifier.ts) and the product catalogue.
 */
export function seed(backend: Backend, program: ProgramConfig = demoProgram, now = SATURDAY): void {
  const pinKey = pinKeyOf(backend.store);
  const hashPin = (pin: string, cost: number) => keyPinHash(hashScrypt(pin, cost), pinKey);
  writeTransaction(backend.store, (db) => {
    installProgram(db, program, now);
    upsertStaff(db, {
      id: STAFF.cashier.id,
      name: 'Cashier One',
      role: 'cashier',
      pinHash: hashPin(STAFF.cashier.pin, 1024),
      active: true,
      now,
    });
    upsertStaff(db, {
      id: STAFF.cashier2.id,
      name: 'Cashier Two',
      role: 'cashier',
      pinHash: hashPin(STAFF.cashier2.pin, 1024),
      active: true,
      now,
    });
    upsertStaff(db, {
      id: STAFF.manager.id,
      name: 'Manager One',
      role: 'manager',
      pinHash: hashPin(STAFF.manager.pin, 1024),
      active: true,
      now,
    });
    upsertStaff(db, { id: STAFF.admin.id, name: 'Admin One', role: 'admin', pinHash: hashPin(STAFF.admin.pin, 1024), active: true, now });
    for (const p of PRODUCTS) upsertProduct(db, { ...p, now });
  });
}

export interface TestTerminal {
  backend: Backend;
  clock: ManualClock;
  dbPath: string;
  /** Calls a command through the real dispatcher; throws the AppError it answered with. */
  call<M extends Method>(method: M, input: Input<M>, token?: string | null): Output<M>;
  /** Expects a command to fail and returns its error code. */
  fail<M extends Method>(
    method: M,
    input: Input<M>,
    token?: string | null,
  ): { code: ErrorCode; message: string; details?: Record<string, unknown> };
  login(who: keyof typeof STAFF): string;
  enrol(token: string, fields?: Partial<Input<'member.enrol'>>): Output<'member.enrol'>['member'];
  close(): void;
}

export function createTestTerminal(
  options: {
    program?: ProgramConfig;
    now?: number;
    log?: Logger;
    dir?: string;
    lockout?: Lockout;
    terminal?: Partial<TerminalIdentity>;
  } = {},
): TestTerminal {
  const dir = options.dir === undefined ? tempDir() : null;
  const dbPath = join(options.dir ?? dir!.path, 'terminal.sqlite');
  const clock = new ManualClock(options.now ?? SATURDAY);
  const backend = createBackend({
    dbPath,
    storeId: 'store-1',
    clock,
    log: options.log,
    lockout: options.lockout,
    terminal: options.terminal,
  });
  seed(backend, options.program, clock.now());
  const dispatch = createSyncDispatcher(backend, { validateOutput: true });
  let nextId = 1;
  let cards = 0;

  const raw = <M extends Method>(method: M, input: Input<M>, token?: string | null) =>
    dispatch({ id: nextId++, method, input, token: token ?? null });
  const terminal: TestTerminal = {
    backend,
    clock,
    dbPath,
    call(method, input, token) {
      const response = raw(method, input, token);
      if (!response.ok) throw new AppError(response.error.code as ErrorCode, response.error.message, response.error.details);
      return response.result as Output<typeof method>;
    },
    fail(method, input, token) {
      const response = raw(method, input, token);
      if (response.ok) throw new Error(`${method} was expected to fail but succeeded`);
      return response.error as { code: ErrorCode; message: string; details?: Record<string, unknown> };
    },
    login(who) {
      return terminal.call('staff.login', { staffId: STAFF[who].id, pin: STAFF[who].pin }).token;
    },
    enrol(token, fields = {}) {
      cards++;
      return terminal.call(
        'member.enrol',
        {
          memberId: uuidv7(clock.now()),
          name: `Member ${cards}`,
          consentMarketing: false,
          cardNumber: `CARD-${String(cards).padStart(6, '0')}`,
          ...fields,
        },
        token,
      ).member;
    },
    close() {
      backend.store.db.close();
      dir?.remove();
    },
  };
  return terminal;
}
