/**
 * Real parts for the sync tests: the reference server (server/) in-process on
 * 127.0.0.1 with an ephemeral port on an embedded PGlite database (a copy of
 * the migrated template) or, with `driver: 'postgres'`, a new database on a
 * real PostgreSQL cluster (row locks, a connection pool), and terminals on their own SQLite files, paired
 * with one-time codes. Server and terminals share one clock the test moves.
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, expect } from 'vitest';
import type { Input, Method, Output } from '../../shared/api.ts';
import type { SyncEvent } from '../../shared/sync-protocol.ts';
import { checkInvariants } from '../helpers/ledger-invariants.ts';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import { createBackend, type BackendOptions } from '../../main/backend/backend.ts';
import type { Backend } from '../../main/backend/context.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import type { Clock, ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { closeTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { savePullCursor } from '../../main/backend/store/sync-state.ts';
import { keyFileSource } from '../../main/backend/sync/credentials.ts';
import { loadCredentials } from '../../main/backend/sync/pair.ts';
import { authorizationFor } from '../../main/backend/sync/request-signer.ts';
import { encodeCursor } from '../../server/pull/cursor.ts';
import { importProducts, importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { demoProgram } from '../fixtures/program.ts';
import { PRODUCTS, seed, STAFF, tempDir } from '../helpers/terminal.ts';
import { openTestDb, TEST_PAIRING_RATE, type Driver } from '../server/harness.ts';
export { usePostgresCluster } from '../server/harness.ts';
import { seedServerStaff } from '../server/staff-seed.ts';
import type { ProgramConfig } from '../../shared/program.ts';
import { pgliteDataDir } from '../server/pglite-template.ts';
import { testMasterKeyFile } from '../server/master-key-file.ts';

export const STORE_ID = 'store-1';

export interface SyncServer {
  url: string;
  db: Db;
  server: RunningServer;
  clock: Clock;
  logs: string[];
  code(): Promise<string>;
  /** Member id → [balance, sum of ledger]. */
  balances(): Promise<Map<string, { balance: number; ledger: number }>>;
  flags(): Promise<{ kind: string; member_id: string; event_id: string }[]>;
  close(): Promise<void>;
}

export interface SyncServerOptions {
  /** 'postgres': a new database on the file's throwaway PostgreSQL cluster (real row locks, a pool); call `usePostgresCluster()` at the file's top level. */
  driver?: Driver;
  /** PGlite only: a parent directory for the server's data (e.g. /dev/shm: a tmpfs makes PGlite's commits cheap). */
  scratch?: string;
  /** The server's TLS files (it then serves https://) or abuse limits, for the tests of those. */
  server?: Pick<StartOptions, 'tls' | 'limits' | 'host'>;
  /** The programme the server holds (the demo programme by default). */
  program?: ProgramConfig;
}

