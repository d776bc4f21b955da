/**
 * Deterministic simulation (the TigerBeetle habit): for each seed, 2–4
 * terminals on their own SQLite files, the real server (in-process, PGlite,
 * shared by the seeds: each seed has its own terminals and members), and a
 * fault-injecting proxy per terminal. Every choice — which terminal does what,
 * which request is dropped before or after the server commits, answered 500,
 * cut short, delivered twice, held back and delivered late, which older batch
 * is replayed, when a terminal goes offline, when it crashes (its files taken
 * as they are, mid-round) — comes from the seed's PRNG, one operation at a
 * time, each awaited; time is a manual clock. Then the network heals, every
 * terminal pushes and pulls until quiet, and the invariants must hold:
 *
 * - every event in a terminal's outbox was applied exactly once on the server
 *   (applied_events and the server's ledger rows per event), none is unsent;
 * - per member: server balance = sum of its ledger = what an independent model
 *   (the proxies' record of what the server applied, in order) predicts;
 * - overdraft flags exactly for the redemptions that drove a balance below zero;
 * - each terminal shows the server's balance with nothing pending, and its own
 *   ledger invariants hold (test/helpers/ledger-invariants.ts).
 *
 * A failing seed prints `SEED=<n>`; replay it alone with
 *   SIM_SEED=<n> npx vitest run test/integration/sync-simulation.test.ts
 * and run more with SIM_SEEDS=<count> (SIM_FIRST_SEED=<n> to start elsewhere).
 * Event and member ids are random UUIDs, but nothing the run decides depends on
 * them, so a seed replays the same operations, faults and outcomes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
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
  serverCursor,
  signerFor,
  startFaultProxy,
  startPullAt,
  startSyncServer,
  terminalTemplate,
  type FaultProxy,
  type ProxyMode,
  type SyncServer,
  type SyncTerminal,
} from './sync-harness.ts';

const FIRST = Number(process.env.SIM_FIRST_SEED ?? 1);
const SEEDS =
  process.env.SIM_SEED !== undefined
    ? [Number(process.env.SIM_SEED)]
    : Array.from({ length: Number(process.env.SIM_SEEDS ?? 200) }, (_, i) => FIRST + i);
const HOUR = 3_600_000;
/** Terminal files on tmpfs where there is one: durability is not what this test is about (a crash copies the files as they are). */
const SCRATCH = scratchRoot();
/** Business refusals a random operation may meet; anything else fails the seed. */
const EXPECTED_REFUSALS = new Set(['INSUFFICIENT_POINTS', 'REDEMPTION_NOT_ALLOWED', 'VOID_NOT_ALLOWED', 'REFUND_NOT_ALLOWED']);
const SETTINGS = {
  pushBatch: 4,
  pullPageSize: 25,
  // Never reached on loopback: a timeout would make the outcome depend on the machine's speed.
  holdBudgetMs: 10_000,
  requestTimeoutMs: 10_000,
  offlineCaps: { memberPerDay: 3_000, terminalPerDay: 8_000 },
};
const PUSH_FAULTS: ProxyMode[] = ['error500', 'drop-before', 'drop-after', 'truncate', 'delay', 'duplicate', 'replay-old', 'hold-back'];
const OTHER_FAULTS: ProxyMode[] = ['error500', 'drop-before', 'drop-after', 'truncate', 'delay'];
/** Faults after which the hold client gives the (maybe placed) hold back in the background. */
const CUT: ProxyMode[] = ['drop-before', 'drop-after', 'truncate'];

interface Sale {
  saleId: string;
  memberId: string;
  online: boolean;
}

interface Till {
  index: number;
  t: SyncTerminal;
  proxy: FaultProxy;
  terminalId: string;
  manager: string;
  cashier: string;
  offlineSteps: number;
  /** Crash when the next push answer / pull page arrives. */
  arm: 'push' | 'pull' | null;
  fired: boolean;
  lastFault: ProxyMode;
  sales: Sale[];
}

