/**
 * The online member look-ups a till makes for members it holds no personal data of:
 * GET /v1/members/search (phone in any format, any word of the name, members of other
 * stores, masked phone, at most five, a too-short query refused, audited without the
 * query, rate limited per terminal) and GET /v1/members/:id/history (paged, audited).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import {
  memberHistoryResponseSchema,
  memberSearchResponseSchema,
  syncErrorSchema,
  type MemberSearchResponse,
  type PairResponse,
} from '../../shared/sync-protocol.ts';
import { demoProgram } from '../fixtures/program.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, T0, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

const BERLIN = 'berlin-1';
const ids = {
  mueller: randomUUID(),
  elodie: randomUUID(),
  koch: randomUUID(),
  parisOwn: randomUUID(),
};

async function pairAt(h: Harness, storeId: string): Promise<Terminal> {
  const { code } = await createPairingCode(h.db, { storeId }, h.clock.now);
  const keys = newDeviceKeyPair();
  const res = await h.request(null, 'POST', '/v1/pair', { code, terminalName: `Till ${storeId}`, publicKey: keys.publicKey });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...(res.body as PairResponse), ...keys };
}

/** Members of Berlin (imported, phones as typed), one of Paris enrolled by its till (phone as digits), and 7 "Martin"s. */
async function seed(h: Harness): Promise<{ paris: Terminal; berlin: Terminal; log: EventLog }> {
  await importProgram(h.db, demoProgram, T0);
  await createStore(h.db, { id: BERLIN, name: 'Berlin Mitte', timeZone: 'Europe/Berlin', currency: 'EUR' }, T0);
  const paris = await h.pair();
  const berlin = await pairAt(h, BERLIN);
  await importMembers(
    h.db,
    [
      { id: ids.mueller, name: 'Jürgen Müller-Schön', phone: '+49 151 0100 0047', cardNumber: '2900000001234', enrolledStore: BERLIN },
      { id: ids.elodie, name: 'Élodie Martin', phone: '0151 0200 0012', enrolledStore: BERLIN, email: 'elodie@example.org' },
      { id: ids.koch, name: 'Daniel Koch', phone: null, enrolledStore: BERLIN },
      ...Array.from({ length: 7 }, (_, i) => ({ id: randomUUID(), name: `Martina Martin ${i}`, phone: null, enrolledStore: BERLIN })),
    ],
    T0,
  );
  const log = new EventLog(h.storeId);
  log.enrol(ids.parisOwn, { name: 'Anna Schmidt', phone: '33612345678', cardNumber: '2900000009876', bonus: 100 });
  const res = await h.request(paris, 'POST', '/v1/events', { events: log.events });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { paris, berlin, log };
}

const search = async (h: Harness, t: Terminal, q: string, country?: string) => {
  const query = new URLSearchParams({ q, ...(country === undefined ? {} : { country }) });
  return h.request(t, 'GET', `/v1/members/search?${query.toString()}`);
};

describe.each(DRIVERS)('GET /v1/members/search (%s)', (driver) => {
  let h: Harness;
  let paris: Terminal;
  beforeAll(async () => {
    h = await startHarness(driver);
    ({ paris } = await seed(h));
  }, 60_000);
  afterAll(() => h?.close());

  const found = async (q: string, country?: string): Promise<MemberSearchResponse> => {
    const res = await search(h, paris, q, country);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return memberSearchResponseSchema.parse(res.body);
  };

  it("finds another store's member by phone in any format, the phone masked, no e-mail or birth date", async () => {
    for (const [q, country] of [
      ['+49 151 0100 0047', undefined],
      ['0049 151 0100', 'DE'],
      ['0151 0100 0047', 'DE'],
      ['0151-0100', 'DE'],
      ['(0151) 01000047', 'DE'],
      ['4915101', undefined],
    ] as const) {
      const answer = await found(q, country);
      expect(answer.kind, q).toBe('phone');
      expect(
        answer.members.map((m) => m.id),
        q,
      ).toContain(ids.mueller);
    }
    const [hit] = (await found('+4915101000047')).members;
    expect(hit).toEqual({
      id: ids.mueller,
      name: 'Jürgen Müller-Schön',
      phoneMasked: '••• ••• •47',
      tier: demoProgram.tiers.levels[0]!.id,
      status: 'active',
      cardHint: '1234',
      enrolledStoreName: 'Berlin Mitte',
      inStore: false,
    });
    expect(JSON.stringify(hit)).not.toMatch(/0100|example\.org/);
    // A number stored as typed (an import, national format) is found by its own digits too.
    expect((await found('0151 0200')).members.map((m) => m.id)).toEqual([ids.elodie]);
  });

  it('finds by the start of any word of the name, in any order, case and accents ignored', async () => {
    for (const q of ['müller', 'MULLER', 'schön', 'schon', 'jurg', 'Müller-Sch', 'schön jürgen'])
      expect(
        (await found(q)).members.map((m) => m.id),
        q,
      ).toEqual([ids.mueller]);
    expect((await found('elodie')).members.map((m) => m.id)).toEqual([ids.elodie]);
    expect((await found('koch d')).members.map((m) => m.id)).toEqual([ids.koch]);
    expect((await found('koch x')).members).toEqual([]);
    // The till's own store's member says so.
    expect((await found('schmidt')).members).toMatchObject([
      { id: ids.parisOwn, inStore: true, cardHint: '9876', phoneMasked: '••• ••• •78' },
    ]);
  });

  it('answers at most five members and says there were more', async () => {
    const answer = await found('martin');
    expect(answer.members).toHaveLength(5);
    expect(answer.capped).toBe(true);
    expect(new Set(answer.members.map((m) => m.id)).size).toBe(5);
    // The narrowest word drives the read: a common word with a rare one finds the one member.
    expect((await found('martin 3')).members.map((m) => m.name)).toEqual(['Martina Martin 3']);
    expect((await found('martin zzz')).members).toEqual([]);
  });

  it('refuses a query too short to narrow the chain (QUERY_TOO_SHORT) and an over-long one', async () => {
    for (const q of ['015', '+49', 'ab', 'a b c', 'é']) {
      const res = await search(h, paris, q);
      expect(res.status, q).toBe(400);
      expect(syncErrorSchema.parse(res.body)).toMatchObject({ code: 'QUERY_TOO_SHORT', details: { minDigits: 4, minLetters: 3 } });
    }
    expect((await search(h, paris, 'x'.repeat(81))).status).toBe(400);
  });

  it('writes one audit row per search: kind, length and the members shown, never the query; the log has no query either', async () => {
    const before = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.search'");
    await found('Müller');
    const rows = await h.db.query<{ actor_kind: string; actor: string; member_id: string | null; details: unknown }>(
      "SELECT actor_kind, actor, member_id, details FROM audit_log WHERE action = 'member.search' ORDER BY id DESC LIMIT 1",
    );
    const after = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.search'");
    expect(after[0]!.n).toBe(before[0]!.n + 1);
    expect(rows[0]).toEqual({
      actor_kind: 'terminal',
      actor: paris.terminalId,
      member_id: null,
      details: { kind: 'name', length: 6, results: [ids.mueller], capped: false },
    });
    const everything = JSON.stringify(await h.db.query('SELECT * FROM audit_log'));
    expect(everything).not.toMatch(/m[üu]ller|0151|4915101|martin|schmidt/i);
    expect(h.logs.join('\n')).not.toMatch(/m%C3%BCller|müller|0151|martin|schmidt|q=/i);
  });
});

