/**
 * A till that mints member QR tokens beyond policy (issue 13, "Trust no till"), on real
 * PostgreSQL: no token lives forever or longer than the programme's lifetime, none is made for a
 * member the server does not have or has blocked, a till mints within its rates (also in a burst),
 * every token is recorded, and a token the administrator revokes (one, or all of a member's) is
 * refused by a real terminal offline after its next pull.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/backend/platform/clock.ts';
import { verifyMemberToken } from '../../../main/backend/scanning/member-token-verify.ts';
import { setMemberStatus } from '../../../server/admin/members.ts';
import { importProgram } from '../../../server/admin/catalogue.ts';
import { importMembers } from '../../../server/admin/import-members.ts';
import { createPairingCode } from '../../../server/admin/terminals.ts';
import { sendAdminCommand } from '../../../server/admin-channel/channel-client.ts';
import { findChannel } from '../../../server/admin-channel/channel-file.ts';
import { openAdminChannel, type AdminChannel } from '../../../server/admin-channel/channel-server.ts';
import { memberTokenResponseSchema, pullResponseSchema, type MemberTokenResponse } from '../../../shared/sync-protocol.ts';
import { demoProgram, programWith } from '../../fixtures/program.ts';
import { openSyncTerminal, type SyncTerminal } from '../../integration/sync-harness.ts';
import { startHarness, T0, usePostgresCluster, type Harness, type Terminal } from '../harness.ts';

usePostgresCluster();

const DAY = 86_400_000;
const member = (n: number) => `0195a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;
const ALICE = member(1);
const BLOCKED = member(2);

let h: Harness;
let closed = false;
let till: Terminal;
let other: Terminal;
beforeAll(async () => {
  h = await startHarness('postgres');
  till = await h.pair('Till 1');
  other = await h.pair('Till 2');
  await importProgram(h.db, demoProgram, T0); // no `tokens` settings: the defaults
  await importMembers(
    h.db,
    Array.from({ length: 20 }, (_, i) => ({
      id: member(i + 1),
      name: `Member ${i + 1}`,
      enrolledStore: h.storeId,
      cardNumber: `29000000${String(i + 1).padStart(4, '0')}`,
      points: 1000,
    })),
    T0,
  );
  await setMemberStatus(h.db, BLOCKED, 'blocked', T0);
}, 120_000);
afterAll(async () => {
  if (!closed) await h?.close();
});

const mint = (terminal: Terminal, memberId: string, ttlMs?: number | null) =>
  h.request(terminal, 'POST', '/v1/member-tokens', { memberId, ...(ttlMs === undefined ? {} : { ttlMs }) });
const minted = async (terminal: Terminal, memberId: string, ttlMs?: number | null): Promise<MemberTokenResponse> => {
  const res = await mint(terminal, memberId, ttlMs);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return memberTokenResponseSchema.parse(res.body);
};
const recorded = (tokenId: string) =>
  h.db.query<{ member_id: string; issued_by: string; terminal_id: string | null; expires_at: number; revoked_at: number | null }>(
    'SELECT member_id, issued_by, terminal_id, expires_at, revoked_at FROM member_tokens WHERE token_id = $1',
    [tokenId],
  );
const keysFromPull = async () => {
  const page = pullResponseSchema.parse((await h.request(till, 'GET', '/v1/changes?limit=5000')).body);
  return new Map(page.publicKeys.filter((k) => !k.revoked).map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]));
};

describe('minting beyond policy', () => {
  it('a till asking for a never-expiring token gets one that expires with the default lifetime (two years), and it is recorded', async () => {
    for (const ttl of [null, undefined]) {
      const token = await minted(till, ALICE, ttl);
      expect(token.expiresAt).toBe(token.issuedAt + 730 * DAY);
      const keys = await keysFromPull();
      expect(verifyMemberToken(token.token, { keys, now: T0 + 729 * DAY })).toMatchObject({ ok: true, memberId: ALICE });
      expect(verifyMemberToken(token.token, { keys, now: T0 + 731 * DAY })).toMatchObject({ ok: false, reason: 'expired' });
      expect(await recorded(token.tokenId)).toEqual([
        { member_id: ALICE, issued_by: 'terminal', terminal_id: till.terminalId, expires_at: token.expiresAt, revoked_at: null },
      ]);
    }
    await h.db.query('DELETE FROM member_tokens'); // the rates below start from nothing
  });

  it("a lifetime longer than the programme's is cut to it", async () => {
    await importProgram(
      h.db,
      programWith({ version: demoProgram.version + 1, tokens: { lifetimeDays: 30, perMemberPerDay: 3, perTerminalPerHour: 8 } }),
      T0,
    );
    const long = await minted(till, member(3), 10 * 365 * DAY);
    expect(long.expiresAt).toBe(long.issuedAt + 30 * DAY);
    const short = await minted(till, member(3), 3_600_000);
    expect(short.expiresAt).toBe(short.issuedAt + 3_600_000);
    const keys = await keysFromPull();
    expect(verifyMemberToken(long.token, { keys, now: T0 + 31 * DAY })).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('no token for a member the server does not have, or has blocked; nothing is recorded', async () => {
    const before = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM member_tokens');
    expect(await mint(till, randomUUID())).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await mint(till, BLOCKED)).toMatchObject({ status: 409, body: { code: 'MEMBER_BLOCKED' } });
    expect(await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM member_tokens')).toEqual(before);
  });

  it('too many for one member a day: 429 with Retry-After, for every till; the next day it works again', async () => {
    // member(3) has 2 tokens from the test above; the programme allows 3 a day.
    await minted(other, member(3));
    const refused = await mint(till, member(3));
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED', details: { limitedBy: 'member' } } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(await mint(other, member(3))).toMatchObject({ status: 429 });
    h.clock.now = T0 + DAY + 1000;
    await minted(till, member(3));
  });

  it('too many from one till in an hour, in a parallel burst: exactly the allowance passes; another till is not held back', async () => {
    h.clock.now = T0 + 3 * DAY;
    const burst = await Promise.all(Array.from({ length: 14 }, (_, i) => mint(till, member(5 + i))));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(8);
    expect(burst.filter((r) => r.status === 429).every((r) => (r.body as { code: string }).code === 'RATE_LIMITED')).toBe(true);
    expect(burst.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    await minted(other, member(5));
    h.clock.now = T0 + 3 * DAY + 3_600_001;
    await minted(till, member(19));
  });

  it('a burst for one member from many tills passes only the daily allowance', async () => {
    h.clock.now = T0 + 5 * DAY;
    const tills = [till, other, await h.pair('Till 3'), await h.pair('Till 4')];
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => mint(tills[i % tills.length]!, member(20))));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
  });
});

describe('revocation reaches every till', () => {
  let terminal: SyncTerminal;
  let channel: AdminChannel;
  let dataDir: string;
  const clock = new ManualClock(T0);
  const at = (ms: number) => {
    h.clock.now = ms;
    clock.set(ms);
  };
  const admin = async (...argv: string[]) => {
    const record = findChannel(dataDir, 'tokens-test');
    if (record === null) throw new Error('no admin channel');
    return sendAdminCommand(record, { argv });
  };

  beforeAll(async () => {
    at(T0 + 10 * DAY);
    dataDir = mkdtempSync(join(tmpdir(), 'lt-tokens-admin-'));
    channel = await openAdminChannel({ db: h.db, dataDir, database: 'tokens-test', log: h.server.app.log, clock: () => h.clock.now });
    terminal = openSyncTerminal(clock);
    const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
    await terminal.call('sync.pair', { serverUrl: h.url, code, terminalName: 'Real till' }, await terminal.login('admin'));
    await terminal.backend.sync.syncNow();
  }, 60_000);
  afterAll(async () => {
    await terminal?.close();
    await channel?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const scan = async (text: string) =>
    terminal.call('scan.resolve', { source: 'camera', text, at: clock.now() }, await terminal.login('cashier'));

  it('revoke-token (a lost card): the till refuses that token offline after its next pull, and the log names the command and the count only', async () => {
    const lost = await minted(till, member(7));
    const kept = await minted(till, member(7));
    await terminal.backend.sync.syncNow(); // the signing key
    expect(await scan(lost.token)).toMatchObject({ kind: 'member', via: 'token', member: { id: member(7) } });

    const answer = await admin('revoke-token', lost.tokenId);
    expect(answer).toMatchObject({ exitCode: 0 });
    expect(answer.output.join('\n')).toMatch(/revoked/);
    expect((await recorded(lost.tokenId))[0]!.revoked_at).toBe(h.clock.now);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.adminCommand === 'revoke-token');
    expect(line).toMatchObject({ adminCommand: 'revoke-token', exitCode: 0, revoked: 1 });
    expect(JSON.stringify(line)).not.toContain(lost.tokenId);
    expect(JSON.stringify(line)).not.toContain(member(7));
    // Again: nothing more to revoke, said so.
    expect((await admin('revoke-token', lost.tokenId)).output.join('\n')).toMatch(/already revoked/);
    expect(await admin('revoke-token', 'ffffffffffff')).toMatchObject({
      exitCode: 2,
      error: expect.stringMatching(/No recorded member token/),
    });

    await terminal.backend.sync.syncNow();
    expect(await scan(lost.token)).toMatchObject({ kind: 'rejected', code: 'BAD_TOKEN', tokenReason: 'revoked' });
    expect(await scan(kept.token)).toMatchObject({ kind: 'member', via: 'token' });
  });

  it("revoke-member-tokens: every live token of the member is refused after the pull, offline; other members' and later tokens are not", async () => {
    const a = await minted(till, member(4));
    const b = await minted(other, member(4));
    const printed = await admin('issue-token', member(4), '--ttl', '7d');
    expect(printed.exitCode).toBe(0);
    const adminToken = printed.output[0]!;
    const adminTokenId = /Token ([0-9a-f]{12})/.exec(printed.output.join('\n'))![1]!;
    expect(await recorded(adminTokenId)).toMatchObject([
      { member_id: member(4), issued_by: 'admin', terminal_id: null, expires_at: h.clock.now + 7 * DAY },
    ]);
    const neighbour = await minted(till, member(9));
    await terminal.backend.sync.syncNow();
    for (const t of [a.token, b.token, adminToken]) expect(await scan(t)).toMatchObject({ kind: 'member', member: { id: member(4) } });

    const answer = await admin('revoke-member-tokens', member(4));
    expect(answer).toMatchObject({ exitCode: 0 });
    expect(answer.output.join('\n')).toMatch(/^3 member QR codes/);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.adminCommand === 'revoke-member-tokens');
    expect(line).toMatchObject({ exitCode: 0, revoked: 3 });
    expect(JSON.stringify(line)).not.toContain(member(4));

    await terminal.backend.sync.syncNow();
    const later = await minted(till, member(4));
    closed = true;
    await h.close(); // the server is gone: the till decides alone
    for (const t of [a.token, b.token, adminToken])
      expect(await scan(t)).toMatchObject({ kind: 'rejected', code: 'BAD_TOKEN', tokenReason: 'revoked' });
    expect(await scan(neighbour.token)).toMatchObject({ kind: 'member', member: { id: member(9) } });
    // Issued after the revocation (the key is known, the id is not revoked): accepted.
    expect(await scan(later.token)).toMatchObject({ kind: 'member', member: { id: member(4) } });
  });
});
