import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { AdminError, describeIssues } from './admin-error.ts';

export const storeInputSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (1–64)'),
  name: z.string().trim().min(1).max(120),
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
});
export type StoreInput = z.infer<typeof storeInputSchema>;

export async function createStore(db: Db, input: StoreInput, now: number): Promise<void> {
  const parsed = storeInputSchema.safeParse(input);
  if (!parsed.success) throw new AdminError(`Invalid store:\n${describeIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const rows = await db.query(
    'INSERT INTO stores (id, name, time_zone, currency, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id',
    [s.id, s.name, s.timeZone, s.currency, now],
  );
  if (rows.length === 0) throw new AdminError(`Store ${s.id} already exists.`);
}
