/**
 * Real parts for the sync tests: the reference server (server/) in-process on
 * 127.0.0.1 with an ephemeral port and an embedded PGlite database (a copy of
 * the migrated template), and terminals on their own SQLite files, paired
 * with one-time codes. Server and terminals share one clock the test moves.
 */
import { rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Input, Method, Output } from '../../shared/api.ts';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import { createBackend, type BackendOptions } from '../../main/backend/backend.ts';
import type { Backend } from '../../main/backend/context.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import type { Clock, ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { closeTerminalDb } from '../../main/backend/store/connection.ts';
import { importProducts, importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { demoProgram } from '../fixtures/program.ts';
import { PRODUCTS, seed, STAFF, tempDir } from '../helpers/terminal.ts';
import { pgliteDataDir } from '../server/pglite-template.ts';

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

export async function startSyncServer(clock: Clock): Promise<SyncServer> {
  const dir = await pgliteDataDir();
  const db = await openDatabase({ dataDir: dir });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const server = await startServer({ db, port: 0, host: '127.0.0.1', log: { level: 'info', stream }, clock: () => clock.now(), maintenanceIntervalMs: 0 });
  await createStore(db, { id: STORE_ID, name: 'Paris Bastille', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now());
  await importProgram(db, demoProgram, clock.now());
  await importProducts(db, PRODUCTS);
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SyncTerminal {
  backend: Backend;
  dir: string;
  dbPath: string;
  logs: string[];
  call<M extends Method>(method: M, input: Input<M>, token?: string | null): Promise<Output<M>>;
  fail<M extends Method>(method: M, input: Input<M>, token?: string | null): Promise<{ code: ErrorCode; message: string; details?: Record<string, unknown> }>;
  login(who: keyof typeof STAFF): Promise<string>;
  enrol(token: string, fields?: Partial<Input<'member.enrol'>>): Promise<Output<'member.enrol'>['member']>;
  /** Closes the database as a crash would leave it (no engine stop, no checkpoint). */
  crash(): void;
  close(): Promise<void>;
}

let cards = 0;

/** A terminal on a SQLite file in `dir` (a new temp dir by default); seeded unless `seeded: false` (reopening). */
export function openSyncTerminal(clock: ManualClock, options: { dir?: string; seeded?: boolean; backend?: Partial<BackendOptions> } = {}): SyncTerminal {
  const dir = options.dir ?? tempDir('lt-sync-').path;
  const dbPath = join(dir, 'terminal.sqlite');
  const logs: string[] = [];
  const backend = createBackend({ dbPath, storeId: STORE_ID, clock, log: jsonLogger((l) => logs.push(l), 'debug'), ...options.backend });
  if (options.seeded !== false) seed(backend, demoProgram, clock.now());
  const dispatch = createDispatcher(backend, { validateOutput: true });
  let nextId = 1;
  const raw = async (method: Method, input: unknown, token: string | null | undefined) => dispatch({ id: nextId++, method, input, token: token ?? null });
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
      const res = await t.call('member.enrol', { memberId: uuidv7(clock.now()), name: `Member ${cards}`, consentMarketing: false, cardNumber: `SYNC-${process.pid}-${cards}`, ...fields }, token);
      return res.member;
    },
    crash() {
      backend.store.db.close();
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
export async function sell(t: SyncTerminal, token: string, memberId: string, amountMinor: number, redeem = 0, extra: Partial<Input<'sale.commit'>> = {}): Promise<Output<'sale.commit'>> {
  return t.call(
    'sale.commit',
    { saleId: uuidv7(t.backend.clock.now()), memberId, lines: [{ category: 'bakery', amountMinor }], redemption: redeem > 0 ? { kind: 'points', points: redeem } : null, ...extra },
    token,
  );
}

export type ProxyMode = 'pass' | 'error500' | 'drop-before' | 'drop-after' | 'truncate' | 'hang';

/**
 * A fault-injecting proxy on loopback between a terminal and the server:
 * `drop-before` cuts the connection before the server sees the request,
 * `drop-after` lets the server apply it and cuts the answer, `truncate` sends
 * half of the answer, `hang` never answers, `error500` answers a bare 500.
 */
export interface FaultProxy {
  url: string;
  mode: ProxyMode;
  /** Requests seen, by path without query. */
  seen: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = { url: '', mode: 'pass', seen: [], close: async () => undefined };
  const server = createServer((req, res) => {
    proxy.seen.push((req.url ?? '').split('?')[0]!);
    const mode = proxy.mode;
    if (mode === 'hang') return;
    if (mode === 'drop-before') return void req.socket.destroy();
    if (mode === 'error500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('proxy error');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          const all = Buffer.concat(body);
          if (mode === 'drop-after') return void req.socket.destroy();
          if (mode === 'truncate') {
            res.writeHead(upRes.statusCode ?? 200, { 'content-type': 'application/json', 'content-length': String(all.length) });
            res.write(all.subarray(0, Math.floor(all.length / 2)));
            setTimeout(() => req.socket.destroy(), 10);
            return;
          }
          res.writeHead(upRes.statusCode ?? 200, { 'content-type': upRes.headers['content-type'] ?? 'application/json' }).end(all);
        });
      });
      up.on('error', () => req.socket.destroy());
      up.end(Buffer.concat(chunks));
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
