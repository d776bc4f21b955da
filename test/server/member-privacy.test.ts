/**
 * erase-member and export-member (server/admin/member-privacy.ts,
 * docs/privacy.md "Erasure and export"): erasure removes the personal data
 * and keeps the books, every till receives the member again, both are
 * audited with counts only, and neither the commands nor a till's request
 * carrying a free-text reason write personal data to the server's log.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { eraseMember, exportMember } from '../../server/admin/member-privacy.ts';
import { findChannel } from '../../server/admin-channel/channel-file.ts';
import { sendAdminCommand } from '../../server/admin-channel/channel-client.ts';
import { openAdminChannel, type AdminChannel } from '../../server/admin-channel/channel-server.ts';
import { ERASED_TEXT } from '../../server/apply/erased-enrolment.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

const PERSON = {
  name: 'Hortense Vasseur-Privat',
  phone: '+33 6 11 22 33 44',
  email: 'hortense.vp@example.org',
  cardNumber: '2911122233344',
};
/** A free-text reason a manager typed with a customer's name and phone in it. */
const REASON = 'Called by Hortense Vasseur-Privat on +33 6 11 22 33 44';

describe.each(DRIVERS)('member erasure and export (%s)', (driver) => {
  let h: Harness;
  let t: Terminal;
  let log: EventLog;
  const m = randomUUID();
  let saleId: string;
  let tokenId: string;
  let cursorBefore: string;

  const pullAll = async (cursor?: string) => {
    const members: Record<string, unknown>[] = [];
    let next = cursor;
    for (;;) {
      const q = new URLSearchParams({ limit: '5000', ...(next === undefined ? {} : { cursor: next }) });
      const res = await h.request(t, 'GET', `/v1/changes?${q}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as { members: Record<string, unknown>[]; nextCursor: string; more: boolean };
      members.push(...page.members);
      next = page.nextCursor;
      if (!page.more) return { members, cursor: next };
    }
  };

  beforeAll(async () => {
    h = await startHarness(driver);
    await importProgram(h.db, serverTestProgram, T0);
    t = await h.pair();
    log = new EventLog(h.storeId);
    log.enrol(m, { ...PERSON, bonus: 100 });
    const sale = log.sale(m, { earn: 40 });
    saleId = (sale.payload as { saleId: string }).saleId;
    log.refund(saleId, m, 10);
    const adjust = log.adjust(m, 25);
    (adjust.payload as { reason: string }).reason = REASON;
    const pushed = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const token = await h.request(t, 'POST', '/v1/member-tokens', { memberId: m });
    expect(token.status).toBe(200);
    tokenId = (token.body as { tokenId: string }).tokenId;
    const hold = await h.request(t, 'POST', '/v1/holds', { holdId: randomUUID(), memberId: m, points: 5, ttlMs: 60_000 });
    expect(hold.status).toBe(200);
    cursorBefore = (await pullAll()).cursor;
  }, 60_000);
  afterAll(() => h?.close());

  const memberRow = async () =>
    (
      await h.db.query<Record<string, unknown>>(
        'SELECT name, phone, email, birth_date, consent_marketing, erased_at, balance, status FROM members WHERE id = $1',
        [m],
      )
    )[0]!;
  const enrolmentPayloads = () =>
    h.db.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM applied_events WHERE kind = 'member.enrolled' AND payload->>'memberId' = $1 ORDER BY applied_at, seq",
      [m],
    );

  it('exports everything held about the member, in order, and records who asked', async () => {
    h.clock.now = T0 + 1000;
    // Rows the export reads that this history did not make: a sighting at another store, a flag, an event held for a person.
    const heldEvent = randomUUID();
    await h.db.query('INSERT INTO member_stores (member_id, store_id, assigned, last_seen_at) VALUES ($1, $2, FALSE, $3)', [
      m,
      'lyon-9',
      T0,
    ]);
    await h.db.query("INSERT INTO flags (kind, member_id, event_id, details, created_at) VALUES ('overdraft', $1, $2, '{}', $3)", [
      m,
      heldEvent,
      T0,
    ]);
    await h.db.query(
      `INSERT INTO held_events (event_id, terminal_id, kind, member_id, reasons, details, ledger, created_at)
       VALUES ($1, $2, 'points.adjusted', $3, '["over_limit"]', '[]', '[]', $4)`,
      [heldEvent, t.terminalId, m, T0],
    );
    const x = await exportMember(h.db, PERSON.cardNumber, 'Dana DPO', h.clock.now);
    expect(x.profile).toMatchObject({ id: m, name: PERSON.name, phone: PERSON.phone, email: PERSON.email, erasedAt: null });
    expect(x.cards).toEqual([{ card: PERSON.cardNumber, createdAt: T0 }]);
    expect(x.balance).toBe(100 + 40 - 10 + 25);
    expect(x.ledger.map((e) => e.kind)).toEqual(['bonus', 'earn', 'reverse', 'adjust']);
    expect(x.lots.length).toBeGreaterThan(0);
    expect(x.sales).toHaveLength(1);
    expect(x.sales[0]).toMatchObject({ saleId, voids: [] });
    expect(x.sales[0]!.refunds).toHaveLength(1);
    expect(x.events.map((e) => e.kind)).toEqual(['member.enrolled', 'points.adjusted']);
    expect(x.events[1]!.payload).toMatchObject({ reason: REASON });
    expect(x.tokens).toEqual([expect.objectContaining({ tokenId, issuedBy: 'terminal', terminalId: t.terminalId, revokedAt: null })]);
    expect(JSON.stringify(x.tokens)).not.toMatch(/signature|"token"/);
    expect(x.holds).toEqual([expect.objectContaining({ points: 5, status: 'active', terminalId: t.terminalId })]);
    expect(x.bonusGrants.map((g) => g.kind)).toContain('enrolment');
    expect(x.stores).toEqual([{ storeId: 'lyon-9', assigned: false, lastSeenAt: T0 }]);
    expect(x.flags).toEqual([expect.objectContaining({ kind: 'overdraft', eventId: heldEvent, resolvedAt: null })]);
    expect(x.heldEvents).toEqual([
      expect.objectContaining({ eventId: heldEvent, kind: 'points.adjusted', reasons: ['over_limit'], decision: null }),
    ]);
    expect(x.audit).toEqual([]);
    // The same export twice (the audit row aside) is the same text: a fixed order.
    const again = await exportMember(h.db, m, 'Dana DPO', h.clock.now);
    expect({ ...again, audit: [] }).toEqual({ ...x, audit: [] });
    expect(again.audit).toEqual([
      { at: h.clock.now, actorKind: 'admin', actor: 'Dana DPO', action: 'member.export', details: expect.any(Object) },
    ]);
    const audit = await h.db.query<{ actor: string; details: Record<string, unknown> }>(
      "SELECT actor, details FROM audit_log WHERE member_id = $1 AND action = 'member.export' ORDER BY id",
      [m],
    );
    expect(audit).toHaveLength(2);
    expect(audit[0]).toEqual({ actor: 'Dana DPO', details: { cards: 1, ledger: 4, sales: 1, events: 2, tokens: 1 } });
  });

  it('erases the personal data, keeps the books, scrubs the enrolment and sends the member again to every till', async () => {
    const ledgerBefore = await h.db.query('SELECT kind, points, reason FROM ledger WHERE member_id = $1 ORDER BY id', [m]);
    const salesBefore = await h.db.query('SELECT id, total_minor FROM sales WHERE member_id = $1', [m]);
    h.clock.now = T0 + 2000;
    expect(await eraseMember(h.db, PERSON.phone, 'Dana DPO', h.clock.now)).toEqual({
      memberId: m,
      alreadyErased: false,
      enrolmentsScrubbed: 1,
      reasonsScrubbed: 1,
    });
    expect(await memberRow()).toEqual({
      name: '',
      phone: null,
      email: null,
      birth_date: null,
      consent_marketing: false,
      erased_at: T0 + 2000,
      balance: 155,
      status: 'active',
    });
    expect(await h.db.query('SELECT kind, points, reason FROM ledger WHERE member_id = $1 ORDER BY id', [m])).toEqual(ledgerBefore);
    expect(await h.db.query('SELECT id, total_minor FROM sales WHERE member_id = $1', [m])).toEqual(salesBefore);
    expect(await h.db.query('SELECT card FROM member_cards WHERE member_id = $1', [m])).toEqual([{ card: PERSON.cardNumber }]);
    const [enrolment] = await enrolmentPayloads();
    expect(enrolment!.payload).toMatchObject({
      memberId: m,
      name: ERASED_TEXT,
      phone: null,
      email: null,
      birthDate: null,
      cardNumber: PERSON.cardNumber,
    });
    const [adjustment] = await h.db.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM applied_events WHERE kind = 'points.adjusted' AND payload->>'memberId' = $1",
      [m],
    );
    expect(adjustment!.payload).toMatchObject({ reason: ERASED_TEXT, points: 25 });
    // No table holds the name, phone or e-mail any more, not even in a free-text reason.
    const dump = JSON.stringify(await h.db.query('SELECT payload, reasons FROM applied_events'));
    for (const text of [PERSON.name, PERSON.phone, PERSON.email, 'Hortense']) expect(dump).not.toContain(text);

    const after = await pullAll(cursorBefore);
    const record = after.members.find((r) => r.id === m);
    expect(record, 'the erased member comes again after the cursor').toBeDefined();
    expect(record).toMatchObject({ balance: 155 });
    for (const text of [PERSON.name, PERSON.phone, PERSON.email]) expect(JSON.stringify(record)).not.toContain(text);

    const audit = await h.db.query<{ actor_kind: string; actor: string; at: number; details: Record<string, unknown> }>(
      "SELECT actor_kind, actor, at, details FROM audit_log WHERE member_id = $1 AND action = 'member.erase'",
      [m],
    );
    expect(audit).toEqual([
      {
        actor_kind: 'admin',
        actor: 'Dana DPO',
        at: T0 + 2000,
        details: { alreadyErased: false, enrolmentsScrubbed: 1, reasonsScrubbed: 1 },
      },
    ]);

    // The export says what is left: the erasure time and no personal data.
    const x = await exportMember(h.db, m, 'Dana DPO', h.clock.now);
    expect(x.profile).toMatchObject({ name: '', phone: null, email: null, birthDate: null, consentMarketing: false, erasedAt: T0 + 2000 });
    expect(x.audit.map((a) => a.action)).toEqual(['member.export', 'member.export', 'member.erase']);
  });

  it('is idempotent, and a later enrolment of the member from a till brings nothing back', async () => {
    h.clock.now = T0 + 3000;
    expect(await eraseMember(h.db, m, 'Dana DPO', h.clock.now)).toEqual({
      memberId: m,
      alreadyErased: true,
      enrolmentsScrubbed: 0,
      reasonsScrubbed: 0,
    });
    expect((await memberRow()).erased_at).toBe(T0 + 2000);
    // A till that still held the member sends an enrolment again (a new event id).
    const late = new EventLog(h.storeId);
    late.seq = log.seq;
    late.enrol(m, { name: PERSON.name, phone: PERSON.phone, email: PERSON.email, at: T0 + 2500 });
    const res = await h.request(t, 'POST', '/v1/events', { events: late.events });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await memberRow()).toMatchObject({ name: '', phone: null, email: null });
    const payloads = await enrolmentPayloads();
    expect(payloads).toHaveLength(2);
    for (const p of payloads) expect(p.payload).toMatchObject({ name: ERASED_TEXT, phone: null, email: null });
    expect(await h.db.query("SELECT count(*)::int AS n FROM audit_log WHERE member_id = $1 AND action = 'member.erase'", [m])).toEqual([
      { n: 2 },
    ]);
  });

  it('refuses an unknown member and a placeholder whose enrolment has not arrived', async () => {
    await expect(eraseMember(h.db, 'nobody', 'Dana DPO', h.clock.now)).rejects.toThrow(/No member/);
    await expect(exportMember(h.db, randomUUID(), 'Dana DPO', h.clock.now)).rejects.toThrow(/No member/);
    const placeholder = randomUUID();
    const other = new EventLog(h.storeId);
    const t2 = await h.pair('Till 2');
    other.sale(placeholder, { earn: 10 });
    expect((await h.request(t2, 'POST', '/v1/events', { events: other.events })).status).toBe(200);
    await expect(eraseMember(h.db, placeholder, 'Dana DPO', h.clock.now)).rejects.toThrow(/not been enrolled/);
  });

  it('runs as commands through the admin channel, and no command or request writes personal data to the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-privacy-'));
    let channel: AdminChannel | undefined;
    try {
      channel = await openAdminChannel({
        db: h.db,
        dataDir: dir,
        database: 'privacy-test',
        log: h.server.app.log,
        clock: () => h.clock.now,
      });
      const record = findChannel(dir, 'privacy-test')!;
      const other = randomUUID();
      const events = new EventLog(h.storeId);
      const t3 = await h.pair('Till 3');
      events.enrol(other, {
        name: 'Ottilie Brennecke',
        phone: '+49 151 2345 6789',
        email: 'ottilie@example.de',
        cardNumber: '2955566677788',
      });
      const adjust = events.adjust(other, 5);
      (adjust.payload as { reason: string }).reason = 'Ottilie Brennecke +49 151 2345 6789 asked';
      expect((await h.request(t3, 'POST', '/v1/events', { events: events.events })).status).toBe(200);
      // A request the server refuses still logs nothing of what it carried.
      await h.request(t3, 'POST', '/v1/events', { events: [{ ...adjust, seq: 'x' }] });

      const noBy = await sendAdminCommand(record, { argv: ['erase-member', '2955566677788'] });
      expect(noBy).toMatchObject({ exitCode: 2, error: expect.stringMatching(/--by/) });
      const exported = await sendAdminCommand(record, { argv: ['export-member', '+49 151 2345 6789', '--by', 'Dana DPO'] });
      expect(exported.exitCode, exported.error).toBe(0);
      expect(JSON.parse(exported.output.join('\n'))).toMatchObject({ profile: { id: other, name: 'Ottilie Brennecke' } });
      const erased = await sendAdminCommand(record, { argv: ['erase-member', '2955566677788', '--by', 'Dana DPO'] });
      expect(erased).toMatchObject({ exitCode: 0, output: [expect.stringMatching(new RegExp(`^Member ${other} erased`))] });
      const again = await sendAdminCommand(record, { argv: ['erase-member', other, '--by', 'Dana DPO'] });
      expect(again).toMatchObject({ exitCode: 0, output: [`Member ${other} was already erased.`] });
      const unknown = await sendAdminCommand(record, { argv: ['export-member', 'nobody', '--by', 'Dana DPO'] });
      expect(unknown).toMatchObject({ exitCode: 2, error: expect.stringMatching(/No member/) });

      // A careless call site: the server's logger censors free-text and personal keys at any depth and scrubs phones from strings.
      h.server.app.log.info(
        { detail: { adjustment: { reason: REASON, note: 'Ottilie' } }, text: 'call back on +49 151 2345 6789' },
        'careless',
      );
      const all = h.logs.join('\n');
      expect(all).toContain('"msg":"careless"');
      expect(all).toContain('"adminCommand":"erase-member"');
      expect(all).toContain('"adminCommand":"export-member"');
      for (const text of [
        PERSON.name,
        PERSON.phone,
        PERSON.email,
        'Hortense',
        'Ottilie',
        'Brennecke',
        '2345 6789',
        'ottilie@example.de',
        'Dana DPO',
        'asked',
        'Called by',
      ])
        expect(all, `log contains ${text}`).not.toContain(text);
    } finally {
      await channel?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
