/**
 * A member's rights over their data (docs/privacy.md, "Erasure and export"):
 * `eraseMember` removes the personal data the server holds about a member
 * (profile and the enrolment events that carried it) and keeps what the
 * books need under the member's id (ledger, lots, sales, cards, balance);
 * `exportMember` gathers everything held about a member. Both are recorded in
 * audit_log with counts only, never the data itself.
 */
import { ERASED_TEXT } from '../apply/erased-enrolment.ts';
import { recordAudit } from '../store/audit-log.ts';
import { changeTransaction, type Db, type Queryable } from '../store/db.ts';
import { anyOf, jsonList } from '../store/json-rows.ts';
import { lockMembers } from '../store/lock-order.ts';
import { MEMBER_SELECT, type MemberRow } from '../store/member-rows.ts';
import { AdminError } from './admin-error.ts';
import { findMember } from './members.ts';

/**
 * Replaces the personal fields of the member's stored enrolment events and the
 * free-text reasons of their adjustments (a manager may have typed a name or a
 * phone there); what each event moved, and its ledger, stay.
 */
async function scrubStoredEvents(tx: Queryable, memberId: string): Promise<{ enrolments: number; reasons: number }> {
  // No index finds these events by member: one pass over applied_events, rare and under the change lock.
  const rows = await tx.query<{ kind: string }>(
    `UPDATE applied_events
        SET payload = CASE WHEN kind = 'member.enrolled'
          THEN payload || jsonb_build_object('name', $2::text, 'phone', NULL, 'email', NULL, 'birthDate', NULL, 'consentMarketing', FALSE)
          ELSE payload || jsonb_build_object('reason', $2::text) END
      WHERE kind IN ('member.enrolled', 'points.adjusted') AND payload->>'memberId' = $1
        AND CASE WHEN kind = 'member.enrolled'
          THEN payload->>'name' IS DISTINCT FROM $2 OR payload->>'phone' IS NOT NULL OR payload->>'email' IS NOT NULL
               OR payload->>'birthDate' IS NOT NULL OR (payload->>'consentMarketing')::boolean IS DISTINCT FROM FALSE
          ELSE payload->>'reason' IS DISTINCT FROM $2 END
      RETURNING kind`,
    [memberId, ERASED_TEXT],
  );
  return {
    enrolments: rows.filter((r) => r.kind === 'member.enrolled').length,
    reasons: rows.filter((r) => r.kind === 'points.adjusted').length,
  };
}

export interface EraseResult {
  memberId: string;
  alreadyErased: boolean;
  /** Stored enrolment events whose personal fields were replaced. */
  enrolmentsScrubbed: number;
  /** Stored adjustment events whose free-text reason was replaced. */
  reasonsScrubbed: number;
}

/**
 * Erases a member's personal data in one transaction: name emptied, phone,
 * e-mail and birth date removed, marketing consent withdrawn, erased_at set
 * (the update stamps the row again, so every till receives the member without
 * personal data at its next pull and drops what it held), and the member's
 * stored enrolment events scrubbed. Ledger, lots, sales, cards, tokens and
 * balance stay under the id. Erasing again scrubs any enrolment event that
 * arrived since and says the member was erased already.
 */
export async function eraseMember(db: Db, key: string, by: string, now: number): Promise<EraseResult> {
  const found = await findMember(db, key);
  if (found.status === 'pending_enrolment')
    throw new AdminError('This member has not been enrolled yet (only points from another terminal arrived): there is nothing to erase.');
  return changeTransaction(
    db,
    async (tx) => {
      const locked = (await lockMembers(tx, [found.id])).get(found.id);
      if (locked === undefined) throw new AdminError('No member with this id, card number or phone.');
      const [{ erased_at: erasedAt } = { erased_at: null }] = await tx.query<{ erased_at: number | null }>(
        'SELECT erased_at FROM members WHERE id = $1',
        [found.id],
      );
      const alreadyErased = erasedAt !== null;
      if (!alreadyErased) {
        await tx.query(
          `UPDATE members SET name = '', phone = NULL, email = NULL, birth_date = NULL, consent_marketing = FALSE,
                  erased_at = $2, updated_at = $2
            WHERE id = $1`,
          [found.id, now],
        );
      }
      const scrubbed = await scrubStoredEvents(tx, found.id);
      const counts = { enrolmentsScrubbed: scrubbed.enrolments, reasonsScrubbed: scrubbed.reasons };
      await recordAudit(tx, {
        at: now,
        actorKind: 'admin',
        actor: by,
        action: 'member.erase',
        memberId: found.id,
        details: { alreadyErased, ...counts },
      });
      return { memberId: found.id, alreadyErased, ...counts };
    },
    'member erase',
  );
}

