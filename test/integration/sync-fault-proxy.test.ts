/**
 * More than 10,000 events through a fault-injecting proxy on loopback (one per
 * terminal, test/integration/sync-harness.ts): four terminals, sixty members,
 * sales with earn and with redemption (two terminals spending the same points
 * now and then), voids and refunds, pushed in batches of 100 while the proxy
 * drops connections before and after the server commits, delays, answers 500,
 * cuts answers short, stalls until the terminal times out, delivers a request
 * twice, replays an older batch after newer ones, and holds a batch back to
 * deliver it late. Pulls go through the same faults. Then every event must
 * have been applied exactly once, none lost, and the balances agree: server
 * ledger sum = server balance = an independent model = each terminal's.
 * The server runs on a real PostgreSQL database (a connection pool, real row
 * locks). The run must also have exercised enough: minimum counts of each
 * fault the proxies really injected (pushes and pulls), of redemptions,
 * overdrafts, voids and refunds (`MINIMUM`), printed with what it did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { prng } from '../../shared/prng.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { scratchRoot } from '../helpers/scratch-dir.ts';
import { SATURDAY } from '../helpers/terminal.ts';
import {
  checkConverged,
  newAppliedModel,
  observeApplied,
  openSyncTerminal,
  pairVia,
  signerFor,
  startFaultProxy,
  startSyncServer,
  terminalTemplate,
  usePostgresCluster,
  type FaultProxy,
  type ProxyMode,
  type SyncServer,
  type SyncTerminal,
} from './sync-harness.ts';

const EVENTS = Number(process.env.FAULT_EVENTS ?? 10_200);
const TERMINALS = 4;
const MEMBERS = 60;
const SCRATCH = scratchRoot();
const FAULTS: ProxyMode[] = ['error500', 'drop-before', 'drop-after', 'truncate', 'delay', 'duplicate', 'replay-old', 'hold-back'];
/**
 * What a run of 10,200 events must have exercised at least: about half of what runs did on
 * PostgreSQL (they vary: faults also fall on a refund's sale fetch) (push: 7 answered 500, 9 dropped before and 12 after the server, 11 cut short, 8
 * delayed, 5 delivered twice, 8 old batches replayed, 5 held back and delivered late; pull: 8, 11,
 * 7, 4; 2 stalls; 1,958 redemptions, 551 overdrafts, 441 voids, 362 refunds), scaled down for a
 * smaller FAULT_EVENTS. Faults also fall on other requests (a refund's sale fetch): not counted here.
 */
const MINIMUM: Record<string, number> = {
  'push error500': 3,
  'push drop-before': 4,
  'push drop-after': 3,
  'push truncate': 3,
  'push delay': 4,
  'push duplicate': 2,
  'push replay-old': 4,
  'push hold-back': 2,
  'push held-back-delivered': 2,
  'pull drop-before': 3,
  'pull drop-after': 4,
  'pull truncate': 2,
  'pull error500': 2,
  stalls: 1,
  redemptions: 900,
  overdrafts: 200,
  voids: 200,
  refunds: 150,
};

usePostgresCluster();

interface Till {
  name: string;
  t: SyncTerminal;
  proxy: FaultProxy;
  terminalId: string;
  token: string;
  sales: string[];
}

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
const tills: Till[] = [];

beforeAll(async () => {
  server = await startSyncServer(clock, { driver: 'postgres' });
}, 60_000);
afterAll(async () => {
  for (const t of tills) {
    await t.t.close().catch(() => undefined);
    await t.proxy.close();
    rmSync(t.t.dir, { recursive: true, force: true });
  }
  await server?.close();
});