describe('rate limit and history (postgres)', () => {
  let h: Harness;
  let paris: Terminal;
  let berlin: Terminal;
  let log: EventLog;
  beforeAll(async () => {
    h = await startHarness('postgres', { limits: { searchPerTerminal: 3, historyPerTerminal: 4 } });
    ({ paris, berlin, log } = await seed(h));
  }, 60_000);
  afterAll(() => h?.close());

  it('answers 429 with Retry-After past the per-terminal search budget; another terminal keeps its own', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await search(h, paris, 'martin')).status);
    // A refused (too-short) query spends the budget too: guessing is not free.
    const limited = await search(h, paris, 'ab');
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(syncErrorSchema.parse(limited.body)).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'terminal' } });
    expect((await search(h, berlin, 'martin')).status).toBe(200);
    // Other routes of the limited terminal are not refused.
    expect((await h.request(paris, 'GET', '/v1/changes?limit=1')).status).toBe(200);
  });

  it("pages a member's whole ledger, newest first, with store names and categories, never a typed reason; audited", async () => {
    const sent = log.events.length;
    log.sale(ids.parisOwn, { earn: 40, at: T0 + 1000 });
    const adjust = log.adjust(ids.parisOwn, 5, T0 + 2000);
    (adjust.payload as { ledger: { reason?: string }[] }).ledger[0]!.reason = 'customer was rude to Anna';
    log.sale(ids.parisOwn, { earn: 7, at: T0 + 3000 });
    const pushed = await h.request(paris, 'POST', '/v1/events', { events: log.events.slice(sent) });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const page1 = await h.request(berlin, 'GET', `/v1/members/${ids.parisOwn}/history?limit=2`);
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    const first = memberHistoryResponseSchema.parse(page1.body);
    expect(first.entries.map((e) => [e.kind, e.points, e.category, e.storeName])).toEqual([
      ['earn', 7, 'sale', 'Paris Bastille'],
      ['adjust', 5, 'adjustment', 'Paris Bastille'],
    ]);
    expect(first.entries[1]!.label).toBeNull();
    expect(first.nextBefore).not.toBeNull();
    const page2 = memberHistoryResponseSchema.parse(
      (await h.request(berlin, 'GET', `/v1/members/${ids.parisOwn}/history?limit=2&before=${first.nextBefore}`)).body,
    );
    expect(page2.entries.map((e) => [e.kind, e.points, e.category])).toEqual([
      ['earn', 40, 'sale'],
      ['bonus', 100, 'enrolment'],
    ]);
    expect(JSON.stringify([first, page2])).not.toContain('rude');
    const audit = await h.db.query<{ actor: string; member_id: string; details: unknown }>(
      "SELECT actor, member_id, details FROM audit_log WHERE action = 'member.history' ORDER BY id",
    );
    expect(audit).toEqual([
      { actor: berlin.terminalId, member_id: ids.parisOwn, details: { entries: 2, page: 'first' } },
      { actor: berlin.terminalId, member_id: ids.parisOwn, details: { entries: 2, page: 'next' } },
    ]);
    expect((await h.request(berlin, 'GET', `/v1/members/${randomUUID()}/history`)).status).toBe(404);
    expect((await h.request(berlin, 'GET', `/v1/members/${ids.parisOwn}/history?limit=101`)).status).toBe(400);
    // The history budget (4 here) is its own.
    expect((await h.request(berlin, 'GET', `/v1/members/${ids.parisOwn}/history`)).status).toBe(429);
  });
});