interface AppliedEventRow {
  id: string;
  terminal_id: string;
  seq: number;
  kind: string;
  created_at: number;
  applied_at: number;
  status: string;
  reasons: string[];
  payload: Record<string, unknown>;
}

export interface MemberExport {
  exportedAt: number;
  profile: {
    id: string;
    status: string;
    name: string;
    phone: string | null;
    email: string | null;
    birthDate: string | null;
    consentMarketing: boolean;
    referredBy: string | null;
    enrolledStore: string;
    enrolledAt: number;
    tier: string;
    balance: number;
    createdAt: number;
    updatedAt: number;
    erasedAt: number | null;
  };
  cards: { card: string; createdAt: number }[];
  balance: number;
  /** Every lot, spent or not. */
  lots: { remaining: number; expired: number; expiresAt: number | null; createdAt: number }[];
  ledger: {
    kind: string;
    points: number;
    qualifying: number;
    createdAt: number;
    appliedAt: number;
    eventId: string | null;
    reason: string | null;
  }[];
  /** The sales that named the member, each with its refunds and voids (as the tills sent them). */
  sales: { saleId: string; event: ExportedEvent; refunds: ExportedEvent[]; voids: ExportedEvent[] }[];
  /** Every other event about the member: enrolments, adjustments, and events whose points moved the member's balance. */
  events: ExportedEvent[];
  /** Member QR tokens: ids and dates, never a signature. */
  tokens: {
    tokenId: string;
    issuedBy: string;
    terminalId: string | null;
    keyId: number;
    issuedAt: number;
    expiresAt: number;
    revokedAt: number | null;
  }[];
  /** The stores whose tills hold the member's personal data beyond the enrolling store. */
  stores: { storeId: string; assigned: boolean; lastSeenAt: number | null }[];
  bonusGrants: { kind: string; period: string; eventId: string; grantedAt: number }[];
  holds: {
    id: string;
    terminalId: string;
    points: number;
    createdAt: number;
    expiresAt: number;
    status: string;
    closedAt: number | null;
    saleId: string | null;
  }[];
  heldEvents: {
    eventId: string;
    terminalId: string;
    kind: string;
    reasons: unknown;
    details: unknown;
    ledger: unknown;
    createdAt: number;
    decidedAt: number | null;
    decision: string | null;
    decidedBy: string | null;
  }[];
  flags: { id: number; kind: string; eventId: string; details: unknown; createdAt: number; resolvedAt: number | null }[];
  /** Who read or changed what about the member (this export's own row excluded: it is written after). */
  audit: { at: number; actorKind: string; actor: string; action: string; details: unknown }[];
}

export interface ExportedEvent {
  id: string;
  terminalId: string;
  seq: number;
  kind: string;
  createdAt: number;
  appliedAt: number;
  status: string;
  reasons: string[];
  payload: Record<string, unknown>;
}

const n = (v: number | string | null): number | null => (v === null ? null : Number(v));
const eventView = (r: AppliedEventRow): ExportedEvent => ({
  id: r.id,
  terminalId: r.terminal_id,
  seq: Number(r.seq),
  kind: r.kind,
  createdAt: Number(r.created_at),
  appliedAt: Number(r.applied_at),
  status: r.status,
  reasons: r.reasons,
  payload: r.payload,
});
const EVENT_SELECT = 'id, terminal_id, seq, kind, created_at, applied_at, status, reasons, payload';
const EVENT_ORDER = 'ORDER BY applied_at, terminal_id, seq, id';

/**
 * Everything the server holds about a member, in a fixed order, and an
 * audit_log row ('member.export') saying who asked. One snapshot
 * (REPEATABLE READ), so the parts agree with each other.
 */
