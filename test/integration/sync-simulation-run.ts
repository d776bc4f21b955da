/**
 * Deterministic simulation (the TigerBeetle habit), shared by the simulation
 * test files (sync-simulation.test.ts on a real PostgreSQL server,
 * sync-simulation-pglite.test.ts on the embedded PGlite): for each seed, 2–4
 * terminals on their own SQLite files, the real server (in-process, shared by
 * the seeds: each seed has its own terminals and members), and a
 * fault-injecting proxy per terminal. Every choice — which terminal does what,
 * which request is dropped before or after the server commits, answered 500,
 * cut short, delivered twice, held back and delivered late, which older batch
 * is replayed, when a terminal goes offline, when it crashes (its files taken
 * as they are, mid-round), how far the clock jumps (minutes to months, so
 * points expire, tier windows roll over and birthdays come round), when the
 * server's expiry job runs (also while a terminal is offline with spending
 * queued) — comes from the seed's PRNG, one operation at a time, each awaited;
 * time is a manual clock. Then the network heals, every terminal pushes, the
 * expiry job runs, every terminal pulls, and the invariants must hold:
 *
 * - every event in a terminal's outbox was applied exactly once on the server
 *   (applied_events and the server's ledger rows per event), none is unsent;
 * - per member: server balance = sum of its ledger = what an independent model
 *   (sync-simulation-model.ts: the rules applied to each batch the server
 *   applied, in the server's own commit order read from its ledger ids, and to
 *   the expiry job's runs) predicts, and so do the points expired, the expiry
 *   undone by late spending, and the live lots;
 * - overdraft flags exactly for the debits that drove a balance below zero;
 * - refunds and voids took back no expired earned points;
 * - each terminal shows the server's balance with nothing pending, and its own
 *   ledger invariants hold (test/helpers/ledger-invariants.ts).
 *
 * Each seed's counts (what it exercised) are printed; the last test of a file
 * requires the seeds together to have exercised at least a minimum of each
 * kind (`MINIMUM_PER_100_SEEDS`), so a run that exercised nothing fails.
 *
 * A failing seed prints `SEED=<n>`; replay it alone with
 *   SIM_SEED=<n> npx vitest run test/integration/sync-simulation.test.ts
 * and run more with SIM_SEEDS=<count> (SIM_FIRST_SEED=<n> to start elsewhere).
 * Event and member ids are random UUIDs, but nothing the run decides depends on
 * them, so a seed replays the same operations, faults and outcomes, alone or
 * among others: the runner's decisions come from the seed's stream, and each
 * till's proxy decides each kind of request (push, pull page, hold, hold
 * release, sale fetch…) from a stream of its own, so a request made in the
 * background (a hold given back after a cut or a void, a sale fetched for a
 * refund) shifts no other draw however late it comes; lots left by earlier
 * seeds on the shared server are expired before a seed starts, so its pulls
 * take the same pages. What is left to timing: a till's two pipelined pushes
 * reach the proxy in the order the loopback delivers them (the order they were
 * sent, in every replay seen so far).
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
import { demoProgram } from '../fixtures/program.ts';
import { programConfigSchema } from '../../shared/program.ts';
import type { LedgerEntry } from '../../shared/sync-protocol.ts';
import {
  checkAppliedOnce,
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
import type { Driver } from '../server/harness.ts';
import { emptyModelCounts, ServerModel, type ModelCounts } from './sync-simulation-model.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
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
const TIERS = demoProgram.tiers.levels.map((l) => l.id);
/** Past every lot a seed can make (a seed covers at most a few years from SATURDAY): leftovers are expired at this time. */
const LEFTOVERS_SWEPT_AT = SATURDAY + 60 * 365 * DAY;

/**
 * The seed of one proxy decision stream: a till's requests of one kind (path with ids left out).
 * Requests of different kinds (a background hold release, a sale fetch, a pull page) then never
 * shift each other's draws, nor the runner's.
 */