export async function startSyncServer(clock: Clock, options: SyncServerOptions = {}): Promise<SyncServer> {
  let db: Db;
  let dispose = () => undefined as void;
  if (options.driver === 'postgres') {
    ({ db, dispose } = await openTestDb('postgres'));
  } else {
    let dir = await pgliteDataDir();
    if (options.scratch !== undefined) {
      const moved = mkdtempSync(join(options.scratch, 'lt-sync-pglite-'));
      cpSync(dir, moved, { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      dir = moved;
    }
    db = await openDatabase({ dataDir: dir, masterKeyFile: testMasterKeyFile() });
    dispose = () => rmSync(dir, { recursive: true, force: true });
  }
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const server = await startServer({
    db,
    port: 0,
    host: '127.0.0.1',
    log: { level: 'info', stream },
    clock: () => clock.now(),
    maintenanceIntervalMs: 0,
    ...options.server,
    // Tests pair many tills from 127.0.0.1 within seconds; the pairing rate has its own test (test/server/abuse-limits.test.ts).
    limits: { pairPerAddress: TEST_PAIRING_RATE, ...options.server?.limits },
  });
  await createStore(db, { id: STORE_ID, name: 'Paris Bastille', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
  await importProgram(db, options.program ?? demoProgram, clock.now());
  await importProducts(db, PRODUCTS);
  // Head-office staff assigned to the store: its tills receive them (the test tills hold the same PINs).
  await seedServerStaff(db, null, [STORE_ID]);
  return {
    url: server.url,
    db,
    server,
    clock,
    logs,
    code: async () => (await createPairingCode(db, { storeId: STORE_ID }, clock.now())).code,
    async balances() {
      const rows = await db.query<{ id: string; balance: number; ledger: number }>(
        "SELECT m.id, m.balance, coalesce((SELECT sum(points) FROM ledger l WHERE l.member_id = m.id), 0)::bigint AS ledger FROM members m WHERE m.status <> 'pending_enrolment'",
      );
      return new Map(rows.map((r) => [r.id, { balance: Number(r.balance), ledger: Number(r.ledger) }]));
    },
    flags: () => db.query<{ kind: string; member_id: string; event_id: string }>('SELECT kind, member_id, event_id FROM flags ORDER BY id'),
    async close() {
      await server.close();
      await db.close();
      dispose();
    },
  };
}

export interface SyncTerminal {
  backend: Backend;
  dir: string;
  dbPath: string;
  logs: string[];
  call<M extends Method>(method: M, input: Input<M>, token?: string | null): Promise<Output<M>>;
  fail<M extends Method>(
    method: M,
    input: Input<M>,
    token?: string | null,
  ): Promise<{ code: ErrorCode; message: string; details?: Record<string, unknown> }>;
  login(who: keyof typeof STAFF): Promise<string>;
  enrol(token: string, fields?: Partial<Input<'member.enrol'>>): Promise<Output<'member.enrol'>['member']>;
  /** Closes the database as a crash would leave it (no engine stop, no checkpoint). */
  crash(): void;
  /**
   * A power cut: the files (database and WAL) as they are this instant, with
   * no checkpoint and no clean close, then the connection dropped and the
   * sync engine's sockets closed. Reopen with `openSyncTerminal(clock, { dir, seeded: false })`.
   */
  crashHard(): Promise<void>;
  close(): Promise<void>;
}

let cards = 0;

/**
 * Terminal folders this harness made. A terminal may be crashed and reopened on the same folder
 * many times in a test, so no single close owns it: they all go after the test file (this
 * module-level hook attaches to the file that imports the harness).
 */
const madeDirs = new Set<string>();
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
  madeDirs.clear();
});
function terminalDir(): string {
  const dir = tempDir('lt-sync-').path;
  madeDirs.add(dir);
  return dir;
}

/** A terminal on a SQLite file in `dir` (a new temp dir by default); seeded unless `seeded: false` (reopening). */
export function openSyncTerminal(
  clock: ManualClock,
  options: { dir?: string; seeded?: boolean; template?: string; backend?: Partial<BackendOptions> } = {},
): SyncTerminal {
  const dir = options.dir ?? terminalDir();
  const dbPath = join(dir, 'terminal.sqlite');
  if (options.template !== undefined) {
    copyFileSync(options.template, dbPath);
    // The PIN verifiers in the copy are keyed with the template's device key: the copy is that till's twin.
    if (existsSync(`${options.template}.key`)) copyFileSync(`${options.template}.key`, `${dbPath}.key`);
  }
  const logs: string[] = [];
  const backend = createBackend({ dbPath, storeId: STORE_ID, clock, log: jsonLogger((l) => logs.push(l), 'debug'), ...options.backend });
  if (options.seeded !== false && options.template === undefined) seed(backend, demoProgram, clock.now());
  const dispatch = createDispatcher(backend, { validateOutput: true });
  let nextId = 1;
  const raw = async (method: Method, input: unknown, token: string | null | undefined) =>
    dispatch({ id: nextId++, method, input, token: token ?? null });
  const t: SyncTerminal = {
    backend,
    dir,
    dbPath,
    logs,
    async call(method, input, token) {
      const response = await raw(method, input, token);
      if (!response.ok) throw new AppError(response.error.code as ErrorCode, response.error.message, response.error.details);
      return response.result as Output<typeof method>;
    },
    async fail(method, input, token) {
      const response = await raw(method, input, token);
      if (response.ok) throw new Error(`${method} was expected to fail but succeeded`);
      return response.error as { code: ErrorCode; message: string; details?: Record<string, unknown> };
    },
    async login(who) {
      return (await t.call('staff.login', { staffId: STAFF[who].id, pin: STAFF[who].pin })).token;
    },
    async enrol(token, fields = {}) {
      cards++;
      const res = await t.call(
        'member.enrol',
        {
          memberId: uuidv7(clock.now()),
          name: `Member ${cards}`,
          consentMarketing: false,
          cardNumber: `SYNC-${process.pid}-${cards}`,
          ...fields,
        },
        token,
      );
      return res.member;
    },
    crash() {
      backend.store.db.close();
    },
    async crashHard() {
      const files = [dbPath, `${dbPath}-wal`].filter((f) => existsSync(f)).map((f) => [f, readFileSync(f)] as const);
      backend.store.checkpointer = null;
      backend.store.db.close();
      for (const [f, bytes] of files) writeFileSync(f, bytes);
      rmSync(`${dbPath}-shm`, { force: true });
      await backend.sync.stop();
    },
    async close() {
      await backend.sync.stop();
      closeTerminalDb(backend.store);
    },
  };
  return t;
}

/** Pairs a terminal through its API (as an admin would at the counter). */
export async function pair(t: SyncTerminal, server: SyncServer, name = 'Till'): Promise<Output<'sync.pair'>> {
  const admin = await t.login('admin');
  return t.call('sync.pair', { serverUrl: server.url, code: await server.code(), terminalName: name }, admin);
}

/** A sale of `amountMinor` in 'bakery' for a member, optionally redeeming points. */
export async function sell(
  t: SyncTerminal,
  token: string,
  memberId: string,
  amountMinor: number,
  redeem = 0,
  extra: Partial<Input<'sale.commit'>> = {},
): Promise<Output<'sale.commit'>> {
  return t.call(
    'sale.commit',
    {
      saleId: uuidv7(t.backend.clock.now()),
      memberId,
      lines: [{ category: 'bakery', amountMinor }],
      redemption: redeem > 0 ? { kind: 'points', points: redeem } : null,
      ...extra,
    },
    token,
  );
}

export type ProxyMode =
  | 'pass'
  | 'error500'
  | 'drop-before'
  | 'drop-after'
  | 'truncate'
  | 'hang'
  | 'delay'
  | 'late'
  | 'stall'
  | 'duplicate'
  | 'hold-back'
  | 'replay-old';

/** One request the proxy sent to the server and the answer it got (also for requests the proxy made up itself). */
export interface ProxyExchange {
  method: string;
  path: string;
  requestBody: Buffer;
  status: number;
  responseBody: Buffer;
  /** Sent by the proxy on its own (a duplicate delivery, a held-back or an older batch), not by the terminal. */
  injected: 'duplicate' | 'held-back' | 'replay-old' | null;
}

/**
 * A fault-injecting proxy on loopback between a terminal and the server:
 * `drop-before` cuts the connection before the server sees the request,
 * `drop-after` lets the server apply it and cuts the answer, `truncate` sends
 * half of the answer, `hang` never answers, `error500` answers a bare 500,
 * `delay` answers after `delayMs`, `late` forwards the request after
 * `delayMs` (a later request overtakes it), `stall` lets the server apply the request
 * and then never answers (the terminal's timeout decides);
 * `duplicate` answers and then delivers the same request to the server again,
 * `replay-old` answers and then delivers an older push of this terminal again
 * (batches reordered: an old batch after newer ones), `hold-back` cuts the
 * connection without forwarding and keeps the request, delivered later by
 * `deliverHeld()` (after the terminal's own retry, or before it). Re-deliveries
 * carry a fresh signature (`resign`), as a retrying client would; without
 * one they carry the original header and the server must refuse the replay.
 */
export interface FaultProxy {
  url: string;
  /** The mode of every request, unless `decide` is set. */
  mode: ProxyMode;
  /** Per request: the fault to inject (a seeded simulation decides here). */
  decide: ((req: { method: string; path: string }) => ProxyMode) | null;
  /**
   * Per request, once its body is read (it wins over `decide`): for a test that must fault one batch
   * and not another whichever arrives first (two batches in flight reach the proxy in either order).
   * Only 'pass', 'drop-after' and 'drop-before' (the body is then never delivered).
   */
  decideByBody: ((req: { method: string; path: string; body: Buffer }) => 'pass' | 'drop-after' | 'drop-before') | null;
  delayMs: number;
  /** Requests seen, by path without query. */
  seen: string[];
  /**
   * Faults the proxy really injected, by kind (a mode decided but not carried out is not counted:
   * a `replay-old` with no older push to replay, a fault on a request the server could not be reached for).
   * `held-back-delivered`: held-back requests delivered late. Per kind of request: `faultsByPath`.
   */
  faults: Partial<Record<ProxyMode | 'held-back-delivered', number>>;
  /** The same counts by path ('/v1/events', '/v1/changes', …) and kind: `${path} ${kind}`. */
  faultsByPath: Record<string, number>;
  /** Every exchange with the server, in the order the answers came back. */
  exchanges: ProxyExchange[];
  /** Called for every completed exchange with the server. */
  observe: ((exchange: ProxyExchange) => void) | null;
  /** A fresh Authorization header for a re-delivered request. */
  resign: ((method: string, path: string, body: Buffer) => Promise<string>) | null;
  /** Requests still being handled (including re-deliveries). */
  readonly inFlight: number;
  /** Requests held back, not delivered yet. */
  readonly held: number;
  /** Delivers every held-back request to the server now, oldest first. */
  deliverHeld(): Promise<void>;
  /** Resolves once nothing is in flight. */
  idle(): Promise<void>;
  /** Paths of the terminal's requests the proxy has finished with, in order. */
  handled: string[];
  /** Resolves once a request matching `match` is in `handled` at or after index `since`; rejects after `timeoutMs`. */
  waitFor(match: (path: string) => boolean, since: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export async function startFaultProxy(target: string, options: { resign?: FaultProxy['resign'] } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const heldBack: Captured[] = [];
  const pushes: Captured[] = [];
  const waiters = new Set<{ match: (path: string) => boolean; done: () => void }>();
  let idleWaiters: (() => void)[] = [];
  let inFlight = 0;
  const count = (kind: ProxyMode | 'held-back-delivered', path: string) => {
    proxy.faults[kind] = (proxy.faults[kind] ?? 0) + 1;
    const key = `${path.split('?')[0]!} ${kind}`;
    proxy.faultsByPath[key] = (proxy.faultsByPath[key] ?? 0) + 1;
  };
  const begin = () => void inFlight++;
  const end = (path: string, fromTerminal = true) => {
    inFlight--;
    if (fromTerminal) {
      const bare = path.split('?')[0]!;
      proxy.handled.push(bare);
      for (const w of [...waiters]) {
        if (!w.match(bare)) continue;
        waiters.delete(w);
        w.done();
      }
    }
    if (inFlight === 0) {
      const ws = idleWaiters;
      idleWaiters = [];
      for (const w of ws) w();
    }
  };

  /** One request to the server; resolves with its answer (status 0 when the server could not be reached). */
  const forward = (
    c: Captured,
    injected: ProxyExchange['injected'],
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve) => {
      const headers = { ...c.headers, 'content-length': String(c.body.length) };
      const up = request({ hostname: upstream.hostname, port: upstream.port, path: c.path, method: c.method, headers }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (chunk: Buffer) => body.push(chunk));
        upRes.on('end', () => {
          const all = Buffer.concat(body);
          const exchange: ProxyExchange = {
            method: c.method,
            path: c.path.split('?')[0]!,
            requestBody: c.body,
            status: upRes.statusCode ?? 0,
            responseBody: all,
            injected,
          };
          proxy.exchanges.push(exchange);
          proxy.observe?.(exchange);
          resolve({ status: upRes.statusCode ?? 0, headers: upRes.headers, body: all });
        });
      });
      up.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0) }));
      up.end(c.body);
    });

  /** Re-delivers a request the proxy captured, freshly signed when it can. */
  const redeliver = async (c: Captured, injected: NonNullable<ProxyExchange['injected']>, fresh: boolean): Promise<void> => {
    begin();
    try {
      const headers = { ...c.headers };
      if (fresh && proxy.resign !== null) headers.authorization = await proxy.resign(c.method, c.path, c.body);
      await forward({ ...c, headers }, injected);
    } finally {
      end(c.path, false);
    }
  };

  const proxy: FaultProxy = {
    url: '',
    mode: 'pass',
    decide: null,
    decideByBody: null,
    delayMs: 5,
    seen: [],
    faults: {},
    faultsByPath: {},
    exchanges: [],
    observe: null,
    resign: options.resign ?? null,
    get inFlight() {
      return inFlight;
    },
    get held() {
      return heldBack.length;
    },
    async deliverHeld() {
      // The original signature: its nonce never reached the server, so it is valid while its timestamp is.
      while (heldBack.length > 0) {
        const c = heldBack.shift()!;
        count('held-back-delivered', c.path);
        await redeliver(c, 'held-back', false);
      }
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    handled: [],
    waitFor: (match, since, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        if (proxy.handled.slice(since).some((p) => match(p))) return resolve();
        const w = {
          match,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fault proxy: no request matching ${match.toString()} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      }),
    close: async () => undefined,
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '';
    proxy.seen.push(path.split('?')[0]!);
    let mode = proxy.decide?.({ method: req.method ?? 'GET', path: path.split('?')[0]! }) ?? proxy.mode;
    begin();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      end(path);
    };
    if (mode === 'hang') {
      count(mode, path);
      req.socket.once('close', finish);
      return;
    }
    if (mode === 'drop-before') {
      count(mode, path);
      req.socket.destroy();
      return finish();
    }
    if (mode === 'error500') {
      count(mode, path);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('proxy error');
      return finish();
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const captured: Captured = { method: req.method ?? 'GET', path, headers, body: Buffer.concat(chunks) };
      if (proxy.decideByBody) mode = proxy.decideByBody({ method: captured.method, path: path.split('?')[0]!, body: captured.body });
      if (mode === 'drop-before') {
        count(mode, path);
        req.socket.destroy();
        return finish();
      }
      if (mode === 'hold-back') {
        count(mode, path);
        heldBack.push(captured);
        req.socket.destroy();
        return finish();
      }
      void (async () => {
        try {
          if (mode === 'late') await new Promise<void>((resolve) => setTimeout(resolve, proxy.delayMs));
          const answer = await forward(captured, null);
          const isPush = captured.method === 'POST' && path.split('?')[0] === '/v1/events';
          if (answer.status === 0) return void req.socket.destroy();
          if (mode !== 'pass' && !(mode === 'replay-old' && pushes.length === 0)) count(mode, path);
          if (mode === 'drop-after') return void req.socket.destroy();
          if (mode === 'stall') {
            await new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
            return;
          }
          if (mode === 'truncate') {
            res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(answer.body.length) });
            res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
            await new Promise<void>((resolve) => setTimeout(resolve, 1));
            req.socket.destroy();
            return;
          }
          if (mode === 'delay') await new Promise<void>((resolve) => setTimeout(resolve, proxy.delayMs));
          const type = answer.headers['content-type'];
          res.writeHead(answer.status, { 'content-type': typeof type === 'string' ? type : 'application/json' }).end(answer.body);
          if (mode === 'duplicate') await redeliver(captured, 'duplicate', true);
          if (mode === 'replay-old' && pushes.length > 0) await redeliver(pushes[Math.floor(pushes.length / 2)]!, 'replay-old', true);
          if (isPush && answer.status === 200) pushes.push(captured);
        } finally {
          finish();
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${address.port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/** Pairs through a given URL (a proxy) instead of the server's own. */
export async function pairVia(t: SyncTerminal, server: SyncServer, url: string): Promise<Output<'sync.pair'>> {
  const admin = await t.login('admin');
  return t.call('sync.pair', { serverUrl: url, code: await server.code(), terminalName: 'Till via proxy' }, admin);
}

/**
 * A migrated and seeded terminal database file, made once per process: copying
 * it is much faster than migrating and hashing PINs for every terminal (a
 * simulation opens hundreds). Pass it as `openSyncTerminal(clock, { template })`.
 */
let template: string | null = null;
export function terminalTemplate(clock: ManualClock): string {
  if (template !== null && existsSync(template)) return template;
  const t = openSyncTerminal(clock);
  closeTerminalDb(t.backend.store);
  template = t.dbPath;
  return template;
}

/** Signs a request as the terminal would (a fresh nonce): what the proxy puts on a re-delivery. */
export function signerFor(t: SyncTerminal, clock: Clock): (method: string, path: string, body: Buffer) => Promise<string> {
  const credentials = loadCredentials(t.backend.store, keyFileSource(`${t.dbPath}.key`));
  if (credentials === null) throw new Error('the terminal is not paired');
  // The device key once the terminal has one registered; a pairing of protocol version 1 signs with its secret.
  const auth =
    credentials.secret !== undefined
      ? { terminalId: credentials.terminalId, secret: credentials.secret }
      : { terminalId: credentials.terminalId, signingKey: credentials.signingKey! };
  return (method, path, body) => authorizationFor(auth, { method, pathWithQuery: path, body: new Uint8Array(body), ts: clock.now() });
}

/** The server's change sequence now, as a pull cursor. */
export async function serverCursor(server: SyncServer): Promise<string> {
  const [row] = await server.db.query<{ seq: number }>(
    'SELECT coalesce(max(change_seq), 0)::bigint AS seq FROM (SELECT change_seq FROM members UNION ALL SELECT change_seq FROM programs UNION ALL SELECT change_seq FROM products UNION ALL SELECT change_seq FROM staff UNION ALL SELECT change_seq FROM signing_keys UNION ALL SELECT change_seq FROM revoked_member_tokens) c',
  );
  return encodeCursor(Number(row!.seq));
}

/**
 * Starts a terminal's pull at `cursor`: as if it had pulled everything before
 * (a server shared by many simulated runs holds earlier runs' members, which
 * are not this run's business). Its seeded programme, staff and products are
 * the server's.
 */
export function startPullAt(t: SyncTerminal, cursor: string): void {
  writeTransaction(t.backend.store, (db) => savePullCursor(db, cursor));
}

/**
 * What the server applied, in order, as the fault proxies saw its answers (to
 * the terminals and to the proxies' own re-deliveries): an independent model
 * of the server's ledger, and what must never happen (a re-delivery of an
 * answered batch applied again).
 */
export interface AppliedModel {
  applied: SyncEvent[];
  violations: string[];
}

export function newAppliedModel(): AppliedModel {
  return { applied: [], violations: [] };
}

/** Give to every proxy: `proxy.observe = (x) => observeApplied(model, x)`. Requests must not run concurrently (they apply in answer order). */
export function observeApplied(model: AppliedModel, x: ProxyExchange): void {
  if (x.method !== 'POST' || x.path !== '/v1/events' || x.status !== 200) return;
  const events = (JSON.parse(x.requestBody.toString('utf8')) as { events: SyncEvent[] }).events;
  const results = (JSON.parse(x.responseBody.toString('utf8')) as { results: { id: string; status: string }[] }).results;
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const r of results) {
    if (r.status === 'duplicate') continue;
    if (x.injected === 'duplicate' || x.injected === 'replay-old')
      model.violations.push(`a ${x.injected} delivery of event ${r.id} (answered before) was ${r.status}, not duplicate`);
    model.applied.push(byId.get(r.id)!);
  }
}

/**
 * Every committed event of these terminals applied exactly once (as the server answered, `applied`)
 * and none left unsent; the server's ledger rows of each event are its entries, once; each terminal
 * passes its own ledger invariants. Step 1 of checkConverged and of the simulation's check.
 */
/** Reasons for which the server applied its own entries for an event, stored with it, instead of the till's. */
const SERVER_DERIVED = new Set(['points_repriced', 'keyed_earn_capped', 'unverified']);

export async function checkAppliedOnce(
  server: SyncServer,
  tills: readonly { name: string; t: SyncTerminal; terminalId: string }[],
  applied: readonly { id: string }[],
): Promise<void> {
  const appliedOnce = new Map<string, number>();
  for (const e of applied) appliedOnce.set(e.id, (appliedOnce.get(e.id) ?? 0) + 1);
  const outboxIds: string[] = [];
  for (const t of tills) {
    const db = t.t.backend.store.db;
    const outbox = db.prepare('SELECT id, seq, payload, sent_at FROM outbox ORDER BY seq').all() as {
      id: string;
      seq: number;
      payload: string;
      sent_at: number | null;
    }[];
    expect(
      outbox.filter((o) => o.sent_at === null).map((o) => o.seq),
      `${t.name}: unsent events`,
    ).toEqual([]);
    expect(t.t.backend.sync.status(), `${t.name} status`).toMatchObject({ state: 'online', queueLength: 0 });
    const onServer = await server.db.query<{ id: string; seq: number }>(
      'SELECT id, seq FROM applied_events WHERE terminal_id = $1 ORDER BY seq',
      [t.terminalId],
    );
    expect(
      onServer.map((r) => [r.id, Number(r.seq)]),
      `${t.name}: applied_events = outbox`,
    ).toEqual(outbox.map((o) => [o.id, o.seq]));
    for (const o of outbox) {
      outboxIds.push(o.id);
      expect(appliedOnce.get(o.id) ?? 0, `event ${o.seq} of ${t.name} applied (as the server answered)`).toBe(1);
    }
    // The server's ledger rows of each event are, once: the event's entries; or, where the server's checks
    // derived or bounded its own (server/apply/trust/), the entries it stored with the event; none for one held or refused.
    const judged = new Map(
      (
        await server.db.query<{ id: string; status: string; reasons: string[]; ledger: { points: number }[] }>(
          "SELECT id, status, reasons, payload->'ledger' AS ledger FROM applied_events WHERE terminal_id = $1",
          [t.terminalId],
        )
      ).map((r) => [r.id, r]),
    );
    const summed = (ledger: { points: number }[]) => ({ n: ledger.length, sum: ledger.reduce((a, e) => a + e.points, 0) });
    const expected = new Map(
      outbox.map((o) => {
        const j = judged.get(o.id);
        if (j?.status === 'held' || j?.status === 'refused') return [o.id, { n: 0, sum: 0 }];
        if (j !== undefined && j.reasons.some((r) => SERVER_DERIVED.has(r))) return [o.id, summed(j.ledger)];
        return [o.id, summed((JSON.parse(o.payload) as { ledger: { points: number }[] }).ledger)];
      }),
    );
    const rows = await server.db.query<{ event_id: string; n: number; sum: number }>(
      "SELECT l.event_id, count(*)::int AS n, sum(l.points)::bigint AS sum FROM ledger l JOIN applied_events a ON a.id = l.event_id WHERE a.terminal_id = $1 AND l.kind <> 'expire' GROUP BY l.event_id",
      [t.terminalId],
    );
    const got = new Map(rows.map((r) => [r.event_id, { n: r.n, sum: Number(r.sum) }]));
    for (const [id, want] of expected) expect(got.get(id) ?? { n: 0, sum: 0 }, `server ledger rows of event ${id}`).toEqual(want);
    expect(checkInvariants(db), `${t.name}: local ledger invariants`).toEqual([]);
  }
  expect([...appliedOnce.keys()].sort(), "the server applied exactly the terminals' events").toEqual([...outboxIds].sort());
}

export interface ConvergedTerminal {
  name: string;
  t: SyncTerminal;
  terminalId: string;
  /** A manager's session token. */
  token: string;
}

/**
 * After healing: every terminal's events applied exactly once and none unsent;
 * server balance = sum(ledger) = the model's, live lots = a positive balance;
 * overdraft flags exactly where the model's running balance went below zero on
 * a redemption; every terminal shows the server's balance with nothing
 * pending and passes its own ledger invariants. `members`: the members
 * concerned (with those the terminals hold).
 */
export async function checkConverged(
  server: SyncServer,
  tills: ConvergedTerminal[],
  members: string[],
  model: AppliedModel,
): Promise<void> {
  expect(model.violations, 'a re-delivery of an answered batch must be answered duplicate').toEqual([]);
  const allMembers = new Set(members);
  for (const t of tills)
    for (const r of t.t.backend.store.db.prepare('SELECT id FROM members').pluck().all() as string[]) allMembers.add(r);
  const ids = [...allMembers];

  // 1. Every committed event applied exactly once; nothing left unsent.
  await checkAppliedOnce(server, tills, model.applied);

  // 2. Server: balance = sum(ledger) = the model's, and live lots hold a positive balance.
  const rows = await server.db.query<{ id: string; balance: number; ledger: number; lots: number }>(
    `SELECT m.id, m.balance, coalesce((SELECT sum(points) FROM ledger l WHERE l.member_id = m.id), 0)::bigint AS ledger,
       coalesce((SELECT sum(remaining) FROM point_lots p WHERE p.member_id = m.id AND p.remaining > 0), 0)::bigint AS lots
     FROM members m WHERE m.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(ids)],
  );
  expect(rows.length, 'every member on the server').toBe(ids.length);
  const modelBalance = new Map<string, number>();
  const overdrafts = new Set<string>();
  for (const e of model.applied) {
    for (const entry of e.payload.ledger) {
      const after = (modelBalance.get(entry.memberId) ?? 0) + entry.points;
      modelBalance.set(entry.memberId, after);
      if (entry.points < 0 && (entry.kind === 'redeem' || entry.kind === 'adjust') && after < 0)
        overdrafts.add(`${entry.memberId} ${e.id}`);
    }
  }
  const server_ = new Map<string, number>();
  for (const r of rows) {
    const balance = Number(r.balance);
    server_.set(r.id, balance);
    expect(Number(r.ledger), `server member ${r.id}: sum(ledger)`).toBe(balance);
    expect(balance, `server member ${r.id}: the model's balance`).toBe(modelBalance.get(r.id) ?? 0);
    expect(Number(r.lots), `server member ${r.id}: live lots`).toBe(Math.max(0, balance));
  }

  // 3. Overdrafts flagged exactly where a redemption drove a balance below zero.
  const flags = await server.db.query<{ member_id: string; event_id: string }>(
    "SELECT member_id, event_id FROM flags WHERE kind = 'overdraft' AND member_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))",
    [JSON.stringify(ids)],
  );
  expect(flags.map((f) => `${f.member_id} ${f.event_id}`).sort(), 'overdraft flags').toEqual([...overdrafts].sort());
  // The terminals list exactly the events the server flagged, also where the first answer was lost (a duplicate repeats its reasons).
  const listed = new Set<string>();
  for (const t of tills) {
    for (const f of (await t.t.call('sync.flags', { limit: 500 }, t.token)).flags) if (f.reasons.includes('overdraft')) listed.add(f.id);
  }
  expect([...listed].sort(), 'overdrafts the terminals list').toEqual([...new Set(flags.map((f) => f.event_id))].sort());

  // 4. Each terminal shows the server's balance, nothing pending.
  for (const t of tills) {
    for (const id of ids) {
      const view = await t.t.call('member.get', { memberId: id }, t.token);
      expect({ balance: view.balance, pending: view.pendingPoints }, `${t.name} member ${id}`).toEqual({
        balance: server_.get(id),
        pending: 0,
      });
    }
  }
}
