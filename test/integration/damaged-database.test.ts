import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { createBackend } from '../../main/backend/backend.ts';
import { createSyncDispatcher } from '../../main/backend/dispatch.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { createTestTerminal, STAFF, tempDir } from '../helpers/terminal.ts';

test('a terminal whose database is damaged says so on every write and leaves the file as it was', () => {
  const dir = tempDir();
  try {
    const t = createTestTerminal({ dir: dir.path });
    const cashier = t.login('cashier');
    for (let i = 0; i < 300; i++)
      t.call('sale.commit', { saleId: uuidv7(), memberId: null, lines: [{ category: 'bakery', amountMinor: 100 + i }] }, cashier);
    t.backend.store.db.pragma('wal_checkpoint(TRUNCATE)');
    t.backend.store.db.close();
    const bytes = readFileSync(t.dbPath);
    bytes.fill(0xa5, 4096 * 3, 4096 * 9);
    writeFileSync(t.dbPath, bytes);

    const lines: string[] = [];
    const backend = createBackend({ dbPath: t.dbPath, storeId: 'store-1', log: jsonLogger((l) => lines.push(l)) });
    expect(backend.store.health.ok).toBe(false);
    expect(lines.some((l) => JSON.parse(l).event === 'database.corrupt')).toBe(true);

    const dispatch = createSyncDispatcher(backend);
    const login = dispatch({ id: 1, method: 'staff.login', input: { staffId: STAFF.cashier.id, pin: '0000' } });
    const sale = dispatch({
      id: 2,
      method: 'sale.commit',
      input: { saleId: uuidv7(), memberId: null, lines: [{ category: 'bakery', amountMinor: 100 }] },
      token: 'x',
    });
    expect(login.ok ? null : login.error.code).toBe('DATABASE_CORRUPT');
    expect(sale.ok).toBe(false);
    backend.store.db.close();
    expect(readFileSync(t.dbPath).equals(bytes)).toBe(true);
  } finally {
    dir.remove();
  }
});
