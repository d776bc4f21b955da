/**
 * Plain http:// to a server on another machine: anyone on the shop's network
 * could read the till's traffic and answer in the server's place. A terminal
 * refuses such an address (INSECURE_SERVER_URL) before a byte is sent: the
 * one-time code never leaves the till and is still good; a terminal paired
 * while it was allowed stops syncing when the setting is taken away. With
 * `sync.allowInsecureHttp` it works, and says so loudly at every start of
 * sync, naming the server's origin only.
 *
 * The server listens on this machine's own non-loopback address (eth0 or
 * similar, from os.networkInterfaces()). On a machine with none, the refusal
 * is still checked end to end (it needs no server), and the allowed path runs
 * on loopback while the verdict for another machine is checked as a pure rule.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../main/backend/platform/clock.ts';
import { transportVerdict } from '../../../main/backend/sync/transport-policy.ts';
import { SATURDAY } from '../../helpers/terminal.ts';
import { openSyncTerminal, startSyncServer, type SyncServer, type SyncTerminal } from '../../integration/sync-harness.ts';

/** An IPv4 address of this machine that is not loopback, or null. */
function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  return null;
}

const external = nonLoopbackAddress();
const clock = new ManualClock(SATURDAY);
let server: SyncServer;
/** The server as a till on the shop's network would address it: plain http:// to another machine. */
let plainUrl: string;
const open: SyncTerminal[] = [];

beforeAll(async () => {
  server = await startSyncServer(clock, external === null ? {} : { server: { host: external } });
  plainUrl = external === null ? `http://192.0.2.1:${new URL(server.url).port}` : server.url;
}, 60_000);
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await server?.close();
});

const events = (t: SyncTerminal, name: string) =>
  t.logs.map((l) => JSON.parse(l) as { event: string; level: string } & Record<string, unknown>).filter((l) => l.event === name);
const pairRequests = () => server.logs.filter((l) => l.includes('/v1/pair')).length;

test('the test server is where a shop network would put it: not on loopback', () => {
  expect(new URL(plainUrl).protocol).toBe('http:');
  expect(transportVerdict(plainUrl, false).kind).toBe('refused');
  expect(transportVerdict(plainUrl, true).kind).toBe('insecure-allowed');
});

describe('without sync.allowInsecureHttp', () => {
  test('pairing with a plain http:// address is refused before anything is sent; the code stays good', async () => {
    const t = openSyncTerminal(clock);
    open.push(t);
    const admin = await t.login('admin');
    const code = await server.code();
    const before = pairRequests();
    const refused = await t.fail('sync.pair', { serverUrl: plainUrl, code, terminalName: 'Till plain' }, admin);
    expect(refused).toMatchObject({ code: 'INSECURE_SERVER_URL', details: { origin: new URL(plainUrl).origin } });
    expect(t.backend.sync.paired).toBe(false);
    expect(pairRequests()).toBe(before);
    expect([...t.logs, ...server.logs].join('\n')).not.toContain(code);
    // The code was never sent: a terminal allowed to use the address pairs with it.
    const allowed = openSyncTerminal(clock, { backend: { sync: { allowInsecureHttp: true } } });
    open.push(allowed);
    if (external !== null) {
      await allowed.call('sync.pair', { serverUrl: plainUrl, code, terminalName: 'Till plain' }, await allowed.login('admin'));
      expect(allowed.backend.sync.paired).toBe(true);
    }
  }, 30_000);

  test('a till paired while it was allowed stops syncing when the setting is taken away', async () => {
    if (external === null) {
      // No address of this machine other than loopback: the rule itself.
      expect(transportVerdict('http://192.0.2.1:8787', false).kind).toBe('refused');
      return;
    }
    const first = openSyncTerminal(clock, { backend: { sync: { allowInsecureHttp: true } } });
    await first.call(
      'sync.pair',
      { serverUrl: plainUrl, code: await server.code(), terminalName: 'Till later' },
      await first.login('admin'),
    );
    await first.enrol(await first.login('manager'));
    await first.close();
    // The configuration no longer allows plain http: the same till, reopened.
    const t = openSyncTerminal(clock, { dir: first.dir, seeded: false });
    open.push(t);
    const requests = server.logs.length;
    t.backend.sync.start();
    const status = await t.backend.sync.syncNow();
    expect(status).toMatchObject({ state: 'error', queueLength: 1 });
    expect(status.reason).toMatch(/^insecure: /);
    expect(server.logs.length).toBe(requests); // not one request reached the server
    const refusals = events(t, 'sync.insecure_http_refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'error', server: new URL(plainUrl).origin, setting: 'sync.allowInsecureHttp' });
  }, 30_000);
});

describe('with sync.allowInsecureHttp', () => {
  test('it pairs and syncs, and warns at pairing and at every start of sync, naming only the origin', async () => {
    const url = external === null ? server.url : plainUrl;
    const t = openSyncTerminal(clock, { backend: { sync: { allowInsecureHttp: true } } });
    open.push(t);
    const admin = await t.login('admin');
    await t.call('sync.pair', { serverUrl: `${url}/?token=not-for-logs`, code: await server.code(), terminalName: 'Till allowed' }, admin);
    const member = await t.enrol(await t.login('manager'));
    t.backend.sync.start();
    expect(await t.backend.sync.syncNow()).toMatchObject({ state: 'online', queueLength: 0 });
    expect((await server.balances()).has(member.id)).toBe(true);
    await t.backend.sync.stop();
    t.backend.sync.start(); // a second start of sync (as after a restart of the backend)
    await t.backend.sync.stop();

    const warnings = events(t, 'sync.insecure_http');
    if (external === null) {
      expect(warnings).toHaveLength(0); // loopback is not insecure; the rule for another machine is checked above
      return;
    }
    expect(warnings).toHaveLength(3); // pairing, and each start of sync
    for (const w of warnings) {
      expect(w).toMatchObject({ level: 'warn', server: new URL(plainUrl).origin, unencrypted: true });
      expect(JSON.stringify(w)).not.toContain('not-for-logs');
    }
  }, 30_000);
});
