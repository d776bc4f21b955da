import { importProducts, importProgram, importStaff } from '../../server/admin/catalogue.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { createStore } from '../../server/admin/stores.ts';
import type { Db } from '../../server/store/db.ts';
import { DEMO_PRODUCTS, DEMO_STAFF, DEMO_STORE, demoMembers, demoProgram } from './demo-data.ts';

export const DEMO_MEMBER_COUNT = 3000;

/** Fills an empty central server with the demo store; a server that has it already is left as it is. */
export async function seedDemoServer(db: Db, now: number, memberCount = DEMO_MEMBER_COUNT): Promise<boolean> {
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE id = $1', [DEMO_STORE.id]);
  if ((existing[0]?.n ?? 0) > 0) return false;
  await createStore(db, { ...DEMO_STORE }, now);
  await importProgram(db, demoProgram(), now);
  await importProducts(db, DEMO_PRODUCTS);
  // Cashier and manager work at the demo store; the admin is head office, assigned to it (a till receives only these).
  await importStaff(
    db,
    DEMO_STAFF.map((s) => (s.role === 'admin' ? { ...s, assignedStores: [DEMO_STORE.id] } : { ...s, storeId: DEMO_STORE.id })),
  );
  await importMembers(
    db,
    demoMembers(memberCount).map((m) => ({ ...m, enrolledStore: DEMO_STORE.id, consentMarketing: m.email !== null })),
    now,
  );
  return true;
}
