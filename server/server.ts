/**
 * startServer: the HTTP server on a host and port, with the maintenance job
 * (expire due points, forget old nonces). Tests, `npm run server`, `npm start`
 * and the terminal's tests start it in-process (port 0 = an ephemeral port).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { releaseAwaitingSales } from './apply/awaiting-sales.ts';
import { expireSightings } from './store/member-scope.ts';
import { currentProgram } from './store/programs.ts';
import { expireDuePoints } from './apply/expiry.ts';
import type { ProtocolPolicy } from './auth/protocol-window.ts';
import { pruneNonces } from './auth/verify-request.ts';
import type { AbuseLimits } from './http/abuse-limits.ts';
import { buildApp } from './http/app.ts';
import type { LogOptions } from './http/logging.ts';
import { onContention } from './store/contention.ts';
import type { Db } from './store/db.ts';

export interface StartOptions {
  db: Db;
  port?: number;
  host?: string;
  log?: LogOptions | false;
  clock?: () => number;
  /** Protocol version 1 (HMAC) transition window; absent: 90 days after version 2 first ran on this database. */
  protocol?: ProtocolPolicy;
  /** How often to expire due points and prune nonces; 0 = never (tests drive it). Default 10 minutes. */
  maintenanceIntervalMs?: number;
  /** Serve HTTPS with this certificate (PEM, the chain after the leaf) and private key (PEM). Absent: plain HTTP. */
  tls?: { certFile: string; keyFile: string };
  /** Behind a reverse proxy: its addresses or CIDRs, so per-address limits count X-Forwarded-For's client (see app.ts). */
  trustProxy?: string | string[];
  /** Rates and time limits (server/http/abuse-limits.ts); each absent one has its default. */
  limits?: Partial<AbuseLimits>;
}

/** A TLS file that cannot be read: said with its path, so the operator knows which. */
export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
}

function readTlsFile(path: string, what: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new TlsFileError(`The TLS ${what} file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!pem.includes('-----BEGIN ')) throw new TlsFileError(`The TLS ${what} file ${path} is not PEM (no -----BEGIN line).`);
  return pem;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  /** One maintenance pass now (what the interval runs). */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const clock = options.clock ?? Date.now;
  const https =
    options.tls === undefined
      ? undefined
      : { cert: readTlsFile(options.tls.certFile, 'certificate'), key: readTlsFile(options.tls.keyFile, 'key') };
  const app = buildApp({
    db: options.db,
    log: options.log,
    clock,
    ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
    ...(https === undefined ? {} : { https }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const maintain = async () => {
    const now = clock();
    const expired = await expireDuePoints(options.db, now);
    await pruneNonces(options.db, now);
    await releaseAwaitingSales(options.db, null, now);
    const leftScope = await expireSightings(options.db, await currentProgram(options.db), now);
    if (leftScope > 0) app.log.info({ sightings: leftScope }, 'members left a store scope');
    if (expired.points > 0) app.log.info({ members: expired.members, points: expired.points }, 'points expired');
  };
  await app.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? DEFAULT_HOST });
  // A deadlock or serialisation failure is retried inside the server (store/contention.ts); each is logged, without data.
  const stopContentionLog = onContention((event) =>
    app.log.warn(event, event.retryInMs === null ? 'transaction failed on every attempt' : 'transaction retried'),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const interval = options.maintenanceIntervalMs ?? 10 * 60_000;
  let running: Promise<void> = Promise.resolve();
  const timer =
    interval > 0
      ? setInterval(() => {
          running = maintain().catch((err: unknown) => app.log.error({ err }, 'maintenance failed'));
        }, interval)
      : null;
  timer?.unref();
  return {
    url: `${https === undefined ? 'http' : 'https'}://${urlHost(options.host ?? DEFAULT_HOST)}:${port}`,
    app,
    maintain,
    close: async () => {
      if (timer !== null) clearInterval(timer);
      await running;
      await app.close();
      stopContentionLog();
    },
  };
}

/** An IPv6 literal goes in brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
