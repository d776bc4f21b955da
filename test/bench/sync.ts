/**
 * `npm run bench -- sync`: the sync protocol end to end over loopback.
 *
 * 1. Push: drain 100,000 queued events from one terminal (the real push path:
 *    main/backend/sync/push.ts, batches of the default 500, two in flight,
 *    signed requests; in a child process: a terminal and the server never
 *    share a CPU in a store) to the real server (in this process, fastify) on
 *    embedded PGlite and on a real PostgreSQL server (a throwaway cluster,
 *    test/server/postgres.ts).
 *    The outbox is built by direct inserts in the protocol's shape (1,000
 *    enrolments, then sales with earn and every tenth with a redemption), not
 *    through sale.commit: building it is not what is measured. Baseline in the
 *    same run: the same request bytes POSTed to a bare node:http handler that
 *    does one INSERT of the batch's JSON into a one-column table, same database.
 *    Then the same drain into a new PostgreSQL database served by two server
 *    processes (children, each with its own pool and turnstile) behind a
 *    round-robin balancer, so consecutive batches land on different processes:
 *    its events/s against the one-process figure (target ≥ 0.8), and the
 *    deadlocks PostgreSQL broke in the whole sync run (target 0).
 * 2. Pull: the first pull of 1,000,000 members, 100,000 of them in the till's
 *    store scope (first-pull.ts: seeded with generate_series on PostgreSQL),
 *    into an empty terminal, in a child process so its peak RSS is the
 *    terminal's alone; the terminal's database size after it.
 * 3. Holds: `redemption.hold` through the terminal's dispatcher to the server
 *    and back (signed HTTP, PostgreSQL), 1,000 of them, p50/p99.
 *
 * BENCH_SYNC_EVENTS / BENCH_SYNC_MEMBERS make a smaller run.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createBackend } from '../../main/backend/backend.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import { ManualClock, systemClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { closeTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { keyFileSource } from '../../main/backend/sync/credentials.ts';
import { SyncHttpClient } from '../../main/backend/sync/http-client.ts';
import { loadCredentials } from '../../main/backend/sync/pair.ts';
import { pushOutbox } from '../../main/backend/sync/push.ts';
import { DEFAULT_SYNC_SETTINGS } from '../../main/backend/sync/sync-settings.ts';
import { pushBody, type OutboxRow } from '../../main/backend/store/outbox.ts';
import { importProducts, importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { priceSale } from '../../shared/loyalty/sale.ts';
import { saleLineRecord } from '../../shared/sync-protocol.ts';
import type { MemberState } from '../../shared/loyalty/types.ts';
import { seedServerStaff } from '../server/staff-seed.ts';
import { makeCertificates } from '../helpers/tls-certificates.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { contentionCounts, type ContentionCounts } from '../../server/store/contention.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { testMasterKeyFile } from '../server/master-key-file.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { chainMemberId, checkFirstPull, OTHER_STORE, pullInChild, runFirstPull, seedChain } from './first-pull.ts';
import { demoProgram } from '../fixtures/program.ts';
import { pgliteDataDir } from '../server/pglite-template.ts';
import { startPostgres } from '../server/postgres.ts';
import { PRODUCTS, seed, STAFF } from '../helpers/terminal.ts';
import { startRoundRobinProxy } from '../helpers/round-robin-proxy.ts';
import { startServerProcess } from '../integration/sync-postgres-servers.ts';
import { size, SMOKE } from './scale.ts';
import { percentile, round } from './stats.ts';

const EVENTS = size('BENCH_SYNC_EVENTS', 100_000, 2_000);
const MEMBERS = size('BENCH_SYNC_MEMBERS', 1_000_000, 2_000);
/** Members in the pulling till's store scope: a tenth of the chain. */
const IN_SCOPE = Math.max(1, Math.floor(MEMBERS / 10));
const HOLDS = size('BENCH_SYNC_HOLDS', 1_000, 20);
const HOLD_WARMUP = SMOKE ? 5 : 100;
const ENROLLED = 1_000;
const STORE = 'store-1';
const BATCH = 500;

interface ServerUnderTest {
  db: Db;
  server: RunningServer;
  close(): Promise<void>;
}

async function seedServerDb(db: Db): Promise<void> {
  await createStore(db, { id: STORE, name: 'Bench store', timeZone: 'Europe/Paris', currency: 'EUR' }, Date.now());
  // The hold step places a thousand holds from one till in seconds: the programme's hold rate (30 a
  // minute by default, a bound against a hostile till) is raised to its ceiling so the latency is what is measured.
  await importProgram(db, { ...demoProgram, holds: { perTerminalPerMinute: 10_000 } }, Date.now());
  await importProducts(db, PRODUCTS);
  await seedServerStaff(db);
}

