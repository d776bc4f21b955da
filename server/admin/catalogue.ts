/**
 * Imports of what terminals pull: programme versions, products, staff. Each
 * import is validated whole before anything is written, and written in one
 * change transaction (stamped for /v1/changes).
 */
import { z } from 'zod';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { pinPolicy, privacyPolicy, programConfigSchema } from '../../shared/program.ts';
import { restampMembers } from '../store/member-scope.ts';
import { currentProgram } from '../store/programs.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { insertRows } from '../store/json-rows.ts';
import { AdminError, describeIssues } from './admin-error.ts';

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AdminError(`Invalid ${what}:\n${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** A new programme version; its `version` must be above every imported one (a sale records the version it was priced with). */
export async function importProgram(db: Db, config: unknown, now: number): Promise<{ version: number }> {
  const program = parse(programConfigSchema, config, 'programme configuration');
  return changeTransaction(db, async (tx) => {
    const [latest] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM programs');
    if (latest?.version != null && program.version <= latest.version) {
      throw new AdminError(
        `Programme version ${program.version} is not newer than the current version ${latest.version}: give the new configuration version ${latest.version + 1}.`,
      );
    }
    const before = await currentProgram(tx);
    await tx.query('INSERT INTO programs (version, config, imported_at) VALUES ($1, $2, $3)', [
      program.version,
      JSON.stringify(program),
      now,
    ]);
    // Whose personal data tills hold changed: every member goes to every till again, scoped anew.
    if (before !== null && JSON.stringify(privacyPolicy(before)) !== JSON.stringify(privacyPolicy(program))) await restampMembers(tx);
    return { version: program.version };
  });
}

export const productImportSchema = z
  .array(
    z.object({
      sku: z.string().min(1).max(64),
      name: z.string().trim().min(1).max(120),
      category: z.string().min(1).max(64),
      priceMinor: z.number().int().min(0).safe(),
      barcodes: z.array(z.string().regex(/^[0-9A-Za-z]{1,48}$/)).default([]),
      active: z.boolean().default(true),
    }),
  )
  .refine((list) => new Set(list.map((p) => p.sku)).size === list.length, 'skus must be unique');

/** Adds or replaces products by sku; products not in the file are left as they are (send active: false to withdraw one). */
export async function importProducts(db: Db, products: unknown): Promise<{ count: number }> {
  const list = parse(productImportSchema, products, 'products file');
  await changeTransaction(db, (tx) =>
    insertRows(
      tx,
      'products',
      'sku text, name text, category text, price_minor bigint, barcodes jsonb, active boolean',
      list.map((p) => ({
        sku: p.sku,
        name: p.name,
        category: p.category,
        price_minor: p.priceMinor,
        barcodes: p.barcodes,
        active: p.active,
      })),
      'ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, price_minor = EXCLUDED.price_minor, barcodes = EXCLUDED.barcodes, active = EXCLUDED.active',
    ),
  );
  return { count: list.length };
}

export const staffImportSchema = z
  .array(
    z.object({
      id: z.string().min(1).max(64),
      name: z.string().trim().min(1).max(120),
      role: z.enum(['cashier', 'manager', 'admin']),
      /** 4–8 digits; hashed here with the terminal's scrypt format, never stored or logged. */
      pin: z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits'),
      active: z.boolean().default(true),
      /** The store the person works at; absent or null = every store. The server checks events' staff against it. */
      storeId: z.string().min(1).max(64).nullable().default(null),
      /**
       * The stores whose tills receive this person besides `storeId`'s (head-office staff reach
       * no till until assigned). Replaces the person's earlier assignments.
       */
      assignedStores: z.array(z.string().min(1).max(64)).max(10_000).default([]),
    }),
  )
  .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'staff ids must be unique');

export async function importStaff(db: Db, staff: unknown): Promise<{ count: number }> {
  const list = parse(staffImportSchema, staff, 'staff file');
  const minDigits = pinPolicy(await currentProgram(db)).privilegedMinDigits;
  const short = list.filter((s) => s.role !== 'cashier' && s.pin.length < minDigits);
  if (short.length > 0)
    throw new AdminError(
      `Managers and admins need a PIN of at least ${minDigits} digits (the programme's pins.privilegedMinDigits): ${short.map((s) => s.id).join(', ')}.`,
    );
  const rows = list.map((s) => ({ id: s.id, name: s.name, role: s.role, pin_hash: hashPin(s.pin), active: s.active, store_id: s.storeId }));
  const assignments = list.flatMap((s) => s.assignedStores.map((storeId) => ({ staff_id: s.id, store_id: storeId })));
  await changeTransaction(db, async (tx) => {
    // The staff rows are written (and so stamped for the pull) in the same transaction as their assignments.
    await insertRows(
      tx,
      'staff',
      'id text, name text, role text, pin_hash text, active boolean, store_id text',
      rows,
      'ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, pin_hash = EXCLUDED.pin_hash, active = EXCLUDED.active, store_id = EXCLUDED.store_id',
    );
    await tx.query('DELETE FROM staff_stores WHERE staff_id = ANY ($1::text[])', [list.map((s) => s.id)]);
    if (assignments.length > 0) await insertRows(tx, 'staff_stores', 'staff_id text, store_id text', assignments);
  });
  return { count: list.length };
}
