/**
 * One server under test: a fresh database (PGlite copy or a new PostgreSQL
 * database), the real HTTP server on 127.0.0.1 with an ephemeral port, a
 * controllable clock, every log line captured, and helpers to pair terminals
 * and send signed requests.
 */
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll } from 'vitest';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { signRequest } from '../../shared/sync-auth.ts';
import { ROUTES } from '../../server/http/route-table.ts';
import { syncErrorSchema, type PairResponse } from '../../shared/sync-protocol.ts';
import { pgliteDataDir } from './pglite-template.ts';
import { startPostgres, type PostgresCluster } from './postgres.ts';

export type Driver = 'pglite' | 'postgres';
export const DRIVERS: Driver[] = ['pglite', 'postgres'];

let cluster: Promise<PostgresCluster> | null = null;
/** The file's PostgreSQL cluster, started on first use and stopped after the file. */
function postgres(): Promise<PostgresCluster> {
  if (cluster === null) {
    cluster = startPostgres();
    afterAll(async () => (await cluster!).stop());
  }
  return cluster;
}

/** Call at the top level of a test file that uses the postgres driver, so the cluster's afterAll is registered there. */
export function usePostgresCluster(): void {
  void postgres();
}

export const T0 = Date.parse('2026-03-02T10:00:00Z');

export type Terminal = PairResponse;

export interface Harness {
  driver: Driver;
  db: Db;
  server: RunningServer;
  url: string;
  logs: string[];
  /** The server's clock; tests move it. */
  clock: { now: number };
  storeId: string;
  pair(name?: string): Promise<Terminal>;
  /** A signed request from a terminal; `sign` overrides parts of the signature for forgery tests. */
  request(
    terminal: Terminal | null,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    sign?: { ts?: number; nonce?: string; secret?: string; rawBody?: string },
  ): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function openTestDb(driver: Driver): Promise<{ db: Db; dispose: () => void; url?: string; dataDir?: string }> {
  if (driver === 'postgres') {
    const url = await (await postgres()).createDatabase();
    return { db: await openDatabase({ url }), dispose: () => undefined, url };
  }
  const dir = await pgliteDataDir();
  return { db: await openDatabase({ dataDir: dir }), dispose: () => rmSync(dir, { recursive: true, force: true }), dataDir: dir };
}

export async function startHarness(driver: Driver): Promise<Harness> {
  const { db, dispose } = await openTestDb(driver);
  const clock = { now: T0 };
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
    clock: () => clock.now,
    maintenanceIntervalMs: 0,
  });
  const storeId = 'paris-1';
  await createStore(db, { id: storeId, name: 'Paris Bastille', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now);

  const h: Harness = {
    driver,
    db,
    server,
    url: server.url,
    logs,
    clock,
    storeId,
    async pair(name = 'Till 1') {
      const { code } = await createPairingCode(db, { storeId }, clock.now);
      const res = await h.request(null, 'POST', '/v1/pair', { code, terminalName: name });
      if (res.status !== 200) throw new Error(`pairing failed: ${JSON.stringify(res.body)}`);
      return res.body as Terminal;
    },
    async request(terminal, method, path, body, sign = {}) {
      const text = sign.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      const headers: Record<string, string> = {};
      if (text !== undefined) headers['content-type'] = 'application/json';
      if (terminal !== null) {
        headers.authorization = await signRequest({
          terminalId: terminal.terminalId,
          secret: sign.secret ?? terminal.secret,
          method,
          pathWithQuery: path,
          body: text ?? '',
          ts: sign.ts ?? clock.now,
          ...(sign.nonce === undefined ? {} : { nonce: sign.nonce }),
        });
      }
      const res = await fetch(server.url + path, { method, headers, ...(text === undefined ? {} : { body: text }) });
      const raw = await res.text();
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // left as text: the test will say so
      }
      checkAgainstContract(method, path, res.status, parsed);
      return { status: res.status, body: parsed };
    },
    async close() {
      await server.close();
      await db.close();
      dispose();
    },
  };
  return h;
}

/**
 * Every answer a test receives is checked against the documented contract: a
 * success against the route's response schema (the same zod schema the
 * OpenAPI document is generated from), anything else against the error shape.
 */
function checkAgainstContract(method: string, pathWithQuery: string, status: number, body: unknown): void {
  const path = pathWithQuery.split('?')[0]!;
  const def = ROUTES.find((r) => r.method === method && new RegExp(`^${r.url.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path));
  const schema = def !== undefined && status === def.status ? def.response : syncErrorSchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path} answered ${status} with a body outside the contract: ${parsed.error.message}`);
}
