/**
 * The server's one lock order. Every transaction that locks rows takes its
 * locks in this order, skipping the levels it does not need and never going
 * back to an earlier one, so no two transactions can wait for each other in
 * a cycle (no deadlock):
 *
 *   1. the change lock: the advisory lock of every writer of pulled rows
 *      (db.ts changeTransaction: the push, the expiry run, admin writes);
 *   2. one terminal's row: FOR NO KEY UPDATE by that terminal's push
 *      (lockTerminalForPush); FOR KEY SHARE by a hold (shareTerminal), taken
 *      explicitly before the member, where the hold's INSERT would otherwise
 *      take it late through its foreign key; a hold or a till's member token
 *      then takes, still at this level, an advisory lock of that till's holds
 *      or minting (its rate is counted under it: holds/holds.ts,
 *      tokens/member-tokens.ts);
 *   3. members, in id order, FOR NO KEY UPDATE (lockMembers);
 *   4. holds, after their member, FOR NO KEY UPDATE (lockHold; the push's
 *      posting of holds updates them after the batch's members);
 *   5. the rows of members already locked (lots, ledger, cards): no lock of
 *      their own; an insert's foreign key takes KEY SHARE on a member or
 *      terminal this transaction already holds, or one nobody locks for a
 *      key change.
 *
 * Nobody changes a key (no id is updated, no terminal, member or hold is
 * deleted), so no transaction takes FOR UPDATE: NO KEY UPDATE lets a foreign
 * key's KEY SHARE through. Before this order a push locked its terminal FOR
 * UPDATE and then its members, while a hold locked its member and then, by
 * its INSERT's foreign key, the same terminal: PostgreSQL broke 1 to 27 such
 * deadlocks a run after its deadlock_timeout (1 s, longer than the
 * terminal's 800 ms hold budget). One that still happens is retried inside
 * the server (contention.ts). docs/sync-protocol.md, "Locks", says the same
 * for readers of the protocol.
 */
import type { Queryable } from './db.ts';
import { anyOf, jsonList } from './json-rows.ts';
import { MEMBER_SELECT, type MemberRow } from './member-rows.ts';

/** Level 2, for the terminal's push: its applied_seq, locked until the batch commits; undefined = no such terminal. */
export async function lockTerminalForPush(tx: Queryable, terminalId: string): Promise<{ applied_seq: number } | undefined> {
  const [row] = await tx.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1 FOR NO KEY UPDATE', [terminalId]);
  return row;
}

/**
 * Level 2 alone, a statement of its own (the push's turnstile, before its
 * transaction): the terminal's applied_seq once a push of it that holds the
 * row lock, in any server process, has committed (FOR SHARE waits for it).
 */
export async function committedAppliedSeq(db: Queryable, terminalId: string): Promise<number> {
  const [row] = await db.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1 FOR SHARE', [terminalId]);
  return row?.applied_seq ?? 0;
}

/** Level 2, for a hold: the terminal's row shared (it conflicts with nothing but a key change); false = no such terminal. */
export async function shareTerminal(tx: Queryable, terminalId: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM terminals WHERE id = $1 FOR KEY SHARE', [terminalId]);
  return rows.length > 0;
}

/** Level 3: loads and locks members, in id order so two transactions never lock them in opposite orders. */
export async function lockMembers(tx: Queryable, ids: Iterable<string>): Promise<Map<string, MemberRow>> {
  const rows = await tx.query<MemberRow>(
    `SELECT ${MEMBER_SELECT} FROM members WHERE id = ${anyOf('$1', 'uuid')} ORDER BY id FOR NO KEY UPDATE`,
    [jsonList(ids)],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export interface HoldRow {
  id: string;
  terminal_id: string;
  member_id: string;
  points: number;
  expires_at: number;
  status: 'active' | 'posted' | 'released';
}

/** Level 4: a hold, locked (after its member, when the transaction locks the member at all). */
export async function lockHold(tx: Queryable, holdId: string): Promise<HoldRow | undefined> {
  const [row] = await tx.query<HoldRow>(
    'SELECT id, terminal_id, member_id, points, expires_at, status FROM holds WHERE id = $1 FOR NO KEY UPDATE',
    [holdId],
  );
  return row;
}