describe('fault-injecting proxy', () => {
  test(`${EVENTS.toLocaleString('en')} events through drops, 500s, truncation, stalls, duplicates and reordered batches on PostgreSQL: each applied once, and the run injected the minimum of each fault and made the minimum of redemptions, overdrafts, voids and refunds`, async () => {
    const rnd = prng(20_261_122);
    const int = (n: number) => Math.floor(rnd() * n);
    const model = newAppliedModel();
    const template = terminalTemplate(clock);
    const counts = new Map<ProxyMode, number>();
    let faulty = false;
    let decisions = 0;
    for (let i = 0; i < TERMINALS; i++) {
      const proxy = await startFaultProxy(server.url);
      const t = openSyncTerminal(clock, {
        dir: mkdtempSync(join(SCRATCH, 'lt-fault-')),
        template,
        backend: {
          sync: { pushBatch: 100, pullPageSize: 50, requestTimeoutMs: 1_000, offlineCaps: { memberPerDay: 1e9, terminalPerDay: 1e9 } },
          idleMs: 1e12,
        },
      });
      const paired = await pairVia(t, server, proxy.url);
      proxy.resign = signerFor(t, clock);
      proxy.observe = (x) => observeApplied(model, x);
      proxy.decide = () => {
        if (!faulty) return 'pass';
        // A stall costs the terminal's timeout in real time: a few, spread out.
        const mode: ProxyMode = ++decisions % 150 === 50 ? 'stall' : rnd() < 0.3 ? FAULTS[int(FAULTS.length)]! : 'pass';
        counts.set(mode, (counts.get(mode) ?? 0) + 1);
        return mode;
      };
      tills.push({ name: `T${i}`, t, proxy, terminalId: paired.terminalId, token: await t.login('manager'), sales: [] });
    }

    // Members enrolled on every terminal, known to all after a clean round.
    const members: string[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const till = tills[i % TERMINALS]!;
      members.push((await till.t.enrol(till.token)).id);
    }
    for (let round = 0; round < 2; round++) for (const till of tills) await till.t.backend.sync.syncNow();

    // The load: sales (a third redeem), voids and refunds; every 60 events a terminal syncs through the faults.
    faulty = true;
    const refusals = new Map<string, number>();
    const done = { redemptions: 0, voids: 0, refunds: 0 };
    let since = 0;
    const total = () =>
      tills.reduce((n, t) => n + (t.t.backend.store.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number), 0);
    for (let made = total(); made < EVENTS;) {
      const till = tills[int(TERMINALS)]!;
      const memberId = members[int(MEMBERS)]!;
      const roll = rnd();
      try {
        if (roll < 0.08 && till.sales.length > 0) {
          const saleId = till.sales[int(till.sales.length)]!;
          if (rnd() < 0.5) {
            await till.t.call('sale.void', { saleId }, till.token);
            done.voids++;
          } else {
            await till.t.call('sale.refund', { refundId: uuidv7(clock.now()), saleId, lines: [{ lineNo: 1, quantity: 1 }] }, till.token);
            done.refunds++;
          }
        } else {
          const balance =
            (till.t.backend.store.db.prepare('SELECT balance FROM members WHERE id = ?').pluck().get(memberId) as number | undefined) ?? 0;
          const points = roll < 0.4 && balance >= 500 ? Math.floor((balance * (0.2 + rnd() * 0.8)) / 100) * 100 : 0;
          const redeem = points >= 500 ? { kind: 'points' as const, points } : null;
          const saleId = uuidv7(clock.now());
          await till.t.call(
            'sale.commit',
            {
              saleId,
              memberId,
              lines: [{ category: 'bakery', amountMinor: (redeem?.points ?? 0) * 2 + 100 + int(20_000) }],
              redemption: redeem,
            },
            till.token,
          );
          till.sales.push(saleId);
          if (redeem !== null) done.redemptions++;
        }
      } catch (error) {
        if (!(error instanceof AppError) || !['INSUFFICIENT_POINTS', 'VOID_NOT_ALLOWED', 'REFUND_NOT_ALLOWED'].includes(error.code))
          throw error;
        refusals.set(error.code, (refusals.get(error.code) ?? 0) + 1);
      }
      made++;
      if (made - since >= 60) {
        since = made;
        clock.advance(20_000);
        const t = tills[int(TERMINALS)]!;
        await t.t.backend.sync.syncNow();
        if (rnd() < 0.3) await tills[int(TERMINALS)]!.proxy.deliverHeld();
        for (const x of tills) await x.proxy.idle();
        made = total();
      }
    }

    // Heal: a good network, late deliveries of what was held back, rounds until quiet.
    faulty = false;
    for (const t of tills) await t.proxy.deliverHeld();
    for (let round = 0; round < 5; round++) {
      for (const t of tills) await t.t.backend.sync.syncNow();
      if (round >= 1 && tills.every((t) => t.t.backend.sync.status().queueLength === 0 && t.t.backend.sync.status().state === 'online'))
        break;
    }
    for (const t of tills) await t.proxy.idle();

    const events = total();
    const pushes = tills.reduce((n, t) => n + t.proxy.exchanges.filter((x) => x.path === '/v1/events').length, 0);
    // What the run exercised: the faults the proxies really injected (a decision the proxy could not carry out is not counted).
    const exercised: Record<string, number> = { ...done, overdrafts: (await server.flags()).filter((f) => f.kind === 'overdraft').length };
    for (const t of tills) {
      for (const [key, n] of Object.entries(t.proxy.faultsByPath)) {
        const [path, kind] = key.split(' ') as [string, string];
        const name = `${path === '/v1/events' ? 'push' : path === '/v1/changes' ? 'pull' : path.startsWith('/v1/sales/') ? 'sale fetch' : path} ${kind}`;
        exercised[name] = (exercised[name] ?? 0) + n;
        if (kind === 'stall') exercised.stalls = (exercised.stalls ?? 0) + n;
      }
    }
    console.log(
      `fault proxy on PostgreSQL: ${events} events, ${pushes} pushes reached the server, faults decided ${JSON.stringify(Object.fromEntries(counts))}, exercised ${JSON.stringify(exercised)}, refusals ${JSON.stringify(Object.fromEntries(refusals))}`,
    );
    expect(events).toBeGreaterThanOrEqual(Math.min(EVENTS, 10_000));
    const scale = Math.min(1, EVENTS / 10_200);
    const short = Object.entries(MINIMUM)
      .filter(([kind, n]) => (exercised[kind] ?? 0) < Math.floor(n * scale))
      .map(([kind, n]) => `${kind}: ${exercised[kind] ?? 0} (at least ${Math.floor(n * scale)})`);
    expect(short, 'the run exercised too little of').toEqual([]);
    await checkConverged(server, tills, members, model);
  }, 180_000);
});
