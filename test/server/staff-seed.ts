/**
 * The staff a test server knows: the server checks that every event's staff
 * exists, is active, works at the terminal's store and holds the role its
 * command needs (server/apply/trust/judge.ts). The ids are those the test
 * terminals and the server tests' event builders use; the PIN hashes are the
 * test terminals' cheap ones (test/helpers/terminal.ts), so a pull changes nothing.
 */
import { hashPin } from '../../node-shared/pin-hash.ts';
import { changeTransaction, type Db } from '../../server/store/db.ts';
import { insertRows } from '../../server/store/json-rows.ts';

export const SERVER_STAFF = [
  { id: 'staff-1', name: 'Staff One', role: 'cashier', pin: '1111' },
  { id: 'cashier-1', name: 'Cashier One', role: 'cashier', pin: '1234' },
  { id: 'cashier-2', name: 'Cashier Two', role: 'cashier', pin: '2468' },
  { id: 'manager-1', name: 'Manager One', role: 'manager', pin: '567890' },
  { id: 'admin-1', name: 'Admin One', role: 'admin', pin: '999999' },
] as const;

/**
 * `storeId` null: they work at every store (head office): the server accepts their events from
 * any till, but a till receives them only when they are assigned to its store (`assignedTo`).
 */
export async function seedServerStaff(db: Db, storeId: string | null = null, assignedTo: readonly string[] = []): Promise<void> {
  const rows = SERVER_STAFF.map((s) => ({
    id: s.id,
    name: s.name,
    role: s.role,
    pin_hash: hashPin(s.pin, 1024),
    active: true,
    store_id: storeId,
  }));
  await changeTransaction(db, async (tx) => {
    await insertRows(
      tx,
      'staff',
      'id text, name text, role text, pin_hash text, active boolean, store_id text',
      rows,
      'ON CONFLICT (id) DO NOTHING',
    );
    const assignments = SERVER_STAFF.flatMap((s) => assignedTo.map((store) => ({ staff_id: s.id, store_id: store })));
    if (assignments.length > 0) await insertRows(tx, 'staff_stores', 'staff_id text, store_id text', assignments, 'ON CONFLICT DO NOTHING');
  });
}
