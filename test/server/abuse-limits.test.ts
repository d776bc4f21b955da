/**
 * Abuse limits on the real server (PostgreSQL, requests in parallel): a flood
 * from one address is answered 429 RATE_LIMITED with Retry-After and nothing
 * it carried is applied; pairing has its own, stricter rate; a terminal's
 * rate counts only requests whose signature held, so a forger cannot spend a
 * till's budget; a pairing body over its limit is refused 413 before it is
 * read (the code stays unspent); a request whose body never finishes is cut
 * off by the request timeout; behind a trusted proxy the client in
 * X-Forwarded-For is counted, and without that setting the header is ignored.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgram } from '../../server/admin/catalogue.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { MAX_PAIR_BODY_BYTES, syncErrorSchema } from '../../shared/sync-protocol.ts';
import { demoProgram } from '../fixtures/program.ts';
import { EventLog } from './events.ts';
import { startHarness, T0, usePostgresCluster, type Harness } from './harness.ts';

usePostgresCluster();

const WRONG_CODE = { code: 'AAAA-BBBB-CCCC', terminalName: 'Till' };

async function send(
  h: Harness,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter: string | null; body: { code: string; details?: Record<string, unknown> } }> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(h.url + path, {
    method,
    headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(text === undefined ? {} : { body: text }),
  });
  const answer = (await res.json()) as unknown;
  if (res.status >= 400) syncErrorSchema.parse(answer);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: answer as { code: string } };
}

const memberCount = async (h: Harness) => Number((await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM members'))[0]!.n);

describe('per address', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('postgres', { limits: { windowMs: 10_000, perAddress: 20, pairPerAddress: 5, perTerminal: 1_000 } });
    await importProgram(h.db, demoProgram, T0);
  }, 60_000);
  afterAll(() => h?.close());

  it('pairing: a few wrong codes are answered 401, then 429 with Retry-After; a good code sent then is not spent', async () => {
    const answers = await Promise.all(Array.from({ length: 9 }, () => send(h, 'POST', '/v1/pair', WRONG_CODE)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'pairing' } });
    const seconds = Number(limited.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(10);
    expect(limited.body.details?.retryAfterSeconds).toBe(seconds);

    const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
    expect((await send(h, 'POST', '/v1/pair', { code, terminalName: 'Till 9' })).status).toBe(429);
    // The pairing rate is its own: other routes from this address still answer.
    expect((await send(h, 'GET', '/v1/changes')).status).toBe(401);
    // Once the window has passed, the same code pairs: it was not spent while refused.
    await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
    const paired = await send(h, 'POST', '/v1/pair', { code, terminalName: 'Till 9' });
    expect(paired.status).toBe(200);
  }, 30_000);

  it('a flood from one address is answered 429 with Retry-After; a push sent in it is not applied', async () => {
    await new Promise((r) => setTimeout(r, 10_200)); // a fresh window: the previous test spent some of this one
    const t = await h.pair('Till flood');
    const flood = await Promise.all(Array.from({ length: 40 }, () => send(h, 'GET', '/v1/changes')));
    const limited = flood.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(19);
    for (const a of flood) expect([401, 429]).toContain(a.status);
    // Made-up paths count against the same budget: they are refused too, not answered 404.
    const probe = await send(h, 'GET', '/v1/no-such-route');
    expect(probe.status).toBe(429);
    expect(probe.body).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'address' } });
    for (const a of limited) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.body).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'address' } });
    }
    const log = new EventLog(h.storeId);
    const member = randomUUID();
    log.enrol(member, { bonus: 100 });
    const before = await memberCount(h);
    const pushed = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(pushed.status).toBe(429);
    expect(pushed.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await memberCount(h)).toBe(before);
    expect(h.logs.join('\n')).not.toContain(member);

    // After Retry-After the same push is applied, once.
    await new Promise((r) => setTimeout(r, Number(limited[0]!.retryAfter) * 1000 + 200));
    const again = await h.request(t, 'POST', '/v1/events', { events: log.events });
    expect(again.status).toBe(200);
    expect(await memberCount(h)).toBe(before + 1);
  }, 40_000);
});

describe('per terminal, after the signature', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('postgres', { limits: { perAddress: 1_000, perTerminal: 5 } });
  }, 60_000);
  afterAll(() => h?.close());

  it('requests that fail verification do not count; the terminal’s own requests past its rate are 429', async () => {
    const a = await h.pair('Till A');
    const b = await h.pair('Till B');
    // A forger who knows A's id but not its key: a signature that does not hold (here a stale one).
    const forged = await Promise.all(
      Array.from({ length: 20 }, () => h.request(a, 'GET', '/v1/changes?limit=1', undefined, { ts: h.clock.now - 60 * 60_000 })),
    );
    for (const f of forged) expect(f.status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await h.request(a, 'GET', '/v1/changes?limit=1')).status).toBe(200);
    const sixth = await h.request(a, 'GET', '/v1/changes?limit=1');
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ code: 'RATE_LIMITED', details: { limitedBy: 'terminal' } });
    // Another till at the same address has its own budget.
    expect((await h.request(b, 'GET', '/v1/changes?limit=1')).status).toBe(200);
  }, 30_000);
});

describe('body limits and timeouts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('postgres', { limits: { requestTimeoutMs: 1_000 } });
  }, 60_000);
  afterAll(() => h?.close());

  it('a pairing body over its limit is refused 413 before it is read: the code in it is not spent', async () => {
    const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
    const big = JSON.stringify({ code, terminalName: 'Till', padding: 'x'.repeat(MAX_PAIR_BODY_BYTES) });
    const refused = await send(h, 'POST', '/v1/pair', big);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: MAX_PAIR_BODY_BYTES } });
    expect((await send(h, 'POST', '/v1/pair', { code, terminalName: 'Till' })).status).toBe(200);
  }, 30_000);

  it('a request whose body never finishes is cut off by the request timeout', async () => {
    const started = Date.now();
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write('POST /v1/pair HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"code":"AAAA');
    // Drip a byte now and then, as a slow-loris client does: the socket is never idle, the request never complete.
    const drip = setInterval(() => socket.writable && socket.write('A'), 200);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    clearInterval(drip);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);
});

describe('behind a reverse proxy', () => {
  it('with trustProxy the client in X-Forwarded-For is counted; without it the header changes nothing', async () => {
    const proxied = await startHarness('pglite', { limits: { pairPerAddress: 2 }, trustProxy: ['127.0.0.1'] });
    const direct = await startHarness('pglite', { limits: { pairPerAddress: 2 } });
    try {
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      for (const h of [proxied, direct]) {
        for (let i = 0; i < 2; i++) expect((await send(h, 'POST', '/v1/pair', WRONG_CODE, from('203.0.113.7'))).status).toBe(401);
        expect((await send(h, 'POST', '/v1/pair', WRONG_CODE, from('203.0.113.7'))).status).toBe(429);
      }
      // Another shop behind the proxy has its own budget…
      expect((await send(proxied, 'POST', '/v1/pair', WRONG_CODE, from('198.51.100.2'))).status).toBe(401);
      // …but a client talking to the server directly cannot pick a new address by writing the header.
      expect((await send(direct, 'POST', '/v1/pair', WRONG_CODE, from('198.51.100.2'))).status).toBe(429);
    } finally {
      await proxied.close();
      await direct.close();
    }
  }, 60_000);
});
