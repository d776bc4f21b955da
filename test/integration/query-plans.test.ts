/**
 * Query-plan guard: no statement of a hot path scans a table that grows with the member base
 * or with time. The statements are the ones really run (recorded, test/helpers/query-plans.ts)
 * while a terminal drives every hot path through its dispatcher against the real server on a
 * real PostgreSQL: lookups (card, token, id), search (phone, name), sale preview, commit (earn,
 * redeem offline and on a hold, reward), void, refund, enrolment, adjustment, history, holds,
 * outbox push and mark, first and later pulls. Each distinct statement is then EXPLAINed on
 * both sides' databases with tens of thousands of members, where the planner's choice is the one a
 * chain-sized database gets: the terminal's without statistics (the app never runs ANALYZE) and with
 * them, the server's ANALYZEd (PostgreSQL's autovacuum keeps statistics).
 *
 * Kept out of the hot-path set, on purpose (they are not run while recording): pairing, start-up
 * (migrations, integrity check), the end-of-day report, diagnostics and the list of flagged events
 * (a manager's reads, the last at most `limit` flagged events), the server's expiry job and admin
 * commands (maintenance, off the till's path).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Input, Method, Output } from '../../shared/api.ts';
import { createBackend } from '../../main/backend/backend.ts';
import type { Backend } from '../../main/backend/context.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { closeTerminalDb, openTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertStaff } from '../../main/backend/store/staff.ts';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { importProducts, importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { testMasterKeyFile } from '../server/master-key-file.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { BENCH_NOW, cardNumber, ensureCoreDatabase, memberId, phoneOf } from '../bench/core-data.ts';
import { demoProgram } from '../fixtures/program.ts';
import { describeProblems, postgresScans, recordServer, recordSqlite, sqliteScans, type Recorder } from '../helpers/query-plans.ts';
import { PRODUCTS, STAFF, tempDir } from '../helpers/terminal.ts';
import { startPostgres, type PostgresCluster } from '../server/postgres.ts';

/** Members on each side: enough that an index beats a scan by far, small enough to build in seconds. */
const MEMBERS = 20_000;
const STORE = 'store-1';

/** Tables that grow with the member base or with time; the others (programme, products, staff, keys, settings) stay small. */
const TERMINAL_GROWING = new Set([
  'members',
  'member_cards',
  'ledger',
  'point_lots',
  'sales',
  'sale_lines',
  'refunds',
  'vouchers',
  'outbox',
  'outbox_points',
  'audit_log',
  'redemption_holds',
  'offline_redemptions',
  'revoked_member_tokens',
]);
const SERVER_GROWING = new Set([
  'members',
  'member_name_words',
  'audit_log',
  'member_cards',
  'ledger',
  'point_lots',
  'applied_events',
  'holds',
  'flags',
  'auth_nonces',
  'revoked_member_tokens',
]);

const serverMember = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;

let cluster: PostgresCluster;
let rawServerDb: Db;
let server: RunningServer;
let serverSql: Recorder & { db: Db };
let terminalSql: ReturnType<typeof recordSqlite>;
let backend: Backend;
let dir: { path: string; remove(): void };

/** The server's growing tables at a chain's proportions: members with a card, an opening entry and a lot; past events, holds, flags, revoked tokens, nonces. */
async function seedServer(db: Db, now: number): Promise<void> {
  const id = "(lpad(to_hex(i), 8, '0') || '-0000-7000-8000-000000000000')::uuid";
  const past = "(md5(i::text || '%s'))::uuid";
  await db.exec(`
    INSERT INTO terminals (id, store_id, name, hmac_key, paired_at) VALUES ('00000000-0000-4000-8000-00000000000f', '${STORE}', 'old till', '\\x00', ${now});
    INSERT INTO members (id, status, name, phone, email, consent_marketing, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
      SELECT ${id}, 'active', 'Member ' || i, '336' || lpad(i::text, 8, '0'), 'm' || i || '@example.com', false, '${STORE}', ${now}, 'bronze', 1000, ${now}, ${now}
      FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO member_cards (card, member_id, created_at) SELECT lpad(i::text, 12, '0'), ${id}, ${now} FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO ledger (member_id, kind, points, created_at, applied_at, reason) SELECT ${id}, 'adjust', 1000, ${now}, ${now}, 'Opening balance (import)' FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO point_lots (member_id, remaining, expires_at, created_at) SELECT ${id}, 1000, ${lotExpiry(now, demoProgram)}, ${now} FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO applied_events (id, terminal_id, seq, kind, created_at, applied_at, status, payload)
      SELECT ${past.replace('%s', 'e')}, '00000000-0000-4000-8000-00000000000f', i, 'sale.committed', ${now} - i * 1000, ${now} - i * 1000, 'applied',
             jsonb_build_object('saleId', ${past.replace('%s', 's')}, 'memberId', ${id}, 'storeId', '${STORE}', 'ledger', '[]'::jsonb)
      FROM generate_series(1, ${MEMBERS * 2}) AS i;
    INSERT INTO holds (id, terminal_id, member_id, points, created_at, expires_at, status, closed_at)
      SELECT ${past.replace('%s', 'h')}, '00000000-0000-4000-8000-00000000000f', ${id}, 100, ${now} - i * 1000, ${now} - i * 1000 + 60000, 'posted', ${now} - i * 1000
      FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO flags (kind, member_id, event_id, created_at, resolved_at) SELECT 'overdraft', ${id}, ${past.replace('%s', 'e')}, ${now} - i, ${now} FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO revoked_member_tokens (token_id, member_id, revoked_at) SELECT lpad(to_hex(i), 12, '0'), ${id}, ${now} - i FROM generate_series(1, ${MEMBERS}) AS i;
    INSERT INTO auth_nonces (terminal_id, nonce, seen_at) SELECT '00000000-0000-4000-8000-00000000000f', md5(i::text), ${now} - i FROM generate_series(1, ${MEMBERS}) AS i;`);
}