/** A bronze member with no birthday, referral or recent purchases: the bench's sales earn the base rate, as the server derives it. */
function benchMember(id: string): MemberState {
  return {
    id,
    status: 'active',
    tier: 'bronze',
    birthday: null,
    enrolledAt: 0,
    referredBy: null,
    birthdayBonusYear: null,
    purchaseCount: 1,
    recentPurchaseTimes: [],
    balance: 1_000_000,
    available: 1_000_000,
  };
}

async function startUnderTest(db: Db): Promise<ServerUnderTest> {
  await seedServerDb(db);
  const server = await startServer({ db, port: 0, host: '127.0.0.1', log: { level: 'warn' }, maintenanceIntervalMs: 0 });
  return {
    db,
    server,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}

/** A seeded terminal database with `events` queued in the outbox, in the protocol's shape. */
function outboxDatabase(dir: string, events: number): string {
  const dbPath = join(dir, 'outbox.sqlite');
  const backend = createBackend({ dbPath, storeId: STORE, clock: systemClock });
  seed(backend, demoProgram, Date.now());
  const db = backend.store.db;
  const now = Date.now();
  const expiry = lotExpiry(now, demoProgram);
  const members = Array.from({ length: ENROLLED }, () => uuidv7(now));
  const balances = new Map(members.map((m) => [m, demoProgram.bonuses.enrolment]));
  const insert = db.prepare('INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?)');
  writeTransaction(backend.store, () => {
    for (let i = 0; i < events; i++) {
      const at = now + i;
      if (i < ENROLLED) {
        insert.run(
          uuidv7(at),
          'member.enrolled',
          JSON.stringify({
            memberId: members[i],
            cardNumber: `BENCH-${i}`,
            name: `Member ${i}`,
            phone: null,
            email: null,
            birthday: null,
            consentMarketing: false,
            referredBy: null,
            storeId: STORE,
            enrolledAt: at,
            staffId: STAFF.manager.id,
            ledger: [{ memberId: members[i], kind: 'bonus', points: demoProgram.bonuses.enrolment, qualifying: 0, expiresAt: expiry }],
          }),
          at,
        );
        continue;
      }
      const memberId = members[i % ENROLLED]!;
      // Priced with the shared engine as a till prices it, so the server's re-price (server/apply/trust/) reproduces it.
      // Every tenth sale spends 500 points when the member has them (an overdraft would be flagged: a different path).
      const redeems = i % 10 === 0 && (balances.get(memberId) ?? 0) >= 500;
      const amount = (10 + (i % 90)) * 100 + (redeems ? 1000 : 0);
      const quote = priceSale({
        program: demoProgram,
        now: at,
        lines: [{ lineNo: 1, sku: null, category: 'grocery', quantity: 1, unitPriceMinor: amount, amountMinor: amount }],
        member: benchMember(memberId),
        redemption: redeems ? { kind: 'points', points: 500 } : null,
      });
      balances.set(memberId, (balances.get(memberId) ?? 0) + quote.earnPoints - (quote.redemption?.points ?? 0));
      const ledger: object[] = [];
      if (quote.redemption) ledger.push({ memberId, kind: 'redeem', points: -quote.redemption.points, qualifying: 0 });
      if (quote.earnPoints > 0)
        ledger.push({ memberId, kind: 'earn', points: quote.earnPoints, qualifying: quote.earnPoints, expiresAt: expiry });
      insert.run(
        uuidv7(at),
        'sale.committed',
        JSON.stringify({
          saleId: uuidv7(at),
          memberId,
          storeId: STORE,
          staffId: STAFF.cashier.id,
          createdAt: at,
          totalMinor: quote.totalMinor,
          paidMinor: quote.payableMinor,
          pointsEarned: quote.earnPoints,
          pointsRedeemed: quote.redemption?.points ?? 0,
          holdId: null,
          rewardId: null,
          programVersion: demoProgram.version,
          lines: quote.lines.map(saleLineRecord),
          memberFacts: { tier: 'bronze', purchaseCount: 1 },
          ledger,
        }),
        at,
      );
    }
  });
  closeTerminalDb(backend.store);
  return dbPath;
}

/**
 * Drains a copy of the outbox database into the server from a child process
 * (a terminal and the server never share a CPU in a store); events/s.
 * `url`: where the terminal sends (a balancer in front of server processes); the server's own by default.
 */
async function drain(
  template: string,
  dir: string,
  under: { db: Db; server: { url: string } },
  url = under.server.url,
): Promise<{ perS: number }> {
  const { code } = await createPairingCode(under.db, { storeId: STORE }, Date.now());
  const out = JSON.parse(await child(['--push-child', url, code, template, dir])) as {
    perS: number;
    sent: number;
    queued: number;
    terminalId: string;
  };
  if (out.sent !== out.queued) throw new Error(`bench: pushed ${out.sent} of ${out.queued} events`);
  const [applied] = await under.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events WHERE terminal_id = $1', [
    out.terminalId,
  ]);
  if (applied!.n !== out.queued) throw new Error(`bench: the server applied ${applied!.n} of ${out.queued} events`);
  // Every sale was re-priced by the server (server/apply/trust/) and agreed with the till: none adjusted, held or refused.
  const other = await under.db.query<{ status: string; reasons: string[]; n: number }>(
    "SELECT status, reasons, count(*)::int AS n FROM applied_events WHERE terminal_id = $1 AND status <> 'applied' GROUP BY status, reasons",
    [out.terminalId],
  );
  if (other.length > 0) throw new Error(`bench: events not applied as sent (re-priced, held or refused): ${JSON.stringify(other)}`);
  return { perS: out.perS };
}

