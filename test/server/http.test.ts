import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../server/http/app.ts';
import { buildOpenApiDocument } from '../../server/http/openapi.ts';
import { ROUTES } from '../../server/http/route-table.ts';
import { syncErrorSchema, MAX_BODY_BYTES } from '../../shared/sync-protocol.ts';
import { EventLog } from './events.ts';
import { DRIVERS, startHarness, usePostgresCluster, type Harness, type Terminal } from './harness.ts';

usePostgresCluster();

describe.each(DRIVERS)('bad input and logs (%s)', (driver) => {
  let h: Harness;
  let t: Terminal;
  beforeAll(async () => {
    h = await startHarness(driver);
    t = await h.pair();
  }, 60_000);
  afterAll(() => h?.close());

  const appliedEvents = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events'))[0]!.n;
  const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    const body = syncErrorSchema.parse(res.body);
    expect(body.code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
    return body;
  };

  it('answers typed 4xx for malformed JSON, wrong types, huge bodies, wrong media and unknown routes; applies nothing', async () => {
    const before = await appliedEvents();
    expectError(await h.request(t, 'POST', '/v1/events', undefined, { rawBody: '{"events": [' }), 400, 'VALIDATION');
    const wrong = expectError(
      await h.request(t, 'POST', '/v1/events', { events: [{ id: 42, seq: 'one', kind: 'sale.committed', payload: {} }] }),
      400,
      'VALIDATION',
    );
    expect((wrong.details as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    expectError(await h.request(t, 'POST', '/v1/events', { events: [] }), 400, 'VALIDATION');
    expectError(await h.request(t, 'POST', '/v1/events', { events: 'x'.repeat(100) }), 400, 'VALIDATION');
    expectError(
      await h.request(t, 'POST', '/v1/events', undefined, { rawBody: `{"events":"${'x'.repeat(MAX_BODY_BYTES)}"}` }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const text = await fetch(`${h.url}/v1/pair`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expectError({ status: text.status, body: await text.json() }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await h.request(t, 'GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    expectError(await h.request(t, 'GET', '/v1/events'), 404, 'NOT_FOUND');
    expectError(await h.request(t, 'POST', '/v1/holds/not-a-uuid/release'), 400, 'VALIDATION');
    expectError(await h.request(null, 'POST', '/v1/pair', { code: 12 }), 400, 'VALIDATION');
    expect(await appliedEvents()).toBe(before);
  });

  it('writes no personal data, secret, code or token to the log', async () => {
    const { createPairingCode } = await import('../../server/admin/terminals.ts');
    const { code } = await createPairingCode(h.db, { storeId: h.storeId }, h.clock.now);
    const paired = await h.request(null, 'POST', '/v1/pair', { code, terminalName: 'Till logs' });
    const secret = (paired.body as Terminal).secret;
    const log = new EventLog(h.storeId);
    const m = randomUUID();
    const person = { name: 'Héloïse Quintavalle', phone: '+33 6 98 76 54 32', email: 'heloise.q@example.net', cardNumber: '2998877665544' };
    log.enrol(m, { ...person, bonus: 100 });
    expect((await h.request(t, 'POST', '/v1/events', { events: log.events })).status).toBe(200);
    const token = (await h.request(t, 'POST', '/v1/member-tokens', { memberId: m })).body as { token: string };
    // A validation failure must not echo the submitted values either.
    await h.request(t, 'POST', '/v1/events', { events: [{ ...log.events[0], seq: 'x', payload: { ...person } }] });
    const all = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(5);
    for (const secretText of [
      person.name,
      person.phone,
      person.email,
      person.cardNumber,
      secret,
      code,
      code.replace('-', ''),
      token.token,
      'LT1-HMAC-SHA256',
      'LT2-ED25519',
      t.signingKey!,
    ]) {
      expect(all, `log contains ${secretText}`).not.toContain(secretText);
    }
    expect(all).toContain(t.terminalId); // ids are logged: a log line is still useful
  });
});

describe('OpenAPI document', () => {
  const committed = JSON.parse(readFileSync(new URL('../../server/openapi.json', import.meta.url), 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };

  it('is the document generated from the route table and the zod schemas (regenerate: npm run server -- openapi > server/openapi.json)', () => {
    expect(committed).toEqual(buildOpenApiDocument());
    expect(committed.openapi).toBe('3.1.0');
  });

  it('documents exactly the routes fastify serves', async () => {
    const h = await startHarness('pglite');
    try {
      const served = new Set<string>();
      for (const def of ROUTES) served.add(`${def.method} ${def.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
      const documented = new Set(
        Object.entries(committed.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
      );
      expect(documented).toEqual(served);
      for (const route of served) {
        const [method, path] = route.split(' ') as ['GET' | 'POST', string];
        expect(h.server.app.hasRoute({ method, url: path.replace(/\{([A-Za-z]+)\}/g, ':$1') }), route).toBe(true);
      }
      const registered = registeredRoutes(h.server.app).map((r) => r.replace(/:([A-Za-z]+)/g, '{$1}'));
      expect(registered.length).toBe(served.size);
      expect(new Set(registered)).toEqual(served);
    } finally {
      await h.close();
    }
  });
});