const clock = new ManualClock(SATURDAY);
let server: SyncServer;
let template: string;

beforeAll(async () => {
  server = await startSyncServer(clock, { scratch: SCRATCH });
  template = terminalTemplate(clock);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('deterministic simulation', () => {
  test.for(SEEDS)('SEED=%i', { timeout: 60_000 }, async (seed) => {
    const trace: string[] = [];
    try {
      await runSeed(seed, trace);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(
        `SEED=${seed} failed: ${message}\nlast operations:\n  ${trace.slice(-25).join('\n  ')}\nreplay: SIM_SEED=${seed} npx vitest run test/integration/sync-simulation.test.ts`,
      );
      throw new Error(`SEED=${seed}: ${message}`, { cause: error });
    }
  });
});

async function runSeed(seed: number, trace: string[]): Promise<void> {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // Each seed starts at its own time (Saturday's double points, a day boundary for the caps) whatever ran before.
  clock.set(SATURDAY + (seed % 7) * 5 * HOUR);
  const cursor = await serverCursor(server);
  const model = newAppliedModel();
  const tills: Till[] = [];
  const members: string[] = [];

  try {
    const count = 2 + int(3);
    for (let i = 0; i < count; i++) tills.push(await openTill(i));

    const steps = 25 + int(15);
    for (let step = 0; step < steps; step++) {
      const till = pick(tills);
      const roll = rnd();
      if (roll < 0.1) await enrol(till);
      else if (roll < 0.32) await earn(till);
      else if (roll < 0.44) await redeem(till);
      else if (roll < 0.5) await conflict();
      else if (roll < 0.55) await voidOrRefund(till);
      else if (roll < 0.75) await syncRound(till);
      else if (roll < 0.81) {
        till.offlineSteps = 1 + int(8);
        trace.push(`T${till.index} offline for ${till.offlineSteps} steps`);
      } else if (roll < 0.87) await crash(till);
      else if (roll < 0.91) {
        trace.push(`T${till.index} held-back requests delivered (${till.proxy.held})`);
        await till.proxy.deliverHeld();
      } else clock.advance(1_000 + int(20 * 60_000));
      for (const t of tills) {
        await t.proxy.idle();
        if (t.offlineSteps > 0) t.offlineSteps--;
      }
    }

    // Heal: a good network, held-back requests delivered (late), rounds until quiet.
    trace.push('heal');
    for (const t of tills) {
      t.offlineSteps = 0;
      t.arm = null;
      await t.proxy.deliverHeld();
      t.proxy.decide = null;
      t.proxy.mode = 'pass';
    }
    // Push everything, then pull what the others pushed; a third round only if a terminal is not done yet.
    for (let round = 0; round < 4; round++) {
      for (const t of tills) await t.t.backend.sync.syncNow();
      if (round >= 1 && tills.every((t) => t.t.backend.sync.status().state === 'online' && t.t.backend.sync.status().queueLength === 0))
        break;
    }
    for (const t of tills) await t.proxy.idle();
    await checkConverged(
      server,
      tills.map((t) => ({ name: `T${t.index}`, t: t.t, terminalId: t.terminalId, token: t.manager })),
      members,
      model,
    );
  } finally {
    for (const t of tills) {
      await t.t.close().catch(() => undefined);
      await t.proxy.close();
      rmSync(t.t.dir, { recursive: true, force: true });
    }
  }

  async function openTill(index: number): Promise<Till> {
    const till = { index, offlineSteps: 0, arm: null, fired: false, lastFault: 'pass', sales: [] } as unknown as Till;
    till.proxy = await startFaultProxy(server.url);
    till.t = openTerminal(till, undefined);
    const paired = await pairVia(till.t, server, till.proxy.url);
    till.terminalId = paired.terminalId;
    startPullAt(till.t, cursor);
    till.proxy.resign = signerFor(till.t, clock);
    till.proxy.observe = (x) => observeApplied(model, x);
    till.proxy.decide = ({ path }) => {
      const mode = till.offlineSteps > 0 ? 'drop-before' : rnd() < 0.3 ? pick(path === '/v1/events' ? PUSH_FAULTS : OTHER_FAULTS) : 'pass';
      till.lastFault = mode;
      return mode;
    };
    await login(till);
    return till;
  }

  function openTerminal(till: Till, dir: string | undefined): SyncTerminal {
    const hooks = {
      afterPushAnswer: () => fire('push'),
      afterPullPage: () => fire('pull'),
    };
    function fire(at: 'push' | 'pull'): void {
      if (till.arm !== at) return;
      till.arm = null;
      till.fired = true;
      throw new Error(`simulated crash after a ${at} answer`);
    }
    const backend = { sync: SETTINGS, syncTest: { hooks }, idleMs: 365 * 24 * HOUR };
    return dir === undefined
      ? openSyncTerminal(clock, { dir: mkdtempSync(join(SCRATCH, 'lt-sim-')), template, backend })
      : openSyncTerminal(clock, { dir, seeded: false, backend });
  }

  async function login(till: Till): Promise<void> {
    // One sign-in (a manager may do what a cashier does): PIN hashing is the costly part of a restart here.
    till.manager = await till.t.login('manager');
    till.cashier = till.manager;
  }

  /** A local command; a business refusal is an outcome, anything else fails the seed. */
  async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      const result = await fn();
      trace.push(what);
      return result;
    } catch (error) {
      if (error instanceof AppError && EXPECTED_REFUSALS.has(error.code)) {
        trace.push(`${what} → ${error.code}`);
        return null;
      }
      throw error;
    }
  }

  function localMembers(till: Till): { id: string; balance: number }[] {
    return till.t.backend.store.db.prepare('SELECT id, balance FROM members ORDER BY enrolled_at, rowid').all() as {
      id: string;
      balance: number;
    }[];
  }

  async function enrol(till: Till): Promise<void> {
    const m = await till.t.enrol(till.manager);
    members.push(m.id);
    trace.push(`T${till.index} enrol ${m.id.slice(-6)}`);
  }

  async function earn(till: Till): Promise<void> {
    const known = localMembers(till);
    if (known.length === 0) return enrol(till);
    const m = pick(known);
    const amount = 100 + int(30_000);
    const saleId = uuidv7(clock.now());
    await attempt(`T${till.index} sale ${amount} for ${m.id.slice(-6)}`, () =>
      till.t.call(
        'sale.commit',
        { saleId, memberId: m.id, lines: [{ category: 'bakery', amountMinor: amount }], redemption: null },
        till.cashier,
      ),
    );
    till.sales.push({ saleId, memberId: m.id, online: false });
  }

  /** A redemption: online with a hold first (half the time), else under the offline caps. */
  async function redeem(till: Till): Promise<void> {
    const rich = localMembers(till).filter((m) => m.balance >= 500);
    if (rich.length === 0) return earn(till);
    const m = pick(rich);
    // Sometimes more than the terminal believes there is: the terminal refuses.
    const points = Math.max(500, Math.floor((m.balance * (0.3 + rnd() * 0.9)) / 100) * 100);
    let holdId: string | null = null;
    if (rnd() < 0.5) {
      holdId = uuidv7(clock.now());
      const since = till.proxy.handled.length;
      const hold = await attempt(`T${till.index} hold ${points} on ${m.id.slice(-6)}`, () =>
        till.t.call('redemption.hold', { holdId: holdId!, memberId: m.id, points }, till.cashier),
      );
      const fault = till.lastFault;
      if (hold === null) return;
      if (hold.mode === 'offline') {
        // The client gives back a hold the server may have placed: wait for that request, it is part of this step.
        if (CUT.includes(fault)) await till.proxy.waitFor((p) => p.endsWith('/release'), since);
        holdId = null;
        if (!hold.allowed) return;
      } else if (rnd() < 0.15) {
        await attempt(`T${till.index} abandon hold`, () => till.t.call('redemption.release', { holdId: holdId! }, till.cashier));
        return;
      }
    }
    const saleId = uuidv7(clock.now());
    const done = await attempt(
      `T${till.index} sale redeeming ${points} of ${m.balance} (${holdId === null ? 'offline' : 'hold'}) for ${m.id.slice(-6)}`,
      () =>
        till.t.call(
          'sale.commit',
          {
            saleId,
            memberId: m.id,
            lines: [{ category: 'bakery', amountMinor: points * 2 + int(5_000) }],
            redemption: { kind: 'points', points },
            holdId,
          },
          till.cashier,
        ),
    );
    if (done !== null) till.sales.push({ saleId, memberId: m.id, online: holdId !== null });
  }

  /** Two terminals spend the same member's points without seeing each other's redemption. */
  async function conflict(): Promise<void> {
    if (tills.length < 2) return;
    const a = pick(tills);
    const b = pick(tills.filter((t) => t !== a));
    const onB = new Map(localMembers(b).map((m) => [m.id, m.balance]));
    const shared = localMembers(a).filter((m) => m.balance >= 500 && (onB.get(m.id) ?? 0) >= 500);
    if (shared.length === 0) return;
    const m = pick(shared);
    const points = Math.floor(Math.min(m.balance, onB.get(m.id)!) / 100) * 100;
    trace.push(`conflict: T${a.index} and T${b.index} both redeem ${points} of ${m.id.slice(-6)}`);
    for (const t of [a, b]) {
      const saleId = uuidv7(clock.now());
      const done = await attempt(`T${t.index} conflicting redemption`, () =>
        t.t.call(
          'sale.commit',
          { saleId, memberId: m.id, lines: [{ category: 'bakery', amountMinor: points * 2 }], redemption: { kind: 'points', points } },
          t.cashier,
        ),
      );
      if (done !== null) t.sales.push({ saleId, memberId: m.id, online: false });
    }
  }

  async function voidOrRefund(till: Till): Promise<void> {
    if (till.sales.length === 0) return earn(till);
    const sale = pick(till.sales);
    if (rnd() < 0.5) {
      const since = till.proxy.handled.length;
      const done = await attempt(`T${till.index} void ${sale.saleId.slice(-6)}`, () =>
        till.t.call('sale.void', { saleId: sale.saleId }, till.manager),
      );
      // A voided sale's online hold is given back in the background: part of this step.
      if (done !== null && sale.online) await till.proxy.waitFor((p) => p.endsWith('/release'), since);
    } else {
      await attempt(`T${till.index} refund ${sale.saleId.slice(-6)}`, () =>
        till.t.call(
          'sale.refund',
          { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
          till.manager,
        ),
      );
    }
  }

  async function syncRound(till: Till): Promise<void> {
    const status = await till.t.backend.sync.syncNow();
    trace.push(`T${till.index} sync → ${status.state}${status.reason ? ` (${status.reason})` : ''}, queue ${status.queueLength}`);
    if (till.fired) await reopen(till);
  }

  /** A power cut now, or armed for the next push answer or pull page (mid-round). */
  async function crash(till: Till): Promise<void> {
    const when = pick(['now', 'push', 'pull'] as const);
    if (when !== 'now') {
      till.arm = when;
      trace.push(`T${till.index} will crash after the next ${when} answer`);
      return syncRound(till);
    }
    till.fired = true;
    await reopen(till);
  }

  async function reopen(till: Till): Promise<void> {
    const queued = till.t.backend.sync.status().queueLength;
    await till.t.crashHard();
    till.t = openTerminal(till, till.t.dir);
    till.fired = false;
    till.arm = null;
    await login(till);
    const after = till.t.backend.sync.status().queueLength;
    trace.push(`T${till.index} crashed and restarted (queue ${queued} → ${after})`);
    if (after !== queued) throw new Error(`T${till.index}: the outbox had ${queued} unsent events before the crash and ${after} after`);
  }
}