/**
 * Two server processes (children: their own event loops, pools and turnstiles) on one new PostgreSQL
 * database, a round-robin balancer in front: the same drain, so one terminal's consecutive batches
 * land on different processes. Returns events/s and the processes' deadlocks and retries.
 */
async function drainTwoServers(template: string, dir: string, url: string): Promise<{ perS: number; contention: ContentionCounts }> {
  const db = await openDatabase({ url, masterKeyFile: testMasterKeyFile() });
  await seedServerDb(db);
  const servers = await Promise.all([0, 1].map(() => startServerProcess(url, { level: 'warn' })));
  const proxy = await startRoundRobinProxy(servers.map((s) => s.url));
  try {
    const { perS } = await drain(template, dir, { db, server: servers[0]! }, proxy.url);
    if (proxy.sent.some((n) => n < 2)) throw new Error(`bench: the balancer sent ${proxy.sent.join(' / ')} requests to the two processes`);
    const counts = await Promise.all(servers.map((s) => s.counts()));
    return {
      perS,
      contention: {
        deadlocks: counts.reduce((n, c) => n + c.deadlocks, 0),
        serializationFailures: counts.reduce((n, c) => n + c.serializationFailures, 0),
        retries: counts.reduce((n, c) => n + c.retries, 0),
        exhausted: counts.reduce((n, c) => n + c.exhausted, 0),
      },
    };
  } finally {
    await proxy.close();
    await Promise.all(servers.map((s) => s.close()));
    await db.close();
  }
}

/** Child process: pair a copy of the outbox database, drain it through the real push path, report events/s. */
async function pushChild(url: string, code: string, template: string, dir: string): Promise<void> {
  const dbPath = join(dir, `t-${process.pid}.sqlite`);
  copyFileSync(template, dbPath);
  const backend = createBackend({ dbPath, storeId: STORE, clock: systemClock, open: { integrityCheck: 'off' } });
  await backend.sync.pair({ serverUrl: url, code, terminalName: 'bench' });
  const credentials = loadCredentials(backend.store, keyFileSource(`${dbPath}.key`))!;
  const client = new SyncHttpClient({
    serverUrl: url,
    auth: { terminalId: credentials.terminalId, signingKey: credentials.signingKey! },
    now: () => Date.now(),
  });
  const queued = backend.store.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
  const started = process.hrtime.bigint();
  const result = await pushOutbox({
    store: backend.store,
    client,
    now: () => Date.now(),
    batchSize: BATCH,
    pipeline: DEFAULT_SYNC_SETTINGS.pushPipeline,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  client.close();
  await backend.sync.stop();
  closeTerminalDb(backend.store);
  console.log(JSON.stringify({ perS: result.sent / seconds, sent: result.sent, queued, terminalId: credentials.terminalId }));
}

/** The request bodies, byte for byte as push.ts makes them from the outbox, for the baseline. */
function requestBodies(template: string): string[] {
  const db = new Database(template, { readonly: true });
  const rows = db.prepare('SELECT seq, id, kind, payload, created_at FROM outbox ORDER BY seq').all() as OutboxRow[];
  db.close();
  const bodies: string[] = [];
  for (let i = 0; i < rows.length; i += BATCH) bodies.push(pushBody(rows.slice(i, i + BATCH)));
  return bodies;
}

/** Runs this file in a child process with `args`; its last line of output. */
function child(args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    // execFileSync would block this process, and with it the server the child talks to.
    execFile(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...args],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').pop()!)),
    );
  });
}

