/**
 * The terminal's transport to the real server: HTTPS with an on-premise CA
 * (a CA and a server certificate made for this run with the openssl CLI),
 * pinned at pairing, carries pairing and sync; without the CA the pairing
 * fails with a certificate error and the one-time code is not spent. And a
 * server that answers 429 with Retry-After is not asked again before then,
 * even with a backoff of a few milliseconds.
 */
import { makeCertificates } from '../helpers/tls-certificates.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { SATURDAY, tempDir } from '../helpers/terminal.ts';
import { openSyncTerminal, startSyncServer, type SyncServer, type SyncTerminal } from './sync-harness.ts';

const clock = new ManualClock(SATURDAY);
const open: SyncTerminal[] = [];
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
});

describe('HTTPS with an on-premise CA', () => {
  let server: SyncServer;
  let caPem: string;
  const dir = tempDir('lt-tls-');
  beforeAll(async () => {
    const made = makeCertificates(dir.path);
    caPem = made.caPem;
    server = await startSyncServer(clock, { server: { tls: { certFile: made.certFile, keyFile: made.keyFile } } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  test('the server serves https://; a terminal pairs and syncs over it with the CA pinned', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const t = openSyncTerminal(clock);
    open.push(t);
    const admin = await t.login('admin');
    await t.call('sync.pair', { serverUrl: server.url, code: await server.code(), terminalName: 'Till TLS', caPem }, admin);
    const member = await t.enrol(await t.login('manager'));
    const status = await t.backend.sync.syncNow();
    expect(status).toMatchObject({ state: 'online', queueLength: 0 });
    expect((await server.balances()).has(member.id)).toBe(true);
  }, 30_000);

  test('without the CA the pairing fails with a certificate error, and the code is not spent', async () => {
    const t = openSyncTerminal(clock);
    open.push(t);
    const admin = await t.login('admin');
    const code = await server.code();
    const refused = await t.fail('sync.pair', { serverUrl: server.url, code, terminalName: 'Till no CA' }, admin);
    expect(refused).toMatchObject({ code: 'VALIDATION', details: { reason: 'tls' } });
    expect(refused.message).toMatch(/certificate/);
    expect(t.backend.sync.paired).toBe(false);
    // The TLS handshake failed before the code was sent: with the CA, the same code pairs.
    await t.call('sync.pair', { serverUrl: server.url, code, terminalName: 'Till no CA', caPem }, admin);
    expect(t.backend.sync.paired).toBe(true);
  }, 30_000);
});

describe('Retry-After', () => {
  let server: SyncServer;
  beforeAll(async () => {
    server = await startSyncServer(clock, { server: { limits: { perTerminal: 2, windowMs: 3_000 } } });
  }, 60_000);
  afterAll(() => server?.close());

  test('after a 429 the terminal waits at least Retry-After before it asks again, whatever its backoff', async () => {
    // A backoff of at most 50 ms and a round every 50 ms: without Retry-After it would ask ~60 times in 3 s.
    const t = openSyncTerminal(clock, {
      backend: { sync: { backoff: { baseMs: 10, capMs: 50 }, pullIntervalMs: 50, debounceMs: 10 } },
    });
    open.push(t);
    const admin = await t.login('admin');
    await t.call('sync.pair', { serverUrl: server.url, code: await server.code(), terminalName: 'Till busy' }, admin);
    const limitedBefore = server.logs.filter((l) => l.includes('"statusCode":429')).length;
    t.backend.sync.start();
    const waitFor = async (what: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!what()) {
        if (Date.now() > until) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
      return Date.now();
    };
    const limitedAt = await waitFor(() => t.backend.sync.status().reason === 'rate limited by the server', 10_000);
    const failed = t.logs.map((l) => JSON.parse(l) as { event: string; retryInMs?: number }).find((l) => l.event === 'sync.round.failed');
    const retryInMs = failed?.retryInMs ?? 0;
    expect(retryInMs).toBeGreaterThanOrEqual(1_000);
    const onlineAt = await waitFor(() => t.backend.sync.status().state === 'online', 10_000);
    expect(onlineAt - limitedAt).toBeGreaterThanOrEqual(retryInMs - 100);
    await t.backend.sync.stop();
    // One 429 answer, not a storm of them.
    const limited = server.logs.filter((l) => l.includes('"statusCode":429')).length - limitedBefore;
    expect(limited).toBe(1);
  }, 30_000);
});
