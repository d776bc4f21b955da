/**
 * Members brought over from an earlier system (or the demo): validated whole,
 * then written in one change transaction so terminals pull them. An opening
 * balance becomes an `adjust` ledger entry and one point lot, so the balance
 * still equals the ledger sum and expires by the programme's rule.
 */
import { z } from 'zod';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { changeTransaction, type Db } from '../store/db.ts';
import { insertRows } from '../store/json-rows.ts';
import { currentProgram } from '../store/programs.ts';
import { AdminError, describeIssues } from './admin-error.ts';

export const memberImportSchema = z
  .array(
    z.object({
      id: z.uuid(),
      name: z.string().trim().min(1).max(120),
      phone: z.string().max(40).nullable().default(null),
      email: z.string().max(254).nullable().default(null),
      birthDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullable()
        .default(null),
      cardNumber: z.string().min(1).max(64).nullable().default(null),
      consentMarketing: z.boolean().default(false),
      enrolledStore: z.string().min(1).max(64),
      points: z.number().int().min(0).safe().default(0),
    }),
  )
  .refine((list) => new Set(list.map((m) => m.id)).size === list.length, 'member ids must be unique')
  .refine((list) => {
    const cards = list.flatMap((m) => (m.cardNumber === null ? [] : [m.cardNumber]));
    return new Set(cards).size === cards.length;
  }, 'card numbers must be unique');

export async function importMembers(db: Db, members: unknown, now: number): Promise<{ count: number }> {
  const parsed = memberImportSchema.safeParse(members);
  if (!parsed.success) throw new AdminError(`Invalid members file:\n${describeIssues(parsed.error.issues)}`);
  const list = parsed.data;
  await changeTransaction(db, async (tx) => {
    const program = await currentProgram(tx);
    if (!program)
      throw new AdminError('Import a programme first: members are placed in its lowest tier and their points expire by its rule.');
    const tier = program.tiers.levels[0]!.id;
    const expiresAt = lotExpiry(now, program);
    await insertRows(
      tx,
      'members',
      'id uuid, status text, name text, phone text, email text, birth_date text, consent_marketing boolean, enrolled_store text, enrolled_at bigint, tier text, balance bigint, created_at bigint, updated_at bigint',
      list.map((m) => ({
        id: m.id,
        status: 'active',
        name: m.name,
        phone: m.phone,
        email: m.email,
        birth_date: m.birthDate,
        consent_marketing: m.consentMarketing,
        enrolled_store: m.enrolledStore,
        enrolled_at: now,
        tier,
        balance: m.points,
        created_at: now,
        updated_at: now,
      })),
    );
    await insertRows(
      tx,
      'member_cards',
      'card text, member_id uuid, created_at bigint',
      list.flatMap((m) => (m.cardNumber === null ? [] : [{ card: m.cardNumber, member_id: m.id, created_at: now }])),
    );
    const opening = list.filter((m) => m.points > 0);
    await insertRows(
      tx,
      'ledger',
      'member_id uuid, kind text, points bigint, created_at bigint, applied_at bigint, reason text',
      opening.map((m) => ({
        member_id: m.id,
        kind: 'adjust',
        points: m.points,
        created_at: now,
        applied_at: now,
        reason: 'Opening balance (import)',
      })),
    );
    await insertRows(
      tx,
      'point_lots',
      'member_id uuid, remaining bigint, expires_at bigint, created_at bigint',
      opening.map((m) => ({ member_id: m.id, remaining: m.points, expires_at: expiresAt, created_at: now })),
    );
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code === '23505')
      throw new AdminError('Some of these members or cards exist already: nothing was imported. Import only new members.', {
        cause: error,
      });
    throw error;
  });
  return { count: list.length };
}
