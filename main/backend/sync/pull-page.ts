/**
 * Applies one page of GET /v1/changes and its cursor in ONE transaction: after
 * a crash the pull resumes at the first page not applied, and a page is never
 * half there. Programmes first (members' tiers and lot expiry use them). How a
 * pulled member's balance meets this terminal's pending events is
 * reconcile.ts's; the rows are written by store functions. Records the
 * terminal could not read (pull-records.ts) are noted in the same
 * transaction, and the ones that now arrived readable are forgotten.
 */
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import type { MemberRecord, PullResponse } from '../../../shared/sync-protocol.ts';
import { writeTransaction, type TerminalDb, type WritableDb } from '../store/connection.ts';
import { revokeMemberToken, upsertTokenKey } from '../store/member-token-keys.ts';
import { pendingPointsAfter } from '../store/outbox.ts';
import { expireDue } from '../store/expiry.ts';
import { credit, debit, openBalances, type Opening } from '../store/points.ts';
import { upsertProduct } from '../store/products.ts';
import { currentProgram, installProgram } from '../store/program.ts';
import { retireStaff, upsertStaff } from '../store/staff.ts';
import { staffVerifier } from '../staff/pin-verifier.ts';
import { cachedBalance, heldMemberIds, insertPulledMembers, newestProgramVersion, updatePulledMember } from '../store/sync-pull.ts';
import { savePullCursor } from '../store/sync-state.ts';
import {
  anyUnreadable,
  forgetAllUnreadable,
  forgetUnreadable,
  noteUnreadable,
  type UnreadableRecord,
} from '../store/unreadable-records.ts';
import { balanceCorrection, keepsLocalTier, NEVER_EXPIRES, openingBalance } from './reconcile.ts';

export interface PageStats {
  members: number;
  corrections: number;
  programs: number;
  products: number;
  staff: number;
  keys: number;
  /** Records left out because they could not be read. */
  unreadable: number;
}

export interface PageReading {
  /** Records of the page the terminal could not read (left out of `page`). */
  unreadable?: readonly UnreadableRecord[];
  /** The page was asked for without a cursor: every record is read again, the list of unreadable ones starts anew. */
  fromStart?: boolean;
}

export function applyPullPage(store: TerminalDb, page: PullResponse, now: number, reading: PageReading = {}): PageStats {
  // A page lost to a power cut is pulled again (its cursor commits with it), so its commit needs no
  // fsync of its own: the next sale's commit (synchronous FULL) makes it durable with it. On a first
  // pull this saves one WAL fsync a page.
  store.db.pragma('synchronous = NORMAL');
  try {
    return applyPage(store, page, now, reading);
  } finally {
    store.db.pragma('synchronous = FULL');
  }
}

function applyPage(store: TerminalDb, page: PullResponse, now: number, reading: PageReading): PageStats {
  return writeTransaction(store, (db) => {
    if (reading.fromStart) forgetAllUnreadable(db);
    else if (anyUnreadable(db)) {
      forgetUnreadable(
        db,
        'member',
        page.members.map((m) => m.id),
      );
      forgetUnreadable(
        db,
        'product',
        page.products.map((p) => p.sku),
      );
      forgetUnreadable(
        db,
        'staff',
        page.staff.map((s) => s.id),
      );
    }
    noteUnreadable(db, reading.unreadable ?? [], now);
    const stats: PageStats = {
      unreadable: reading.unreadable?.length ?? 0,
      members: page.members.length,
      corrections: 0,
      programs: 0,
      products: page.products.length,
      staff: page.staff.length,
      keys: page.publicKeys.length,
    };
    const newest = newestProgramVersion(db);
    for (const p of [...page.programs].sort((a, b) => a.version - b.version)) {
      if (newest !== null && p.version <= newest) continue; // already installed (a page repeated after a crash)
      installProgram(db, { ...p.config, version: p.version }, now);
      stats.programs++;
    }
    for (const p of page.products) upsertProduct(db, { ...p, now });
    // Never the server's scrypt hash as received: a keyed verifier (staff/pin-verifier.ts).
    for (const s of page.staff) upsertStaff(db, { ...s, pinHash: staffVerifier(store, s), now });
    retireStaff(db, page.staffRemoved, now);
    for (const k of page.publicKeys)
      upsertTokenKey(db, { keyId: k.kid, publicKey: Buffer.from(k.publicKey, 'base64url'), revokedAt: k.revoked ? now : null, now });
    for (const t of page.revokedTokens) revokeMemberToken(db, t.tokenId, now);
    if (page.members.length > 0) {
      const fallbackExpiry = programExpiry(db, now);
      const held = heldMemberIds(db, page.members);
      for (const m of page.members)
        if (held.has(m.id) && applyHeldMember(db, m, page.terminalAppliedSeq, now, fallbackExpiry)) stats.corrections++;
      stats.corrections += openNewMembers(
        db,
        page.members.filter((m) => !held.has(m.id)),
        now,
        fallbackExpiry,
      );
    }
    savePullCursor(db, page.nextCursor);
    return stats;
  });
}

function programExpiry(db: WritableDb, now: number): number {
  try {
    return lotExpiry(now, currentProgram(db));
  } catch {
    return NEVER_EXPIRES; // no programme yet: the server's own expiry still applies to its lots
  }
}

const SYNC_REASON = 'balance from the loyalty server';

function syncEntry(memberId: string, appliedSeq: number, now: number) {
  return { memberId, kind: 'sync' as const, reason: SYNC_REASON, ref: `seq:${appliedSeq}`, now };
}

/** The server's details over a member this terminal holds, then its cached balance corrected; true when a 'sync' entry was written. */
function applyHeldMember(db: WritableDb, m: MemberRecord, appliedSeq: number, now: number, fallbackExpiry: number): boolean {
  const pending = pendingPointsAfter(db, m.id, appliedSeq);
  updatePulledMember(db, m, keepsLocalTier(pending), now);
  expireDue(db, m.id, now);
  const correction = balanceCorrection(cachedBalance(db, m.id), m, pending, now, fallbackExpiry);
  const entry = syncEntry(m.id, appliedSeq, now);
  if (correction.kind === 'credit') for (const lot of correction.lots) credit(db, { ...entry, points: lot.points }, lot.expiresAt);
  else if (correction.kind === 'debit') debit(db, { ...entry, points: correction.points }, { allowDebt: true });
  return correction.kind !== 'none';
}

/** Members this terminal has never held (the bulk of a first pull), written at once with their openings; returns how many hold points or owe them. */
function openNewMembers(db: WritableDb, members: readonly MemberRecord[], now: number, fallbackExpiry: number): number {
  const rows: { member: MemberRecord; openingPoints: number }[] = [];
  const openings: Opening[] = [];
  for (const m of members) {
    const opening = openingBalance(m, now, fallbackExpiry);
    rows.push({ member: m, openingPoints: opening.points });
    if (opening.points !== 0) openings.push({ memberId: m.id, points: opening.points, lots: opening.lots, at: now });
  }
  insertPulledMembers(db, rows, now);
  openBalances(db, openings);
  return openings.length;
}