/** The terminal's growing tables besides the members' (core-data.ts): past sales and their lines, refunds, sent events, holds, offline redemptions, audit. */
function padTerminal(path: string): void {
  const store = openTerminalDb(path);
  writeTransaction(store, (db) => {
    for (const [who, role] of [
      ['manager', 'manager'],
      ['admin', 'admin'],
    ] as const) {
      upsertStaff(db, { id: STAFF[who].id, name: who, role, pinHash: hashPin(STAFF[who].pin, 1024), active: true, now: BENCH_NOW });
    }
    const n = MEMBERS;
    db.exec(`
      WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ${n})
      INSERT INTO sales (id, member_id, staff_id, store_id, program_version, created_at, total_minor, discount_minor, paid_minor, points_earned, points_redeemed, status, result)
        SELECT printf('00000000-0000-7000-9000-%012x', n), printf('00000000-0000-7000-8000-%012x', n - 1), 'cashier-1', '${STORE}', 1, ${BENCH_NOW} - 2 * 86400000 - n * 3600000, 1000, 0, 1000, 10, 0, 'completed', '{}' FROM i;
      INSERT INTO sale_lines (sale_id, line_no, sku, category, description, quantity, unit_price_minor, amount_minor, discount_minor, paid_minor, earn_points, redeemed_points)
        SELECT id, 1, 'BREAD', 'bakery', 'Bread', 4, 250, 1000, 0, 1000, 10, 0 FROM sales;
      INSERT INTO refunds (id, sale_id, staff_id, created_at, refund_minor, points_reversed, points_restored, result)
        SELECT 'r' || id, id, 'manager-1', created_at + 1, 250, 2, 0, '{}' FROM sales WHERE rowid % 10 = 0;
      INSERT INTO outbox (id, kind, payload, created_at, sent_at, result)
        SELECT printf('00000000-0000-7000-a000-%012x', rowid), 'sale.committed', '{}', created_at, created_at + 5000, '{"status":"applied"}' FROM sales;
      INSERT INTO outbox_points (member_id, seq, points) SELECT s.member_id, o.seq, 10 FROM outbox o JOIN sales s ON s.rowid = o.seq;
      INSERT INTO redemption_holds (hold_id, member_id, points, status, sale_id, created_at, expires_at)
        SELECT printf('00000000-0000-7000-b000-%012x', rowid), member_id, 500, 'posted', id, created_at, created_at + 60000 FROM sales WHERE rowid % 2 = 0;
      INSERT INTO offline_redemptions (sale_id, member_id, points, at) SELECT id, member_id, 500, created_at FROM sales WHERE rowid % 2 = 1;
      INSERT INTO audit_log (at, staff_id, action, subject) SELECT created_at, 'cashier-1', 'sale.commit', id FROM sales;`);
  });
  closeTerminalDb(store);
}

type Call = <M extends Method>(method: M, input: Input<M>, token?: string | null) => Promise<Output<M>>;