export async function exportMember(db: Db, key: string, by: string, now: number): Promise<MemberExport> {
  const found = await findMember(db, key);
  const id = found.id;
  return db.transaction(
    async (tx) => {
      const [m] = await tx.query<MemberRow & { erased_at: number | null }>(
        `SELECT ${MEMBER_SELECT}, erased_at FROM members WHERE id = $1`,
        [id],
      );
      if (m === undefined) throw new AdminError('No member with this id, card number or phone.');
      const cards = await tx.query<{ card: string; created_at: number }>(
        'SELECT card, created_at FROM member_cards WHERE member_id = $1 ORDER BY created_at, card',
        [id],
      );
      const lots = await tx.query<{ remaining: number; expired: number; expires_at: number | null; created_at: number }>(
        'SELECT remaining, expired, expires_at, created_at FROM point_lots WHERE member_id = $1 ORDER BY created_at, id',
        [id],
      );
      const ledger = await tx.query<{
        kind: string;
        points: number;
        qualifying: number;
        created_at: number;
        applied_at: number;
        event_id: string | null;
        reason: string | null;
      }>('SELECT kind, points, qualifying, created_at, applied_at, event_id, reason FROM ledger WHERE member_id = $1 ORDER BY id', [id]);
      const saleRows = await tx.query<AppliedEventRow>(
        `SELECT ${EVENT_SELECT} FROM applied_events WHERE kind = 'sale.committed' AND payload->>'memberId' = $1 ${EVENT_ORDER}`,
        [id],
      );
      const saleIds = [...new Set(saleRows.map((r) => String(r.payload.saleId)))];
      const afterRows =
        saleIds.length === 0
          ? []
          : await tx.query<AppliedEventRow>(
              `SELECT ${EVENT_SELECT} FROM applied_events
                WHERE kind IN ('sale.refunded', 'sale.voided') AND payload->>'saleId' = ${anyOf('$1', 'text')} ${EVENT_ORDER}`,
              [jsonList(saleIds)],
            );
      const enrolments = await tx.query<AppliedEventRow>(
        `SELECT ${EVENT_SELECT} FROM applied_events WHERE kind = 'member.enrolled' AND payload->>'memberId' = $1 ${EVENT_ORDER}`,
        [id],
      );
      const held = await tx.query<{
        event_id: string;
        terminal_id: string;
        kind: string;
        reasons: unknown;
        details: unknown;
        ledger: unknown;
        created_at: number;
        decided_at: number | null;
        decision: string | null;
        decided_by: string | null;
      }>(
        `SELECT event_id, terminal_id, kind, reasons, details, ledger, created_at, decided_at, decision, decided_by
           FROM held_events WHERE member_id = $1 ORDER BY created_at, event_id`,
        [id],
      );
      // Events that moved the member's points or were held about the member, beyond their sales and enrolments.
      const listed = new Set([...saleRows, ...afterRows, ...enrolments].map((r) => r.id));
      const otherIds = [
        ...new Set([...ledger.flatMap((e) => (e.event_id === null ? [] : [e.event_id])), ...held.map((h) => h.event_id)]),
      ].filter((e) => !listed.has(e));
      const others =
        otherIds.length === 0
          ? []
          : await tx.query<AppliedEventRow>(`SELECT ${EVENT_SELECT} FROM applied_events WHERE id = ${anyOf('$1', 'uuid')} ${EVENT_ORDER}`, [
              jsonList(otherIds),
            ]);
      const tokens = await tx.query<{
        token_id: string;
        issued_by: string;
        terminal_id: string | null;
        key_id: number;
        issued_at: number;
        expires_at: number;
        revoked_at: number | null;
      }>(
        `SELECT token_id, issued_by, terminal_id, key_id, issued_at, expires_at, revoked_at
           FROM member_tokens WHERE member_id = $1 ORDER BY issued_at, token_id`,
        [id],
      );
      const stores = await tx.query<{ store_id: string; assigned: boolean; last_seen_at: number | null }>(
        'SELECT store_id, assigned, last_seen_at FROM member_stores WHERE member_id = $1 ORDER BY store_id',
        [id],
      );
      const grants = await tx.query<{ kind: string; period: string; event_id: string; granted_at: number }>(
        'SELECT kind, period, event_id, granted_at FROM bonus_grants WHERE member_id = $1 ORDER BY granted_at, kind, period',
        [id],
      );
      const holds = await tx.query<{
        id: string;
        terminal_id: string;
        points: number;
        created_at: number;
        expires_at: number;
        status: string;
        closed_at: number | null;
        sale_id: string | null;
      }>(
        'SELECT id, terminal_id, points, created_at, expires_at, status, closed_at, sale_id FROM holds WHERE member_id = $1 ORDER BY created_at, id',
        [id],
      );
      const flags = await tx.query<{
        id: number;
        kind: string;
        event_id: string;
        details: unknown;
        created_at: number;
        resolved_at: number | null;
      }>('SELECT id, kind, event_id, details, created_at, resolved_at FROM flags WHERE member_id = $1 ORDER BY id', [id]);
      const audit = await tx.query<{ at: number; actor_kind: string; actor: string; action: string; details: unknown }>(
        'SELECT at, actor_kind, actor, action, details FROM audit_log WHERE member_id = $1 ORDER BY at, id',
        [id],
      );

      const afterBySale = new Map<string, AppliedEventRow[]>();
      for (const r of afterRows) {
        const list = afterBySale.get(String(r.payload.saleId)) ?? [];
        list.push(r);
        afterBySale.set(String(r.payload.saleId), list);
      }
      const firstSale = new Map<string, AppliedEventRow>();
      for (const r of saleRows) if (!firstSale.has(String(r.payload.saleId))) firstSale.set(String(r.payload.saleId), r);
      const result: MemberExport = {
        exportedAt: now,
        profile: {
          id: m.id,
          status: m.status,
          name: m.name,
          phone: m.phone,
          email: m.email,
          birthDate: m.birth_date,
          consentMarketing: m.consent_marketing,
          referredBy: m.referred_by,
          enrolledStore: m.enrolled_store,
          enrolledAt: Number(m.enrolled_at),
          tier: m.tier,
          balance: Number(m.balance),
          createdAt: Number(m.created_at),
          updatedAt: Number(m.updated_at),
          erasedAt: n(m.erased_at),
        },
        cards: cards.map((c) => ({ card: c.card, createdAt: Number(c.created_at) })),
        balance: Number(m.balance),
        lots: lots.map((l) => ({
          remaining: Number(l.remaining),
          expired: Number(l.expired),
          expiresAt: n(l.expires_at),
          createdAt: Number(l.created_at),
        })),
        ledger: ledger.map((e) => ({
          kind: e.kind,
          points: Number(e.points),
          qualifying: Number(e.qualifying),
          createdAt: Number(e.created_at),
          appliedAt: Number(e.applied_at),
          eventId: e.event_id,
          reason: e.reason,
        })),
        sales: [...firstSale].map(([saleId, r]) => {
          const after = afterBySale.get(saleId) ?? [];
          return {
            saleId,
            event: eventView(r),
            refunds: after.filter((a) => a.kind === 'sale.refunded').map(eventView),
            voids: after.filter((a) => a.kind === 'sale.voided').map(eventView),
          };
        }),
        events: [...enrolments, ...others, ...saleRows.filter((r) => firstSale.get(String(r.payload.saleId)) !== r)]
          .map(eventView)
          .sort(
            (a, b) => a.appliedAt - b.appliedAt || a.terminalId.localeCompare(b.terminalId) || a.seq - b.seq || a.id.localeCompare(b.id),
          ),
        tokens: tokens.map((t) => ({
          tokenId: t.token_id,
          issuedBy: t.issued_by,
          terminalId: t.terminal_id,
          keyId: Number(t.key_id),
          issuedAt: Number(t.issued_at),
          expiresAt: Number(t.expires_at),
          revokedAt: n(t.revoked_at),
        })),
        stores: stores.map((s) => ({ storeId: s.store_id, assigned: s.assigned, lastSeenAt: n(s.last_seen_at) })),
        bonusGrants: grants.map((g) => ({ kind: g.kind, period: g.period, eventId: g.event_id, grantedAt: Number(g.granted_at) })),
        holds: holds.map((h) => ({
          id: h.id,
          terminalId: h.terminal_id,
          points: Number(h.points),
          createdAt: Number(h.created_at),
          expiresAt: Number(h.expires_at),
          status: h.status,
          closedAt: n(h.closed_at),
          saleId: h.sale_id,
        })),
        heldEvents: held.map((h) => ({
          eventId: h.event_id,
          terminalId: h.terminal_id,
          kind: h.kind,
          reasons: h.reasons,
          details: h.details,
          ledger: h.ledger,
          createdAt: Number(h.created_at),
          decidedAt: n(h.decided_at),
          decision: h.decision,
          decidedBy: h.decided_by,
        })),
        flags: flags.map((f) => ({
          id: Number(f.id),
          kind: f.kind,
          eventId: f.event_id,
          details: f.details,
          createdAt: Number(f.created_at),
          resolvedAt: n(f.resolved_at),
        })),
        audit: audit.map((a) => ({ at: Number(a.at), actorKind: a.actor_kind, actor: a.actor, action: a.action, details: a.details })),
      };
      // Recorded in the read's own transaction: an export is in the audit log if and only if it was read.
      await recordAudit(tx, {
        at: now,
        actorKind: 'admin',
        actor: by,
        action: 'member.export',
        memberId: id,
        details: {
          cards: result.cards.length,
          ledger: result.ledger.length,
          sales: result.sales.length,
          events: result.events.length,
          tokens: result.tokens.length,
        },
      });
      return result;
    },
    { isolation: 'repeatable read', name: 'member export' },
  );
}
