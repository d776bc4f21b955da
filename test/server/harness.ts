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
import { startServer, type RunningServer, type StartOptions } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { authorizationFor, newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import { ROUTES } from '../../server/http/route-table.ts';
import { syncErrorSchema, type PairResponse } from '../../shared/sync-protocol.ts';
import { testMasterKeyFile } from './master-key-file.ts';
import { pgliteDataDir } from './pglite-template.ts';
import { startPostgres, type PostgresCluster } from './postgres.ts';
import { seedServerStaff } from './staff-seed.ts';

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

/** The pairing rate of test servers (the default, 10 a minute per address, would refuse a suite's quick pairings from 127.0.0.1). */
export const TEST_PAIRING_RATE = 10_000;

/**
 * A paired terminal as the tests hold it: what /v1/pair answered, and the
 * device key pair it made (`signingKey`, private, base64url PKCS#8; `publicKey`,
 * raw base64url). A terminal paired the old way (`pairLegacy`) has a `secret`
 * instead and signs with HMAC (protocol version 1).
 */
export type Terminal = PairResponse & { signingKey?: string; publicKey?: string };

export interface Harness {
  driver: Driver;
  db: Db;
  server: RunningServer;
  url: string;
  logs: string[];
  /** The server's clock; tests move it. */
  clock: { now: number };
  storeId: string;
  /** Pairs a terminal with a new Ed25519 device key pair (protocol version 2). */
  pair(name?: string): Promise<Terminal>;
  /** Pairs a terminal the version-1 way: no public key, an HMAC secret in the answer. */
  pairLegacy(name?: string): Promise<Terminal>;
  /**
   * A signed request from a terminal; `sign` overrides parts of the signature for forgery tests:
   * `signingKey` signs with another Ed25519 key, `secret` with HMAC (version 1) and that secret.
   */
  request(
    terminal: Terminal | null,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    sign?: { ts?: number; nonce?: string; secret?: string; signingKey?: string; rawBody?: string },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function openTestDb(driver: Driver): Promise<{ db: Db; dispose: () => void; url?: string; dataDir?: string }> {
  if (driver === 'postgres') {
    const url = await (await postgres()).createDatabase();
    return { db: await openDatabase({ url, masterKeyFile: testMasterKeyFile() }), dispose: () => undefined, url };
  }
  const dir = await pgliteDataDir();
  return {
    db: await openDatabase({ dataDir: dir, masterKeyFile: testMasterKeyFile() }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
    dataDir: dir,
  };
}

/**
 * `serverOptions`: the server's abuse limits or trusted proxy, for the tests of those (defaults
 * otherwise). The pairing rate alone is raised by default: a test pairs a dozen tills from one
 * address within seconds, which no shop does (test/server/abuse-limits.test.ts tests that rate).
 */
export async function startHarness(
  driver: Driver,
  serverOptions: Pick<StartOptions, 'limits' | 'trustProxy' | 'protocol'> = {},
): Promise<Harness> {
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
    ...serverOptions,
    limits: { pairPerAddress: TEST_PAIRING_RATE, ...serverOptions.limits },
  });
  const storeId = 'paris-1';
  await createStore(db, { id: storeId, name: 'Paris Bastille', timeZone: 'Europe/Paris', currency: 'EUR' }, clock.now);
  await seedServerStaff(db);

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
      const keys = newDeviceKeyPair();
      const res = await h.request(null, 'POST', '/v1/pair', { code, terminalName: name, publicKey: keys.publicKey });
      if (res.status !== 200) throw new Error(`pairing failed: ${JSON.stringify(res.body)}`);
      return { ...(res.body as PairResponse), ...keys };
    },
    async pairLegacy(name = 'Till 1') {
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
        const secret = sign.secret ?? (sign.signingKey === undefined && terminal.signingKey === undefined ? terminal.secret : undefined);
        const signingKey = sign.signingKey ?? terminal.signingKey;
        const auth =
          secret !== undefined
            ? { terminalId: terminal.terminalId, secret }
            : signingKey !== undefined
              ? { terminalId: terminal.terminalId, signingKey }
              : null;
        if (auth === null) throw new Error('this terminal has neither a device key nor a secret');
        headers.authorization = await authorizationFor(auth, {
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
      return { status: res.status, body: parsed, headers: res.headers };
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