beforeAll(async () => {
  cluster = await startPostgres();
  rawServerDb = await openDatabase({ url: await cluster.createDatabase(), masterKeyFile: testMasterKeyFile() });
  const clock = new ManualClock(BENCH_NOW + 3_600_000);
  await createStore(rawServerDb, { id: STORE, name: 'Paris Bastille', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
  await importProgram(rawServerDb, demoProgram, clock.now());
  await importProducts(rawServerDb, PRODUCTS);
  await seedServer(rawServerDb, clock.now());
  serverSql = recordServer(rawServerDb);
  server = await startServer({
    db: serverSql.db,
    port: 0,
    host: '127.0.0.1',
    log: false,
    clock: () => clock.now(),
    maintenanceIntervalMs: 0,
  });

  dir = tempDir('lt-plans-');
  const path = join(dir.path, 'terminal.sqlite');
  ensureCoreDatabase(path, MEMBERS, 10, () => undefined);
  padTerminal(path);
  terminalSql = recordSqlite();
  backend = createBackend({ dbPath: path, storeId: STORE, clock });
  const dispatch = createDispatcher(backend, { validateOutput: true });
  let id = 1;
  const call: Call = async (method, input, token = null) => {
    const response = await dispatch({ id: id++, method, input, token });
    if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`);
    return response.result as never;
  };
  const login = async (who: keyof typeof STAFF) => (await call('staff.login', { staffId: STAFF[who].id, pin: STAFF[who].pin })).token;
  const admin = await login('admin');
  const { code } = await createPairingCode(rawServerDb, { storeId: STORE }, clock.now());
  const { terminalId } = await call('sync.pair', { serverUrl: server.url, code, terminalName: 'Till 1' }, admin);
  // The padded outbox's events were pushed long ago: the server has applied up to the last of them.
  const sent = backend.store.db.prepare('SELECT max(seq) FROM outbox').pluck().get() as number;
  await rawServerDb.query('UPDATE terminals SET applied_seq = $1 WHERE id = $2', [sent, terminalId]);

  terminalSql.on();
  serverSql.on();
  await drive(call, login, clock);
  terminalSql.off();
  serverSql.off();
}, 240_000);

afterAll(async () => {
  terminalSql?.restore();
  if (backend !== undefined) {
    await backend.sync.stop();
    closeTerminalDb(backend.store);
  }
  await server?.close();
  await rawServerDb?.close();
  await cluster?.stop();
  dir?.remove();
});

/** Every hot path, through the dispatcher, as a till's day runs them. */
async function drive(call: Call, login: (who: keyof typeof STAFF) => Promise<string>, clock: ManualClock): Promise<void> {
  const step = () => clock.advance(1_000);
  const first = await backend.sync.syncNow(); // the first pull: the server's members, in bulk
  if (first.state !== 'online') throw new Error(`first sync ended ${first.state}: ${first.reason}`);
  const cashier = await login('cashier');
  const manager = await login('manager');
  const local = (i: number) => memberId(i);
  const pulled = serverMember(17);

  // Lookups and search.
  await call('member.byCard', { card: cardNumber(42) }, cashier);
  await call('member.get', { memberId: local(43) }, cashier);
  await call('member.search', { phonePrefix: phoneOf(44).slice(0, 7) }, cashier);
  await call('member.search', { namePrefix: 'Léa' }, cashier);
  await call('member.search', { namePrefix: 'Martin L' }, cashier); // a surname and an initial: the name index, then a check
  await call('member.search', { phonePrefix: `+${phoneOf(44).slice(0, 9)}` }, cashier);
  await call('member.duplicates', { phone: `+${phoneOf(44)}`, email: 'someone@example.org' }, manager);
  await call('member.history', { memberId: local(45) }, cashier);
  // The chain's members on the server (least data: the till holds personal data of its store's only) and a member's whole history.
  await call('member.searchOnline', { query: 'Member 1234' }, cashier);
  await call('member.searchOnline', { query: '+33 6 0000 12' }, cashier);
  await call('member.fullHistory', { memberId: pulled }, cashier);
  await call('scan.resolve', { source: 'wedge', text: cardNumber(46), at: clock.now() }, cashier);
  const token = await call('member.issueToken', { memberId: pulled }, manager);
  await call('scan.resolve', { source: 'wedge', text: token.token, at: clock.now() }, cashier);

  // Sales: preview, anonymous, member earn, redeem within the offline caps, reward, void, refund.
  const lines = [
    { sku: 'COFFEE-1KG', quantity: 1 },
    { sku: 'BREAD', quantity: 2 },
    { category: 'organic', amountMinor: 1234 },
  ];
  await call('sale.preview', { memberId: local(47), lines, redemption: { kind: 'points', points: 500 } }, cashier);
  step();
  await call('sale.commit', { saleId: uuidv7(clock.now()), memberId: null, lines }, cashier);
  step();
  const earned = await call('sale.commit', { saleId: uuidv7(clock.now()), memberId: local(48), lines }, cashier);
  step();
  await call(
    'sale.commit',
    { saleId: uuidv7(clock.now()), memberId: local(49), lines, redemption: { kind: 'points', points: 500 } },
    cashier,
  );
  step();
  await call(
    'sale.commit',
    {
      saleId: uuidv7(clock.now()),
      memberId: local(50),
      lines: [...lines, { sku: 'COFFEE-CUP', quantity: 1 }],
      redemption: { kind: 'reward', rewardId: 'free-coffee' },
    },
    cashier,
  );
  step();
  await call('sale.void', { saleId: earned.saleId }, cashier);
  step();
  const refunded = await call('sale.commit', { saleId: uuidv7(clock.now()), memberId: local(51), lines }, cashier);
  step();
  await call('sale.refund', { refundId: uuidv7(clock.now()), saleId: refunded.saleId, lines: [{ lineNo: 2, quantity: 1 }] }, manager);
  step();
  await call(
    'member.enrol',
    {
      memberId: uuidv7(clock.now()),
      name: 'Zoë Martin',
      phone: '+33 6 12 34 56 78',
      email: 'zoe@example.com',
      consentMarketing: false,
      cardNumber: '2999999999990',
    },
    manager,
  );
  step();
  await call('points.adjust', { adjustmentId: uuidv7(clock.now()), memberId: local(52), points: 25, reason: 'goodwill' }, manager);

  // Online holds: a sale on one, one released.
  step();
  const hold = await call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: pulled, points: 500 }, cashier);
  if (hold.mode !== 'online') throw new Error(`hold answered ${JSON.stringify(hold)}`);
  step();
  await call(
    'sale.commit',
    { saleId: uuidv7(clock.now()), memberId: pulled, lines, redemption: { kind: 'points', points: 500 }, holdId: hold.holdId },
    cashier,
  );
  step();
  const released = await call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: serverMember(18), points: 500 }, cashier);
  if (released.mode === 'online') await call('redemption.release', { holdId: released.holdId }, cashier);

  // Push the day's events, and pull back what the server made of them (members the terminal holds).
  step();
  const after = await backend.sync.syncNow();
  if (after.state !== 'online')
    throw new Error(
      `sync ended ${after.state}: ${after.reason} ${JSON.stringify(backend.store.db.prepare('SELECT kind, last_error, payload FROM outbox WHERE sent_at IS NULL').all())}`,
    );
  await call('sync.status', {}, cashier);
}

test('no hot-path statement of the terminal scans a growing table (SQLite EXPLAIN QUERY PLAN, without and with statistics)', () => {
  const db = backend.store.db;
  // As a till runs: the app never runs ANALYZE, so its planner has no statistics. Then with them, as
  // after an ANALYZE (the plan must not hang on which of the two a terminal has).
  expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'").pluck().get()).toBe(0);
  const bare = sqliteScans(db, terminalSql.statements.values(), TERMINAL_GROWING);
  db.exec('ANALYZE');
  const analyzed = sqliteScans(db, terminalSql.statements.values(), TERMINAL_GROWING);
  const problems = [
    ...bare.problems.map((p) => ({ ...p, table: `${p.table} (no statistics)` })),
    ...analyzed.problems.map((p) => ({ ...p, table: `${p.table} (ANALYZEd)` })),
  ];
  const explained = analyzed.explained;
  // The drive reached the store: dozens of distinct statements, the outbox's ledger read among them.
  expect(explained).toBeGreaterThan(60);
  expect([...terminalSql.statements.keys()].some((sql) => sql.includes('FROM ledger l WHERE l.id > ?'))).toBe(true);
  expect(problems, describeProblems(problems)).toEqual([]);
});

test('no hot-path statement of the server scans a growing table (PostgreSQL EXPLAIN)', async () => {
  await rawServerDb.exec('ANALYZE');
  const { problems, explained } = await postgresScans(rawServerDb, serverSql.statements.values(), SERVER_GROWING);
  // The drive reached the server's push (one statement writing the batch), holds and pull.
  expect(explained).toBeGreaterThan(20);
  const texts = [...serverSql.statements.keys()];
  expect(texts.some((sql) => sql.includes('applied_events') && /\bINSERT\b/i.test(sql))).toBe(true);
  expect(texts.some((sql) => sql.startsWith('INSERT INTO holds'))).toBe(true);
  expect(texts.some((sql) => sql.includes('FROM members WHERE change_seq >'))).toBe(true);
  // ... and the sale lookups of a refund (GET /v1/sales/:saleId, the push's refund check) and of the history.
  expect(texts.some((sql) => sql.includes("a.payload->>'saleId' = ANY"))).toBe(true);
  expect(texts.some((sql) => sql.includes("a.payload->>'memberId' = $1"))).toBe(true);
  // ... and the online member search (by phone digits, by name words) and the full history.
  expect(texts.some((sql) => sql.includes('FROM member_name_words w WHERE'))).toBe(true);
  expect(texts.some((sql) => sql.includes("regexp_replace(m.phone, '[^0-9]', '', 'g')"))).toBe(true);
  expect(texts.some((sql) => sql.includes('FROM ledger l'))).toBe(true);
  expect(problems, describeProblems(problems)).toEqual([]);
});
