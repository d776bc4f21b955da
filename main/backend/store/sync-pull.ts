import type { MemberRecord, PullResponse } from '../../../shared/sync-protocol.ts';
import { lotExpiry } from '../../../shared/loyalty/expiry.ts';
import { correctionLots, NEVER_EXPIRES, serverBalanceAt, targetBalance } from '../sync/reconcile.ts';
import { writeTransaction, type Db, type TerminalDb } from './connection.ts';
import { revokeMemberToken, upsertTokenKey } from './member-token-keys.ts';
import { nameKey, phoneKey } from './members.ts';
import { pendingPointsAfter } from './outbox.ts';
import { insertRows } from './insert-rows.ts';
import { expireDue } from './expiry.ts';
import { credit, debit, openBalances, openingColumns, type Opening } from './points.ts';
import { upsertProduct } from './products.ts';
import { currentProgram, installProgram } from './program.ts';
import { prepare } from './statements.ts';
import { upsertStaff } from './staff.ts';
import { savePullCursor } from './sync-state.ts';

export interface PageStats {
  members: number;
  corrections: number;
  programs: number;
  products: number;
  staff: number;
  keys: number;
}

/**
 * Applies one page of GET /v1/changes and its cursor in ONE transaction: after
 * a crash the pull resumes at the first page not applied, and a page is never
 * half there. Programmes first (members' tiers and lot expiry use them).
 */
export function applyPullPage(store: TerminalDb, page: PullResponse, now: number): PageStats {
  const { db } = store;
  return writeTransaction(store, () => {
    const stats: PageStats = { members: page.members.length, corrections: 0, programs: 0, products: page.products.length, staff: page.staff.length, keys: page.publicKeys.length };
    const newest = prepare(db, 'SELECT max(version) FROM program_config').pluck().get() as number | null;
    for (const p of [...page.programs].sort((a, b) => a.version - b.version)) {
      if (newest !== null && p.version <= newest) continue; // already installed (a page repeated after a crash)
      installProgram(db, { ...p.config, version: p.version }, now);
      stats.programs++;
    }
    for (const p of page.products) upsertProduct(db, { ...p, now });
    for (const s of page.staff) upsertStaff(db, { ...s, now });
    for (const k of page.publicKeys) upsertTokenKey(db, { keyId: k.kid, publicKey: Buffer.from(k.publicKey, 'base64url'), revokedAt: k.revoked ? now : null, now });
    for (const t of page.revokedTokens) revokeMemberToken(db, t.tokenId, now);
    if (page.members.length > 0) {
      const fallbackExpiry = programExpiry(db, now);
      const held = heldMembers(db, page.members);
      for (const m of page.members) if (held.has(m.id) && applyMember(db, m, page.terminalAppliedSeq, now, fallbackExpiry)) stats.corrections++;
      stats.corrections += insertNewMembers(db, page.members.filter((m) => !held.has(m.id)), page.terminalAppliedSeq, now, fallbackExpiry);
    }
    savePullCursor(db, page.nextCursor);
    return stats;
  });
}

function programExpiry(db: Db, now: number): number {
  try {
    return lotExpiry(now, currentProgram(db));
  } catch {
    return NEVER_EXPIRES; // no programme yet: the server's own expiry still applies to its lots
  }
}

const SYNC_REASON = 'balance from the loyalty server';
/** A card the server moved to another member moves here too. */
const CARD_UPSERT = 'ON CONFLICT (card_number) DO UPDATE SET member_id = excluded.member_id WHERE member_id <> excluded.member_id';