/** The bare baseline: the same bodies POSTed to a node:http handler doing one INSERT per batch, same database. */
async function baseline(db: Db, bodies: string[]): Promise<number> {
  await db.exec('DROP TABLE IF EXISTS bench_baseline; CREATE TABLE bench_baseline (body text NOT NULL)');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      db.query('INSERT INTO bench_baseline (body) VALUES ($1)', [Buffer.concat(chunks).toString('utf8')]).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/events',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`baseline answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = process.hrtime.bigint();
  for (const body of bodies) await post(body);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const events = bodies.reduce((n, b) => n + (JSON.parse(b) as { events: unknown[] }).events.length, 0);
  return events / seconds;
}

export async function benchSync(log: (line: string) => void): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const cluster = await startPostgres();
  try {
    log(`\nsync: building an outbox of ${EVENTS.toLocaleString('en')} events (direct inserts in the protocol's shape)`);
    const outbox = outboxDatabase(dir, EVENTS);

    // 1. Push against PGlite and PostgreSQL, each with its baseline.
    const pgliteDir = await pgliteDataDir();
    const pglite = await startUnderTest(await openDatabase({ dataDir: pgliteDir, masterKeyFile: testMasterKeyFile() }));
    const bodies = requestBodies(outbox);
    const pushLite = await drain(outbox, dir, pglite);
    const baseLite = await baseline(pglite.db, bodies);
    await pglite.close();
    rmSync(pgliteDir, { recursive: true, force: true });

    const pg = await startUnderTest(await openDatabase({ url: await cluster.createDatabase(), masterKeyFile: testMasterKeyFile() }));
    const pushPg = await drain(outbox, dir, pg);
    const basePg = await baseline(pg.db, bodies);

    // 1b. The same drain into a new database served by two server processes behind a round-robin balancer.
    const twoServers = await drainTwoServers(outbox, dir, await cluster.createDatabase());

    // 2. First pull of MEMBERS members into an empty terminal, in a child process.
    log(
      `sync: seeding ${MEMBERS.toLocaleString('en')} members on PostgreSQL (generate_series), ${IN_SCOPE.toLocaleString('en')} in the till's scope`,
    );
    const seedStart = Date.now();
    await createStore(pg.db, { id: OTHER_STORE, name: 'Other store', timeZone: 'Europe/Paris', currency: 'EUR' }, Date.now());
    await seedChain(pg.db, MEMBERS, IN_SCOPE);
    log(`sync: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s; pulling`);
    const { code } = await createPairingCode(pg.db, { storeId: STORE }, Date.now());
    // The push above enrolled ENROLLED members at this store: in its scope too, and first in change order.
    const scoped = IN_SCOPE + ENROLLED;
    const pull = await pullInChild(fileURLToPath(import.meta.url), [pg.server.url, code, dir, String(scoped)]);
    checkFirstPull(pull, MEMBERS + ENROLLED, scoped);

    // 3. Online holds through the terminal's dispatcher (members seeded above have points), over HTTPS: the same
    // database served by a second server with a certificate of an on-premise CA the terminal pins, as in a store.
    const certs = makeCertificates(mkdtempSync(join(dir, 'tls-')));
    const tls = await startServer({
      db: pg.db,
      port: 0,
      host: '127.0.0.1',
      log: { level: 'warn' },
      maintenanceIntervalMs: 0,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile },
    });
    const holdDb = join(dir, 'hold.sqlite');
    const clock = new ManualClock(Date.now());
    const backend = createBackend({ dbPath: holdDb, storeId: STORE, clock });
    seed(backend, demoProgram, clock.now());
    const pairing = await createPairingCode(pg.db, { storeId: STORE }, Date.now());
    await backend.sync.pair({ serverUrl: tls.url, code: pairing.code, terminalName: 'bench holds', caPem: certs.caPem });
    const dispatch = createDispatcher(backend, {});
    let n = 1;
    const call = async (method: string, input: unknown, token: string | null) => {
      const r = await dispatch({ id: n++, method, input, token } as never);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.result as Record<string, unknown>;
    };
    const token = (await call('staff.login', { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin }, null)).token as string;
    const samples: number[] = [];
    for (let i = 0; i < HOLDS + HOLD_WARMUP; i++) {
      let k = 1 + ((i * 7919) % (MEMBERS - 1));
      if (k % 50 === 0) k++; // every other member has points
      const uuid = chainMemberId(k);
      const started = process.hrtime.bigint();
      // One point: a member drawn twice (a small BENCH_SYNC_MEMBERS run) still has enough.
      const hold = await call('redemption.hold', { holdId: uuidv7(clock.now()), memberId: uuid, points: 1 }, token);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (hold.mode !== 'online') throw new Error(`bench: hold ${i} answered ${JSON.stringify(hold)}`);
      if (i >= HOLD_WARMUP) samples.push(ms);
    }
    await backend.sync.stop();
    closeTerminalDb(backend.store);
    samples.sort((a, b) => a - b);
    await tls.close();
    await pg.close();

    const figures = {
      push_events: EVENTS,
      push_events_per_s: round(pushPg.perS, 0),
      push_baseline_events_per_s: round(basePg, 0),
      push_ratio: round(pushPg.perS / basePg, 3),
      push_events_per_s_pglite: round(pushLite.perS, 0),
      push_baseline_events_per_s_pglite: round(baseLite, 0),
      push_ratio_pglite: round(pushLite.perS / baseLite, 3),
      push_events_per_s_two_servers: round(twoServers.perS, 0),
      push_two_servers_ratio: round(twoServers.perS / pushPg.perS, 3),
      pull_members: pull.members,
      pull_in_scope: scoped,
      pull_1m_s: round(pull.seconds, 2),
      pull_rss_mb: pull.rss,
      terminal_db_mb_1m: round(pull.dbMb, 1),
      pull_bytes_per_out_of_scope_member: round(pull.bytesPerOutOfScope, 0),
      hold_p50_ms: round(percentile(samples, 50)),
      hold_p99_ms: round(percentile(samples, 99)),
      deadlocks: contentionCounts().deadlocks + twoServers.contention.deadlocks,
      contention_retries: contentionCounts().retries + twoServers.contention.retries,
    };
    log(`${'measure'.padEnd(52)} ${'value'.padStart(12)}  target`);
    const row = (name: string, value: string, target = '') => log(`${name.padEnd(52)} ${value.padStart(12)}  ${target}`);
    row(
      'push, PostgreSQL, every sale re-priced: events/s',
      figures.push_events_per_s.toFixed(0),
      `≥ 10000 ${figures.push_events_per_s >= 10_000 ? 'met' : 'NOT MET'}`,
    );
    row('  bare baseline (one INSERT per batch): events/s', figures.push_baseline_events_per_s.toFixed(0));
    row('  ratio push / baseline', figures.push_ratio.toFixed(3));
    row('push, PostgreSQL, two server processes: events/s', figures.push_events_per_s_two_servers.toFixed(0));
    row(
      '  ratio two processes / one process',
      figures.push_two_servers_ratio.toFixed(3),
      `≥ 0.8 ${figures.push_two_servers_ratio >= 0.8 ? 'met' : 'NOT MET'}`,
    );
    row('push, PGlite: events/s', figures.push_events_per_s_pglite.toFixed(0));
    row('  bare baseline: events/s', figures.push_baseline_events_per_s_pglite.toFixed(0));
    row('  ratio push / baseline', figures.push_ratio_pglite.toFixed(3));
    row(
      `first pull of ${pull.members.toLocaleString('en')} members (${scoped.toLocaleString('en')} in scope): s`,
      figures.pull_1m_s.toFixed(1),
      `≤ 15 ${figures.pull_1m_s <= 15 ? 'met' : 'NOT MET'}`,
    );
    row(
      '  peak RSS of the pulling terminal: MB',
      figures.pull_rss_mb.toFixed(0),
      `≤ 400 ${figures.pull_rss_mb <= 400 ? 'met' : 'NOT MET'}`,
    );
    row(
      '  terminal database after it: MB',
      figures.terminal_db_mb_1m.toFixed(0),
      `≤ 400 ${figures.terminal_db_mb_1m <= 400 ? 'met' : 'NOT MET'}`,
    );
    row('  bytes per out-of-scope member', figures.pull_bytes_per_out_of_scope_member.toFixed(0), '≤ 300 (target)');
    row(
      `online hold round trip over HTTPS (${HOLDS}) p50 / p99: ms`,
      `${figures.hold_p50_ms.toFixed(2)} / ${figures.hold_p99_ms.toFixed(2)}`,
      `p99 ≤ 15 ${figures.hold_p99_ms <= 15 ? 'met' : 'NOT MET'}`,
    );
    row('deadlocks broken by PostgreSQL (every run above)', String(figures.deadlocks), `0 ${figures.deadlocks === 0 ? 'met' : 'NOT MET'}`);
    row('  transactions retried (deadlock, serialisation)', String(figures.contention_retries));
    return figures;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--pull-child') {
  await runFirstPull(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6]));
}
if (process.argv[2] === '--push-child') {
  await pushChild(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
}
