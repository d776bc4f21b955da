/**
 * Assigning a member to a store (docs/privacy.md): the store's tills then hold the
 * member's personal data whatever the sightings say, until the assignment is withdrawn.
 * The member is stamped again, so the change reaches the store's tills at their next pull.
 */
import { changeTransaction, type Db } from '../store/db.ts';
import { AdminError } from './admin-error.ts';
import { findMember } from './members.ts';

/** `key`: the member's id, a card or a phone (as show-member finds it). */
export async function assignMemberToStore(db: Db, key: string, storeId: string, assigned: boolean): Promise<{ id: string }> {
  const memberId = (await findMember(db, key)).id;
  await changeTransaction(db, async (tx) => {
    const [store] = await tx.query<{ id: string }>('SELECT id FROM stores WHERE id = $1', [storeId]);
    if (store === undefined) throw new AdminError(`There is no store ${storeId}.`);
    const touched = await tx.query<{ id: string }>(
      "UPDATE members SET updated_at = updated_at WHERE id = $1 AND status <> 'pending_enrolment' RETURNING id",
      [memberId],
    );
    if (touched.length === 0) throw new AdminError('There is no such member.');
    if (assigned)
      await tx.query(
        'INSERT INTO member_stores (member_id, store_id, assigned) VALUES ($1, $2, TRUE) ON CONFLICT (member_id, store_id) DO UPDATE SET assigned = TRUE',
        [memberId, storeId],
      );
    else await tx.query('UPDATE member_stores SET assigned = FALSE WHERE member_id = $1 AND store_id = $2', [memberId, storeId]);
  });
  return { id: memberId };
}