/** The ids of the page's members this terminal already holds: one query per page. */
function heldMembers(db: Db, members: readonly MemberRecord[]): Set<string> {
  const ids = prepare(db, 'SELECT id FROM members WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(members.map((m) => m.id))) as string[];
  return new Set(ids);
}

/** Upserts the member's details of a member this terminal holds, then corrects the cached balance; true when a 'sync' entry was written. */
function applyMember(db: Db, m: MemberRecord, appliedSeq: number, now: number, fallbackExpiry: number): boolean {
  const pending = pendingPointsAfter(db, m.id, appliedSeq);
  const consent = m.consentMarketing ? 1 : 0;
  // While this terminal has events the server has not applied, its own tier may be ahead: keep it until they are.
  prepare(
    db,
    `UPDATE members SET name = ?, name_key = ?, phone = ?, email = ?, birth_date = ?, status = ?, tier = CASE WHEN ? THEN tier ELSE ? END,
       consent_marketing = ?, consent_at = CASE WHEN consent_marketing = ? THEN consent_at ELSE ? END, updated_at = ? WHERE id = ?`,
  ).run(m.name, nameKey(m.name), m.phone === null ? null : phoneKey(m.phone), m.email, m.birthDate, m.status, pending !== 0 ? 1 : 0, m.tier, consent, consent, consent === 1 ? now : null, now, m.id);
  const card = prepare(db, `INSERT INTO member_cards (card_number, member_id, issued_at) VALUES (?, ?, ?) ${CARD_UPSERT}`);
  for (const c of m.cards) card.run(c, m.id, now);

  expireDue(db, m.id, now);
  const balance = prepare(db, 'SELECT balance FROM members WHERE id = ?').pluck().get(m.id) as number;
  const delta = targetBalance(serverBalanceAt(m.balance, m.lots, now), pending) - balance;
  if (delta === 0) return false;
  const entry = { memberId: m.id, kind: 'sync' as const, reason: SYNC_REASON, ref: `seq:${appliedSeq}`, now };
  if (delta > 0) {
    for (const lot of correctionLots(delta, m.lots, now, fallbackExpiry)) credit(db, { ...entry, points: lot.points }, lot.expiresAt);
  } else {
    // Points another terminal spent, or the server expired: oldest lots first; below zero is a debt, as on the server.
    debit(db, { ...entry, points: -delta }, { allowDebt: true });
  }
  return true;
}

/**
 * Members this terminal has never held (the bulk of a first pull): no local
 * events can name them (they would have needed the member), so nothing is
 * pending and each opening balance is the server's, written at once
 * (points.openBalances) with the server's lots as they are, by multi-row
 * inserts (store/insert-rows.ts). Returns how many got an opening 'sync' entry.
 */
function insertNewMembers(db: Db, members: readonly MemberRecord[], appliedSeq: number, now: number, fallbackExpiry: number): number {
  const rows: unknown[] = [];
  const cards: unknown[] = [];
  const openings: Opening[] = [];
  for (const m of members) {
    const consent = m.consentMarketing ? 1 : 0;
    const target = serverBalanceAt(m.balance, m.lots, now);
    const { balance, debt } = openingColumns(target);
    rows.push(m.id, m.name, nameKey(m.name), m.phone === null ? null : phoneKey(m.phone), m.email, m.birthDate, m.status, m.tier, m.enrolledStore, m.enrolledAt, consent, m.consentMarketing ? m.enrolledAt : null, balance, debt, now);
    for (const c of m.cards) cards.push(c, m.id, now);
    if (target === 0) continue;
    const entry = { memberId: m.id, kind: 'sync' as const, reason: SYNC_REASON, ref: `seq:${appliedSeq}`, now };
    openings.push({ entry, points: target, lots: correctionLots(target, m.lots, now, fallbackExpiry) });
  }
  insertRows(
    db,
    'INSERT INTO members (id, name, name_key, phone, email, birth_date, status, tier, enrolled_store, enrolled_at, consent_marketing, consent_at, balance, debt, updated_at)',
    15,
    rows,
  );
  insertRows(db, 'INSERT INTO member_cards (card_number, member_id, issued_at)', 3, cards, CARD_UPSERT);
  openBalances(db, openings);
  return openings.length;
}
