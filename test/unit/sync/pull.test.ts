/**
 * The pull loop against a server that answers slowly and signs nothing: the
 * order of requests and writes, the WAL during a long first pull, and a
 * prefetched page that fails. (The real server and client are in
 * test/integration/sync-pull.test.ts; here the pages are made in memory, in
 * the protocol's shape, so the timing of each step is the test's to decide.)
 */
import { statSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { pullResponseSchema, type MemberRecord, type PullResponse } from '../../../shared/sync-protocol.ts';
import { pullChanges } from '../../../main/backend/sync/pull.ts';
import { SyncFailure } from '../../../main/backend/sync/failure.ts';
import type { RequestOptions } from '../../../main/backend/sync/http-client.ts';
import { checkInvariants } from '../../helpers/ledger-invariants.ts';
import { createTestTerminal, type TestTerminal } from '../../helpers/terminal.ts';

const open: TestTerminal[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

function member(i: number, now: number): MemberRecord {
  const balance = (i % 5) * 40 - 20; // some owe points, some hold none
  return {
    id: `${i.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`,
    status: i % 11 === 0 ? 'blocked' : 'active',
    tier: 'bronze',
    balance,
    lots:
      balance > 0
        ? [
            { remaining: balance - 10, expiresAt: now + 86_400_000 },
            { remaining: 10, expiresAt: null },
          ]
        : [],
    cards: [String(i).padStart(12, '0')],
    enrolledStore: 'store-1',
    enrolledAt: now,
    birthday: null,
    personal: {
      name: `Member ${i}`,
      phone: `+33 6 ${String(i).padStart(8, '0')}`,
      email: i % 3 === 0 ? `m${i}@example.com` : null,
      birthDate: null,
      consentMarketing: i % 2 === 0,
    },
    updatedAt: now,
  };
}

/** `count` pages of `size` members; page n's cursor is "pn". */
function pages(count: number, size: number, now: number): PullResponse[] {
  return Array.from({ length: count }, (_, n) =>
    pullResponseSchema.parse({
      members: Array.from({ length: size }, (_, k) => member(n * size + k + 1, now)),
      programs: [],
      products: [],
      staff: [],
      publicKeys: [],
      revokedTokens: [],
      nextCursor: `p${n + 1}`,
      more: n < count - 1,
      terminalAppliedSeq: 0,
      serverTime: now,
    }),
  );
}

/** A server whose requests leave a few ms after they are made (as signed ones do) and are answered a few ms later. */
function slowServer(answers: PullResponse[], fail: (page: number) => Error | null = () => null) {
  const log: string[] = [];
  const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 3));
  return {
    log,
    client: {
      async get<T>(path: string, _schema: unknown, options: RequestOptions = {}): Promise<T> {
        const cursor = new URL(path, 'http://server').searchParams.get('cursor');
        const page = cursor === null ? 0 : Number(cursor.slice(1));
        await tick();
        const failure = fail(page);
        if (failure) throw failure;
        log.push(`sent ${page}`);
        options.onSent?.();
        await tick();
        return answers[page] as T;
      },
    },
  };
}

test('the next page is asked for, and its request is on the wire, before the page in hand is written', async () => {
  const t = createTestTerminal();
  open.push(t);
  const server = slowServer(pages(6, 20, t.clock.now()));
  const result = await pullChanges({
    store: t.backend.store,
    client: server.client,
    now: () => t.clock.now(),
    pageSize: 20,
    afterPage: (n) => server.log.push(`written ${n - 1}`),
  });
  expect(result).toMatchObject({ pages: 6, members: 120 });
  for (let page = 0; page < 5; page++) {
    expect(server.log.indexOf(`sent ${page + 1}`), `page ${page + 1} asked for before page ${page} is written`).toBeLessThan(
      server.log.indexOf(`written ${page}`),
    );
  }
  expect(checkInvariants(t.backend.store.db)).toEqual([]);
});

test('a long first pull moves its pages into the database file as it goes, not into a WAL the size of the member base', async () => {
  const t = createTestTerminal();
  open.push(t);
  const server = slowServer(pages(40, 100, t.clock.now()));
  await pullChanges({ store: t.backend.store, client: server.client, now: () => t.clock.now(), pageSize: 100 });
  const db = t.backend.store.db;
  expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(4000);
  const file = statSync(t.dbPath).size;
  const wal = statSync(`${t.dbPath}-wal`).size;
  expect(wal, `WAL ${wal} bytes, database file ${file} bytes`).toBeLessThan(file / 2);
  expect(checkInvariants(db)).toEqual([]);
  // The server's lots as they are, a debt as a debt.
  const owing = db.prepare("SELECT balance, debt FROM members WHERE id = '00000005-0000-7000-8000-000000000000'").get();
  expect(owing).toEqual({ balance: -20, debt: 20 });
  const lots = db
    .prepare("SELECT remaining, expires_at FROM point_lots WHERE member_id = '00000003-0000-7000-8000-000000000000' ORDER BY expires_at")
    .all();
  expect(lots).toEqual([
    { remaining: 90, expires_at: t.clock.now() + 86_400_000 },
    { remaining: 10, expires_at: expect.any(Number) },
  ]);
});

test('a prefetched page that fails leaves the pages before it written and the cursor on it', async () => {
  const t = createTestTerminal();
  open.push(t);
  const server = slowServer(pages(5, 10, t.clock.now()), (page) => (page === 3 ? new SyncFailure('network', 'connection refused') : null));
  await expect(pullChanges({ store: t.backend.store, client: server.client, now: () => t.clock.now(), pageSize: 10 })).rejects.toThrow(
    'connection refused',
  );
  const db = t.backend.store.db;
  expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(30);
  expect(db.prepare("SELECT value FROM settings WHERE key = 'sync.cursor'").pluck().get()).toBe('p3');
});