function streamSeed(seed: number, till: number, kind: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (const c of `${seed} ${till} ${kind}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
/** A path's kind: its ids (UUIDs) replaced, so every hold release is one kind. */
const requestKind = (path: string) => path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');

/** What one seed exercised. */
export interface SeedCounts extends ModelCounts {
  crashes: number;
  /** Crashes armed for a push answer or a pull page that went off mid-round. */
  crashesMidRound: number;
  offlinePeriods: number;
  jobRuns: number;
  /** Expiry job runs while a terminal was offline with events queued. */
  jobRunsWhileQueued: number;
  clockJumps: { minutes: number; hours: number; days: number; weeks: number; months: number };
  /** Simulated time the seed covered, in days. */
  daysCovered: number;
  birthdayBonuses: number;
  tierUpgrades: number;
  tierDowngrades: number;
  /** Faults the proxies injected, by kind (see FaultProxy.faults); pushes and other requests separately. */
  pushFaults: Record<string, number>;
  otherFaults: Record<string, number>;
  /** Business refusals the terminals answered, by operation and code. */
  refusals: Record<string, number>;
}

function emptySeedCounts(): SeedCounts {
  return {
    ...emptyModelCounts(),
    crashes: 0,
    crashesMidRound: 0,
    offlinePeriods: 0,
    jobRuns: 0,
    jobRunsWhileQueued: 0,
    clockJumps: { minutes: 0, hours: 0, days: 0, weeks: 0, months: 0 },
    daysCovered: 0,
    birthdayBonuses: 0,
    tierUpgrades: 0,
    tierDowngrades: 0,
    pushFaults: {},
    otherFaults: {},
    refusals: {},
  };
}

/**
 * At least this many of each, per 100 seeds together (a run of fewer seeds needs proportionally
 * fewer, rounded down): about 40% of what 40-seed runs exercised (per 100 seeds: 1,745 sales, 250
 * offline and 57 held redemptions, 25 overdrafts, 985 lots expired, 102 late spends undoing expiry,
 * 117 refunds, 185 crashes, 7 replayed old batches…), so chance does not trip it, while a bug that
 * stops a kind of operation (every redemption refused, no point ever expiring, a fault never
 * injected) fails the run.
 */
export const MINIMUM_PER_100_SEEDS: Record<string, number> = {
  sales: 700,
  offlineRedemptions: 100,
  heldRedemptions: 20,
  overdrafts: 8,
  lotsExpired: 400,
  jobExpiries: 250,
  lateSpends: 40,
  refunds: 45,
  voids: 25,
  refundsKeepingExpired: 20,
  adjustments: 45,
  crashes: 75,
  crashesMidRound: 40,
  jobRunsWhileQueued: 55,
  birthdayBonuses: 60,
  tierUpgrades: 120,
  tierDowngrades: 20,
  'months jumped': 35,
  'push error500': 6,
  'push drop-before': 45,
  'push drop-after': 15,
  'push truncate': 15,
  'push delay': 12,
  'push duplicate': 8,
  'push replay-old': 2,
  'push hold-back': 12,
  'push held-back-delivered': 12,
  'other error500': 18,
  'other drop-before': 35,
  'other drop-after': 18,
  'other truncate': 28,
  'other delay': 10,
};

/** Flattens a seed's counts into the names MINIMUM_PER_100_SEEDS uses. */
function flatten(c: SeedCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'number') out[k] = v;
  out['months jumped'] = c.clockJumps.months;
  for (const [k, v] of Object.entries(c.pushFaults)) out[`push ${k}`] = v;
  for (const [k, v] of Object.entries(c.otherFaults)) out[`other ${k}`] = v;
  for (const [k, v] of Object.entries(c.refusals)) out[`refused ${k}`] = v;
  return out;
}

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
  /** The fault decided for the till's last hold request. */
  holdFault: ProxyMode;
  sales: Sale[];
}

/**
 * Registers the simulation's tests in the calling file: one per seed, on a server with `driver`,
 * then one that checks the seeds together exercised the minimum counts.
 */
export function defineSimulation(options: { driver: Driver; seeds: number; firstSeed: number; file: string }): void {
  const FIRST = Number(process.env.SIM_FIRST_SEED ?? options.firstSeed);
  const SEEDS =
    process.env.SIM_SEED !== undefined
      ? [Number(process.env.SIM_SEED)]
      : Array.from({ length: Number(process.env.SIM_SEEDS ?? options.seeds) }, (_, i) => FIRST + i);
  const clock = new ManualClock(SATURDAY);
  let server: SyncServer;
  let template: string;
  const totals = new Map<string, number>();
  let seedsCounted = 0;

  beforeAll(async () => {
    // Tills here stay offline for months across a shared server's reset clock: the event-age bound (held-events.test.ts) is lifted.
    const program = programConfigSchema.parse({ ...demoProgram, bounds: { maxEventAgeDays: 3650 } });
    server = await startSyncServer(clock, options.driver === 'postgres' ? { driver: 'postgres', program } : { scratch: SCRATCH, program });
    template = terminalTemplate(clock);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  describe(`deterministic simulation on ${options.driver}`, () => {
    test.for(SEEDS)('SEED=%i', { timeout: 60_000 }, async (seed) => {
      const trace: string[] = [];
      const counts = emptySeedCounts();
      try {
        await runSeed(seed, trace, counts);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(
          `SEED=${seed} (${options.driver}) failed: ${message}\nlast operations:\n  ${trace.slice(-30).join('\n  ')}\nreplay: SIM_SEED=${seed} npx vitest run ${options.file}`,
        );
        throw new Error(`SEED=${seed}: ${message}`, { cause: error });
      } finally {
        if (TRACE) console.log(`SEED=${seed} (${options.driver}) trace:\n  ${trace.join('\n  ')}`);
      }
      seedsCounted++;
      for (const [k, v] of Object.entries(flatten(counts))) totals.set(k, (totals.get(k) ?? 0) + v);
    });

    test(`the ${SEEDS.length} seeds together exercised at least the minimum count of each operation, expiry and fault (runs of 20 seeds or more)`, () => {
      const got = Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)));
      console.log(`simulation on ${options.driver}, ${seedsCounted} seeds: ${JSON.stringify(got)}`);
      expect(seedsCounted, 'every seed ran to the end').toBe(SEEDS.length);
      const short: string[] = [];
      for (const [kind, per100] of Object.entries(MINIMUM_PER_100_SEEDS)) {
        // A replay of a few seeds (SIM_SEED) is not held to the minimums: too few seeds to expect each kind.
        const need = SEEDS.length < 20 ? 0 : Math.floor((per100 * SEEDS.length) / 100);
        const have = totals.get(kind) ?? 0;
        if (have < need) short.push(`${kind}: ${have} (at least ${need} for ${SEEDS.length} seeds)`);
      }
      expect(short, 'the seeds exercised too little of').toEqual([]);
    });
  });

  /** SIM_TRACE=1: print each seed's whole trace, with every fault the proxies decided (to compare two runs of a seed). */
  const TRACE = process.env.SIM_TRACE !== undefined;

  async function runSeed(seed: number, trace: string[], counts: SeedCounts): Promise<void> {
    // The runner's own decisions; the proxies draw from streams of their own (openTill).
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    // Earlier seeds' members (the server is shared) must not reach this seed's pulls, or how many
    // pages a pull takes would depend on what ran before: expire every lot they left, far in the
    // future, before this seed's pull cursor is taken; this seed's jobs then have nothing of theirs to expire.
    clock.set(LEFTOVERS_SWEPT_AT);
    await server.server.maintain();
    // Each seed starts at its own time (Saturday's double points, a day boundary for the caps) whatever ran before.
    const start = SATURDAY + (seed % 7) * 5 * HOUR;
    clock.set(start);
    const cursor = await serverCursor(server);
    const model = new ServerModel(
      () => clock.now(),
      async (eventIds) => {
        const rows = await server.db.query<{ event_id: string; first: number }>(
          'SELECT event_id, min(id)::bigint AS first FROM ledger WHERE event_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)) GROUP BY event_id',
          [JSON.stringify(eventIds)],
        );
        return new Map(rows.map((r) => [r.event_id, Number(r.first)]));
      },
      async (eventIds) => {
        const rows = await server.db.query<{ id: string; status: string; ledger: LedgerEntry[] }>(
          `SELECT id, status, payload->'ledger' AS ledger FROM applied_events WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))
           AND (status IN ('held', 'refused') OR reasons ?| array['points_repriced', 'keyed_earn_capped', 'unverified'])`,
          [JSON.stringify(eventIds)],
        );
        return new Map(rows.map((r) => [r.id, r.status === 'held' || r.status === 'refused' ? [] : r.ledger]));
      },
    );
    const tills: Till[] = [];
    const members: string[] = [];
    const mine = new Set<string>();
    const tiers = new Map<string, number>();

    try {
      const count = 2 + int(3);
      for (let i = 0; i < count; i++) tills.push(await openTill(i));

      const steps = 35 + int(25);
      for (let step = 0; step < steps; step++) {
        const till = pick(tills);
        const roll = rnd();
        if (roll < 0.08) await enrol(till);
        else if (roll < 0.32) await earn(till);
        else if (roll < 0.46) await redeem(till);
        else if (roll < 0.52) await conflict();
        else if (roll < 0.57) await voidOrRefund(till);
        else if (roll < 0.6) await adjust(till);
        else if (roll < 0.72) await syncRound(till);
        else if (roll < 0.76) {
          till.offlineSteps = 1 + int(8);
          counts.offlinePeriods++;
          trace.push(`T${till.index} offline for ${till.offlineSteps} steps`);
        } else if (roll < 0.805) await crash(till);
        else if (roll < 0.83) {
          trace.push(`T${till.index} held-back requests delivered (${till.proxy.held})`);
          await till.proxy.deliverHeld();
        } else if (roll < 0.86) await expiryJob();
        else if (roll < 0.9) await lateSpend(till);
        else clockStep();
        for (const t of tills) {
          await t.proxy.idle();
          if (t.offlineSteps > 0) t.offlineSteps--;
        }
        await watchTiers();
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
      // Expire what is due now on the server, and every terminal pulls the result.
      await expiryJob();
      for (const t of tills) await t.t.backend.sync.syncNow();
      for (const t of tills) await t.proxy.idle();
      await watchTiers();
      counts.daysCovered = Math.round((clock.now() - start) / DAY);
      counts.birthdayBonuses = tills.reduce(
        (n, t) =>
          n +
          (t.t.backend.store.db.prepare("SELECT count(*) FROM ledger WHERE kind = 'bonus' AND ref = 'birthday'").pluck().get() as number),
        0,
      );
      // Every batch observed, in the server's order (the last pulls pushed nothing new, but settle anyway).
      await model.settle();
      Object.assign(counts, model.counts);
      for (const t of tills) {
        for (const [key, n] of Object.entries(t.proxy.faultsByPath)) {
          const [path, kind] = key.split(' ') as [string, string];
          const into = path === '/v1/events' ? counts.pushFaults : counts.otherFaults;
          into[kind] = (into[kind] ?? 0) + n;
        }
      }
      console.log(`SEED=${seed} (${options.driver}) counts: ${JSON.stringify(flatten(counts))}`);
      await checkSimulation(server, tills, members, model);
    } finally {
      for (const t of tills) {
        await t.t.close().catch(() => undefined);
        await t.proxy.close();
        rmSync(t.t.dir, { recursive: true, force: true });
      }
    }

    async function openTill(index: number): Promise<Till> {
      const till = { index, offlineSteps: 0, arm: null, fired: false, holdFault: 'pass', sales: [] } as unknown as Till;
      till.proxy = await startFaultProxy(server.url);
      till.t = openTerminal(till, undefined);
      const paired = await pairVia(till.t, server, till.proxy.url);
      till.terminalId = paired.terminalId;
      startPullAt(till.t, cursor);
      till.proxy.resign = signerFor(till.t, clock);
      till.proxy.observe = (x) => model.observe(x);
      // Each kind of request draws from its own stream: when a background request (a hold given
      // back, a sale fetched) reaches the proxy does not change what any other request or the runner draws.
      const streams = new Map<string, () => number>();
      till.proxy.decide = ({ path }) => {
        const kind = requestKind(path);
        let draw = streams.get(kind);
        if (draw === undefined) streams.set(kind, (draw = prng(streamSeed(seed, index, kind))));
        const faults = path === '/v1/events' ? PUSH_FAULTS : OTHER_FAULTS;
        const mode = till.offlineSteps > 0 ? 'drop-before' : draw() < 0.3 ? faults[Math.floor(draw() * faults.length)]! : 'pass';
        if (kind === '/v1/holds') till.holdFault = mode;
        if (TRACE && mode !== 'pass') trace.push(`  T${index} ${kind} → ${mode}`);
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
        counts.crashesMidRound++;
        throw new Error(`simulated crash after a ${at} answer`);
      }
      // Sessions never time out here: the clock jumps months between a sign-in and the next sale.
      const backend = { sync: SETTINGS, syncTest: { hooks }, idleMs: 100 * 365 * DAY };
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
    async function attempt<T>(kind: string, what: string, fn: () => Promise<T>): Promise<T | null> {
      try {
        const result = await fn();
        trace.push(what);
        return result;
      } catch (error) {
        if (error instanceof AppError && EXPECTED_REFUSALS.has(error.code)) {
          trace.push(`${what} → ${error.code}`);
          const key = `${kind} ${error.code}`;
          counts.refusals[key] = (counts.refusals[key] ?? 0) + 1;
          return null;
        }
        throw error;
      }
    }

    /**
     * This seed's members the terminal holds (a pull also brings earlier seeds' members whose points
     * expired since: they are not this run's business), with the points it would let a cashier spend now (due lots left out). */
    function localMembers(till: Till): { id: string; balance: number }[] {
      return till.t.backend.store.db
        .prepare(
          `SELECT m.id, m.balance - coalesce((SELECT sum(remaining) FROM point_lots p WHERE p.member_id = m.id AND p.remaining > 0 AND p.expires_at <= ?), 0) AS balance
           FROM members m ORDER BY m.enrolled_at, m.rowid`,
        )
        .all(clock.now())
        .filter((m) => mine.has((m as { id: string }).id)) as { id: string; balance: number }[];
    }

    function clockStep(): void {
      const kind = rnd();
      let ms: number;
      let what: keyof SeedCounts['clockJumps'];
      if (kind < 0.35) [ms, what] = [1_000 + int(20 * MINUTE), 'minutes'];
      else if (kind < 0.55) [ms, what] = [HOUR + int(11 * HOUR), 'hours'];
      else if (kind < 0.75) [ms, what] = [DAY + int(5 * DAY), 'days'];
      else if (kind < 0.85) [ms, what] = [(1 + int(4)) * 7 * DAY + int(DAY), 'weeks'];
      else [ms, what] = [(1 + int(8)) * 30 * DAY + int(DAY), 'months'];
      counts.clockJumps[what]++;
      clock.advance(ms);
      trace.push(`clock +${(ms / DAY).toFixed(2)} days → ${new Date(clock.now()).toISOString()}`);
    }

    /**
     * The server's expiry job now. Nothing is in flight between steps (checked): the job never runs
     * beside a push, so the model places it where the runner ran it (sync-simulation-model.ts).
     */
    async function expiryJob(): Promise<void> {
      const busy = tills.filter((t) => t.proxy.inFlight > 0);
      if (busy.length > 0) throw new Error(`expiry job while requests are in flight at ${busy.map((t) => `T${t.index}`).join(', ')}`);
      await server.server.maintain();
      const lots = await model.runJob(clock.now());
      counts.jobRuns++;
      const queued = tills.filter((t) => t.offlineSteps > 0 && t.t.backend.sync.status().queueLength > 0);
      if (queued.length > 0) counts.jobRunsWhileQueued++;
      trace.push(`expiry job: ${lots} lots (model); offline with events queued: ${queued.map((t) => `T${t.index}`).join(', ') || 'none'}`);
    }

    /**
     * The issue's case: a terminal goes offline, the clock moves to just before a member's
     * earliest lot expires, the terminal redeems offline, the clock moves past the expiry and the
     * server's job runs while the redemption is still queued; the terminal comes back later.
     */
    async function lateSpend(till: Till): Promise<void> {
      const lot = till.t.backend.store.db
        .prepare(
          // In the members' enrolment order (as localMembers): their ids are random, an order by id would not replay.
          `SELECT p.member_id AS memberId, min(p.expires_at) AS expiresAt FROM point_lots p JOIN members m ON m.id = p.member_id
           WHERE p.remaining > 0 AND p.expires_at > ? GROUP BY p.member_id ORDER BY min(m.enrolled_at), min(m.rowid)`,
        )
        .all(clock.now())
        .filter((l) => mine.has((l as { memberId: string }).memberId)) as { memberId: string; expiresAt: number }[];
      if (lot.length === 0) return earn(till);
      const target = pick(lot);
      till.offlineSteps = 3 + int(6);
      counts.offlinePeriods++;
      clock.set(Math.max(clock.now(), target.expiresAt - (HOUR + int(3 * DAY))));
      trace.push(
        `T${till.index} offline for ${till.offlineSteps} steps; clock → ${new Date(clock.now()).toISOString()}, 1 h–3 days before a lot of ${target.memberId.slice(-6)} expires`,
      );
      const m = localMembers(till).find((x) => x.id === target.memberId);
      if (m !== undefined && m.balance >= 500) {
        const points = Math.min(3_000, Math.max(500, Math.floor((m.balance * (0.5 + rnd() * 0.6)) / 100) * 100));
        const saleId = uuidv7(clock.now());
        const done = await attempt(
          'late-spend redemption',
          `T${till.index} offline sale redeeming ${points} of ${m.balance} for ${m.id.slice(-6)}`,
          () =>
            till.t.call(
              'sale.commit',
              {
                saleId,
                memberId: m.id,
                lines: [{ category: 'bakery', amountMinor: points * 2 + int(5_000) }],
                redemption: { kind: 'points', points },
              },
              till.cashier,
            ),
        );
        if (done !== null) till.sales.push({ saleId, memberId: m.id, online: false });
      }
      clock.set(target.expiresAt + HOUR + int(14 * DAY));
      trace.push(`clock → ${new Date(clock.now()).toISOString()}, past the expiry`);
      await expiryJob();
    }

    async function watchTiers(): Promise<void> {
      if (members.length === 0) return;
      const rows = await server.db.query<{ id: string; tier: string }>(
        'SELECT id, tier FROM members WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))',
        [JSON.stringify(members)],
      );
      for (const r of rows) {
        const now = TIERS.indexOf(r.tier);
        const before = tiers.get(r.id);
        if (before !== undefined && now > before) counts.tierUpgrades++;
        if (before !== undefined && now < before) counts.tierDowngrades++;
        tiers.set(r.id, now);
      }
    }

    async function enrol(till: Till): Promise<void> {
      // Most members give a birthday within the next few months: as months pass, birthdays come round.
      const month = (new Date(clock.now()).getUTCMonth() + int(5)) % 12;
      const birthDate =
        rnd() < 0.7 ? `${1960 + int(45)}-${String(month + 1).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}` : null;
      const m = await till.t.enrol(till.manager, { birthDate });
      members.push(m.id);
      mine.add(m.id);
      tiers.set(m.id, 0);
      trace.push(`T${till.index} enrol ${m.id.slice(-6)}${birthDate === null ? '' : ` born ${birthDate}`}`);
    }

    async function earn(till: Till): Promise<void> {
      const known = localMembers(till);
      if (known.length === 0) return enrol(till);
      const m = pick(known);
      const amount = 100 + int(60_000);
      const saleId = uuidv7(clock.now());
      await attempt('sale', `T${till.index} sale ${amount} for ${m.id.slice(-6)}`, () =>
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
        // An online till has pushed what it sold: the server holds against the balance it knows.
        await syncRound(till);
        holdId = uuidv7(clock.now());
        const since = till.proxy.handled.length;
        const hold = await attempt('hold', `T${till.index} hold ${points} on ${m.id.slice(-6)}`, () =>
          till.t.call('redemption.hold', { holdId: holdId!, memberId: m.id, points }, till.cashier),
        );
        const fault = till.holdFault;
        if (hold === null) return;
        if (hold.mode === 'offline') {
          // The client gives back a hold the server may have placed: wait for that request, it is part of this step.
          if (CUT.includes(fault)) await till.proxy.waitFor((p) => p.endsWith('/release'), since);
          holdId = null;
          if (!hold.allowed) return;
        } else if (rnd() < 0.15) {
          await attempt('release', `T${till.index} abandon hold`, () =>
            till.t.call('redemption.release', { holdId: holdId! }, till.cashier),
          );
          return;
        }
      }
      const saleId = uuidv7(clock.now());
      const done = await attempt(
        'redemption',
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
        const done = await attempt('conflicting redemption', `T${t.index} conflicting redemption`, () =>
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
        const done = await attempt('void', `T${till.index} void ${sale.saleId.slice(-6)}`, () =>
          till.t.call('sale.void', { saleId: sale.saleId }, till.manager),
        );
        // A voided sale's online hold is given back in the background: part of this step.
        if (done !== null && sale.online) await till.proxy.waitFor((p) => p.endsWith('/release'), since);
      } else {
        await attempt('refund', `T${till.index} refund ${sale.saleId.slice(-6)}`, () =>
          till.t.call(
            'sale.refund',
            { refundId: uuidv7(clock.now()), saleId: sale.saleId, lines: [{ lineNo: 1, quantity: 1 }] },
            till.manager,
          ),
        );
      }
    }

    /** A manager's adjustment, down (a debit like a redemption, maybe into debt) or up. */
    async function adjust(till: Till): Promise<void> {
      const known = localMembers(till);
      if (known.length === 0) return enrol(till);
      const m = pick(known);
      const points = rnd() < 0.6 ? -Math.min(Math.max(100, m.balance), 100 + int(8) * 100) : 100 + int(8) * 100;
      await attempt('adjustment', `T${till.index} adjust ${points} for ${m.id.slice(-6)} (${m.balance})`, () =>
        till.t.call(
          'points.adjust',
          { adjustmentId: uuidv7(clock.now()), memberId: m.id, points, reason: 'simulated correction' },
          till.manager,
        ),
      );
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
      // A push the till had pipelined behind the answer it crashed on is on its way: let it reach the
      // server before the till restarts, or whether the next step sees it applied would be timing.
      await till.proxy.idle();
      counts.crashes++;
      till.t = openTerminal(till, till.t.dir);
      till.fired = false;
      till.arm = null;
      await login(till);
      const after = till.t.backend.sync.status().queueLength;
      trace.push(`T${till.index} crashed and restarted (queue ${queued} → ${after})`);
      if (after !== queued) throw new Error(`T${till.index}: the outbox had ${queued} unsent events before the crash and ${after} after`);
    }
  }
}

interface CheckedTerminal {
  index: number;
  t: SyncTerminal;
  terminalId: string;
  /** A manager's session token. */
  manager: string;
}

/**
 * After healing and a last expiry run (`members`: those the run enrolled): every terminal's events applied exactly once and none
 * unsent; per member, the server's balance, ledger sum, expired and restored points and live lots
 * are the model's; overdraft flags exactly the model's; no refund took back expired points; every
 * terminal shows the server's balance with nothing pending and passes its own ledger invariants.
 */
async function checkSimulation(server: SyncServer, tills: CheckedTerminal[], members: string[], model: ServerModel): Promise<void> {
  expect(model.violations, 'a re-delivery of an answered batch must be answered duplicate').toEqual([]);
  expect(model.refundPolicy, 'refunds and voids take back no expired points').toEqual([]);
  // This run's members: those it enrolled and any the server applied an entry to (the terminals also hold earlier runs' members).
  const ids = [...new Set([...members, ...model.members.keys()])];

  // 1. Every committed event applied exactly once; nothing left unsent.
  await checkAppliedOnce(
    server,
    tills.map((t) => ({ name: `T${t.index}`, t: t.t, terminalId: t.terminalId })),
    model.applied,
  );

  // 2. Server = model, member by member.
  const rows = await server.db.query<{ id: string; balance: number; ledger: number; expired: number; restored: number; lots: number }>(
    `SELECT m.id, m.balance,
       coalesce((SELECT sum(points) FROM ledger l WHERE l.member_id = m.id), 0)::bigint AS ledger,
       coalesce((SELECT -sum(points) FROM ledger l WHERE l.member_id = m.id AND l.kind = 'expire' AND l.points < 0), 0)::bigint AS expired,
       coalesce((SELECT sum(points) FROM ledger l WHERE l.member_id = m.id AND l.kind = 'expire' AND l.points > 0), 0)::bigint AS restored,
       coalesce((SELECT sum(remaining) FROM point_lots p WHERE p.member_id = m.id AND p.remaining > 0), 0)::bigint AS lots
     FROM members m WHERE m.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(ids)],
  );
  expect(rows.length, 'every member on the server').toBe(ids.length);
  const differences: string[] = [];
  const serverBalance = new Map<string, number>();
  for (const r of rows) {
    const got = {
      balance: Number(r.balance),
      ledger: Number(r.ledger),
      expired: Number(r.expired),
      restored: Number(r.restored),
      lots: Number(r.lots),
    };
    serverBalance.set(r.id, got.balance);
    const m = model.member(r.id);
    const want = {
      balance: m.balance,
      ledger: m.balance,
      expired: m.expiredPoints,
      restored: m.restoredPoints,
      lots: m.lots.reduce((s, l) => s + l.remaining, 0),
    };
    // Expired and restored may each differ by the model's tie slack, their difference may not.
    const within =
      got.balance === want.balance &&
      got.ledger === want.ledger &&
      got.lots === want.lots &&
      got.expired - got.restored === want.expired - want.restored &&
      Math.abs(got.expired - want.expired) <= m.tieSlack;
    if (!within)
      differences.push(`member ${r.id}: server ${JSON.stringify(got)}, model ${JSON.stringify({ ...want, tieSlack: m.tieSlack })}`);
  }
  for (const line of differences.slice(0, 3)) {
    // The server's ledger of a member the model disagrees with, to read beside the trace.
    const id = line.split(' ')[1]!.replace(':', '');
    const ledger = await server.db.query<{ kind: string; points: number; created_at: number; applied_at: number; event_id: string | null }>(
      'SELECT kind, points, created_at, applied_at, event_id FROM ledger WHERE member_id = $1 ORDER BY id',
      [id],
    );
    const lots = await server.db.query<{ remaining: number; expired: number; expires_at: number; created_at: number }>(
      'SELECT remaining, expired, expires_at, created_at FROM point_lots WHERE member_id = $1 ORDER BY id',
      [id],
    );
    console.error(
      `server lots of ${id} (remaining expired expires earned):\n  ${lots.map((l) => `${l.remaining} ${l.expired} ${new Date(Number(l.expires_at)).toISOString()} ${new Date(Number(l.created_at)).toISOString()}`).join('\n  ')}`,
    );
    console.error(
      `server ledger of ${id} (kind points at applied event, its place in the model's order):\n  ${ledger.map((l) => `${l.kind} ${l.points} ${new Date(Number(l.created_at)).toISOString()} ${new Date(Number(l.applied_at)).toISOString()} ${l.event_id?.slice(-6) ?? ''} ${l.event_id === null ? '' : `#${model.applied.findIndex((e) => e.id === l.event_id)}`}`).join('\n  ')}`,
    );
  }
  expect(differences, 'server and model per member (balance, sum of the ledger, points expired, expiry undone, live lots)').toEqual([]);

  // 3. Overdrafts flagged exactly where a debit drove a balance below zero.
  const flags = await server.db.query<{ member_id: string; event_id: string }>(
    "SELECT member_id, event_id FROM flags WHERE kind = 'overdraft' AND member_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))",
    [JSON.stringify(ids)],
  );
  expect(flags.map((f) => `${f.member_id} ${f.event_id}`).sort(), 'overdraft flags').toEqual([...model.overdrafts].sort());
  const listed = new Set<string>();
  for (const t of tills) {
    for (const f of (await t.t.call('sync.flags', { limit: 500 }, t.manager)).flags) if (f.reasons.includes('overdraft')) listed.add(f.id);
  }
  expect([...listed].sort(), 'overdrafts the terminals list').toEqual([...new Set(flags.map((f) => f.event_id))].sort());

  // 4. Each terminal shows the server's balance (all due points expired by the last run), nothing pending.
  const now = server.clock.now();
  for (const t of tills) {
    for (const id of ids) {
      const view = await t.t.call('member.get', { memberId: id }, t.manager);
      expect({ balance: view.balance, pending: view.pendingPoints }, `T${t.index} member ${id}`).toEqual({
        balance: model.balanceAsOf(id, now),
        pending: 0,
      });
      expect(model.balanceAsOf(id, now), `member ${id}: nothing left due after the last expiry run`).toBe(serverBalance.get(id));
    }
  }
}
