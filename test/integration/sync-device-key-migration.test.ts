/**
 * A terminal paired before device keys (an HMAC secret, protocol version 1)
 * moves to its own Ed25519 key on its next sync, with nobody touching it: it
 * makes the key pair and seals it before it sends anything, registers the
 * public key (POST /v1/device-key, signed with the secret), drops the secret,
 * and signs with the key from then on. No event is lost or doubled across the
 * move, and a crash between the server's answer and the reseal heals on the
 * next round (the same key is registered again, signed with itself).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertTokenKey } from '../../main/backend/store/member-token-keys.ts';
import { saveSealedCredentials } from '../../main/backend/store/sync-state.ts';
import { keyFileSource, sealCredentials, type SyncCredentials } from '../../main/backend/sync/credentials.ts';
import { SyncHttpClient } from '../../main/backend/sync/http-client.ts';
import { loadCredentials } from '../../main/backend/sync/pair.ts';
import { pullChanges } from '../../main/backend/sync/pull.ts';
import { pushOutbox } from '../../main/backend/sync/push.ts';
import { authorizationFor, devicePublicKeyOf, newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import { pairResponseSchema } from '../../shared/sync-protocol.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import { openSyncTerminal, sell, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
const open: SyncTerminal[] = [];
beforeAll(async () => {
  server = await startSyncServer(clock);
  // The HMAC window runs from this server's first start of protocol version 2: make that the test clock's now.
  await server.db.query('UPDATE protocol_versions SET first_started_at = $1 WHERE version = 2', [clock.now()]);
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await server?.close();
});

/** What the terminal software of protocol version 1 did at pairing: no public key, a secret sealed in its credentials. */
async function pairTheOldWay(t: SyncTerminal, name: string): Promise<SyncCredentials> {
  const res = await fetch(`${server.url}/v1/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: await server.code(), terminalName: name }),
  });
  expect(res.status).toBe(200);
  const answer = pairResponseSchema.parse(await res.json());
  expect(answer.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const credentials: SyncCredentials = {
    serverUrl: server.url,
    terminalId: answer.terminalId,
    storeId: answer.storeId,
    secret: answer.secret!,
    caPem: null,
    storeName: answer.store.name,
    terminalName: name,
  };
  const key = keyFileSource(`${t.dbPath}.key`)();
  writeTransaction(t.backend.store, (db) => {
    saveSealedCredentials(db, sealCredentials(credentials, key));
    for (const k of answer.publicKeys)
      upsertTokenKey(db, { keyId: k.kid, publicKey: Buffer.from(k.publicKey, 'base64url'), revokedAt: null, now: clock.now() });
  });
  return credentials;
}

const credentialsOf = (t: SyncTerminal) => loadCredentials(t.backend.store, keyFileSource(`${t.dbPath}.key`))!;

async function terminalRow(terminalId: string) {
  const [row] = await server.db.query<{ hmac_key: Uint8Array | null; public_key: Uint8Array | null }>(
    'SELECT hmac_key, public_key FROM terminals WHERE id = $1',
    [terminalId],
  );
  return row!;
}

/** The protocol version of each request the server handled for this terminal, in order, by route. */
function versions(terminalId: string, route: string): number[] {
  return server.logs
    .map((l) => JSON.parse(l) as { route?: string; terminalId?: string; protocolVersion?: number })
    .filter((l) => l.route === route && l.terminalId === terminalId)
    .map((l) => l.protocolVersion!);
}

/** Every event of the outbox applied once, in order, none unsent, nothing else applied for this terminal. */
async function expectAppliedOnce(t: SyncTerminal, terminalId: string): Promise<number> {
  const outbox = t.backend.store.db.prepare('SELECT id, seq, sent_at FROM outbox ORDER BY seq').all() as {
    id: string;
    seq: number;
    sent_at: number | null;
  }[];
  expect(outbox.filter((o) => o.sent_at === null)).toEqual([]);
  const applied = await server.db.query<{ id: string; seq: number }>(
    'SELECT id, seq FROM applied_events WHERE terminal_id = $1 ORDER BY seq',
    [terminalId],
  );
  expect(applied.map((r) => [r.id, Number(r.seq)])).toEqual(outbox.map((o) => [o.id, o.seq]));
  return outbox.length;
}

test('a terminal paired with an HMAC secret syncs, moves to its own Ed25519 key on its next sync, and keeps syncing: no event lost or doubled', async () => {
  const t = openSyncTerminal(clock);
  open.push(t);
  const old = await pairTheOldWay(t, 'Old till');
  const cashier = await t.login('manager');
  const member = await t.enrol(cashier);
  await sell(t, cashier, member.id, 1250);

  // The software of version 1 syncs as it always did: HMAC-signed push and pull.
  const v1 = new SyncHttpClient({
    serverUrl: server.url,
    auth: { terminalId: old.terminalId, secret: old.secret! },
    now: () => clock.now(),
  });
  try {
    expect((await pushOutbox({ store: t.backend.store, client: v1, now: () => clock.now(), batchSize: 100 })).sent).toBe(2);
    await pullChanges({ store: t.backend.store, client: v1, now: () => clock.now(), pageSize: 500 });
  } finally {
    v1.close();
  }
  expect(versions(old.terminalId, 'pushEvents')).toEqual([1]);
  expect((await terminalRow(old.terminalId)).hmac_key).not.toBeNull();

  // Updated software: more sales, then its ordinary sync round. Nobody pairs it again.
  await sell(t, cashier, member.id, 800);
  await sell(t, cashier, member.id, 2000);
  expect((await t.backend.sync.syncNow()).state).toBe('online');

  const moved = credentialsOf(t);
  expect(moved.secret).toBeUndefined();
  expect(moved.terminalId).toBe(old.terminalId);
  const row = await terminalRow(old.terminalId);
  expect(row.hmac_key).toBeNull();
  expect(Buffer.from(row.public_key!).toString('base64url')).toBe(devicePublicKeyOf(moved.signingKey!));
  expect(versions(old.terminalId, 'registerDeviceKey')).toEqual([1]);
  expect(versions(old.terminalId, 'pushEvents')).toEqual([1, 2]);
  expect(t.logs.some((l) => l.includes('sync.device_key.registered'))).toBe(true);
  expect(t.logs.join('\n')).not.toContain(moved.signingKey);

  // It keeps syncing with the key; the old secret signs nothing any more.
  await sell(t, cashier, member.id, 300);
  expect((await t.backend.sync.syncNow()).state).toBe('online');
  expect(versions(old.terminalId, 'pushEvents')).toEqual([1, 2, 2]);
  expect(await expectAppliedOnce(t, old.terminalId)).toBe(5);
  const stolen = await fetch(`${server.url}/v1/changes?limit=1`, {
    headers: {
      authorization: await authorizationFor(
        { terminalId: old.terminalId, secret: old.secret! },
        { method: 'GET', pathWithQuery: '/v1/changes?limit=1', ts: clock.now() },
      ),
    },
  });
  expect([stolen.status, ((await stolen.json()) as { details: { reason: string } }).details.reason]).toEqual([
    401,
    'device_key_registered',
  ]);
  // The terminal shows the server's balance after the round's pull.
  const balances = await server.balances();
  expect((await t.call('member.get', { memberId: member.id }, cashier)).balance).toBe(balances.get(member.id)!.balance);
}, 60_000);

test('a crash between the server registering the key and the terminal resealing heals on the next round', async () => {
  const t = openSyncTerminal(clock);
  open.push(t);
  const old = await pairTheOldWay(t, 'Old till 2');
  const cashier = await t.login('manager');
  const member = await t.enrol(cashier);
  await sell(t, cashier, member.id, 990);

  // Step 1 done (the pair sealed beside the secret) and step 2 done (the server has the key), step 3 lost in a crash.
  const pending = { ...old, signingKey: newDeviceKeyPair().signingKey };
  const key = keyFileSource(`${t.dbPath}.key`)();
  writeTransaction(t.backend.store, (db) => saveSealedCredentials(db, sealCredentials(pending, key)));
  const publicKey = devicePublicKeyOf(pending.signingKey);
  const body = JSON.stringify({ publicKey });
  const registered = await fetch(`${server.url}/v1/device-key`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: await authorizationFor(
        { terminalId: old.terminalId, secret: old.secret! },
        { method: 'POST', pathWithQuery: '/v1/device-key', body, ts: clock.now() },
      ),
    },
    body,
  });
  expect(registered.status).toBe(200);

  // The restarted terminal: its secret is refused now, so it registers the same key again signed with the key, and goes on.
  await t.close();
  const restarted = openSyncTerminal(clock, { dir: t.dir, seeded: false });
  open.push(restarted);
  expect((await restarted.backend.sync.syncNow()).state).toBe('online');
  const healed = credentialsOf(restarted);
  expect(healed.secret).toBeUndefined();
  expect(healed.signingKey).toBe(pending.signingKey);
  expect(versions(old.terminalId, 'registerDeviceKey')).toEqual([1, 2]);
  expect(versions(old.terminalId, 'pushEvents')).toEqual([2]);
  expect(await expectAppliedOnce(restarted, old.terminalId)).toBe(2);
}, 60_000);
