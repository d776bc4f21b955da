/**
 * GET /v1/changes: a page of everything that changed after the cursor, in
 * change-sequence order, read in one REPEATABLE READ snapshot together with
 * the terminal's applied_seq (so the terminal knows exactly which of its own
 * events the balances include). The page is bounded by `limit` records over
 * all kinds; the next cursor is the last change-sequence value in the page.
 * Placeholder members (pending enrolment) are not sent.
 */
import type { MemberRecord, PullResponse } from '../../shared/sync-protocol.ts';
import type { Db, Queryable } from '../store/db.ts';
import { toPublicRecord } from '../tokens/signing-keys.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const CHANGED = `
  SELECT change_seq FROM members WHERE change_seq > $1 AND status <> 'pending_enrolment'
  UNION ALL SELECT change_seq FROM programs WHERE change_seq > $1
  UNION ALL SELECT change_seq FROM products WHERE change_seq > $1
  UNION ALL SELECT change_seq FROM staff WHERE change_seq > $1
  UNION ALL SELECT change_seq FROM signing_keys WHERE change_seq > $1
  UNION ALL SELECT change_seq FROM revoked_member_tokens WHERE change_seq > $1`;

export async function pullChanges(db: Db, terminalId: string, cursor: string | undefined, limit: number, now: number): Promise<PullResponse> {
  const after = decodeCursor(cursor);
  return db.transaction(
    async (tx) => {
      const [terminal] = await tx.query<{ applied_seq: number }>('SELECT applied_seq FROM terminals WHERE id = $1', [terminalId]);
      const seqs = await tx.query<{ change_seq: number }>(`SELECT change_seq FROM (${CHANGED}) c ORDER BY change_seq LIMIT $2`, [after, limit + 1]);
      const more = seqs.length > limit;
      const page = more ? seqs.slice(0, limit) : seqs;
      const upper = page.length === 0 ? after : page[page.length - 1]!.change_seq;
      const range = [after, upper];
      return {
        members: page.length === 0 ? [] : await memberRecords(tx, after, upper),
        programs: (await tx.query<{ version: number; config: PullResponse['programs'][number]['config'] }>('SELECT version, config FROM programs WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq', range)),
        products: (
          await tx.query<{ sku: string; name: string; category: string; price_minor: number; barcodes: string[]; active: boolean }>(
            'SELECT sku, name, category, price_minor, barcodes, active FROM products WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq',
            range,
          )
        ).map((p) => ({ sku: p.sku, name: p.name, category: p.category, priceMinor: p.price_minor, barcodes: p.barcodes, active: p.active })),
        staff: (
          await tx.query<{ id: string; name: string; role: 'cashier' | 'manager' | 'admin'; pin_hash: string; active: boolean }>(
            'SELECT id, name, role, pin_hash, active FROM staff WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq',
            range,
          )
        ).map((s) => ({ id: s.id, name: s.name, role: s.role, pinHash: s.pin_hash, active: s.active })),
        publicKeys: (await tx.query<{ kid: number; public_key: Uint8Array; revoked_at: number | null }>('SELECT kid, public_key, revoked_at FROM signing_keys WHERE change_seq > $1 AND change_seq <= $2 ORDER BY kid', range)).map(toPublicRecord),
        revokedTokens: (await tx.query<{ token_id: string; member_id: string }>('SELECT token_id, member_id FROM revoked_member_tokens WHERE change_seq > $1 AND change_seq <= $2 ORDER BY change_seq', range)).map((r) => ({ tokenId: r.token_id, memberId: r.member_id })),
        nextCursor: encodeCursor(upper),
        more,
        terminalAppliedSeq: terminal?.applied_seq ?? 0,
        serverTime: now,
      };
    },
    { isolation: 'repeatable read' },
  );
}

interface MemberPullRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  birth_date: string | null;
  status: 'active' | 'blocked';
  tier: string;
  balance: number;
  enrolled_store: string;
  enrolled_at: number;
  consent_marketing: boolean;
  updated_at: number;
  cards: string[];
  lots: { remaining: number; expiresAt: number | null }[];
}

async function memberRecords(tx: Queryable, after: number, upper: number): Promise<MemberRecord[]> {
  const rows = await tx.query<MemberPullRow>(
    `SELECT m.id, m.name, m.phone, m.email, m.birth_date, m.status, m.tier, m.balance, m.enrolled_store, m.enrolled_at, m.consent_marketing, m.updated_at,
       coalesce((SELECT jsonb_agg(c.card ORDER BY c.created_at, c.card) FROM member_cards c WHERE c.member_id = m.id), '[]'::jsonb) AS cards,
       coalesce((SELECT jsonb_agg(jsonb_build_object('remaining', l.remaining, 'expiresAt', l.expires_at) ORDER BY l.expires_at NULLS LAST, l.id)
                 FROM point_lots l WHERE l.member_id = m.id AND l.remaining > 0), '[]'::jsonb) AS lots
     FROM members m WHERE m.change_seq > $1 AND m.change_seq <= $2 AND m.status <> 'pending_enrolment' ORDER BY m.change_seq`,
    [after, upper],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    birthDate: r.birth_date,
    status: r.status,
    tier: r.tier,
    balance: r.balance,
    lots: r.lots,
    cards: r.cards,
    enrolledStore: r.enrolled_store,
    enrolledAt: r.enrolled_at,
    consentMarketing: r.consent_marketing,
    updatedAt: r.updated_at,
  }));
}
