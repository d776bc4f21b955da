import { createBackend } from '../../main/backend/backend.ts';
import { createSyncDispatcher } from '../../main/backend/dispatch.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { memberByCard, membersByPhonePrefix } from '../../main/backend/store/members.ts';
import { STAFF } from '../helpers/terminal.ts';
import { BENCH_MEMBERS, BENCH_NOW, benchDatabase, cardNumber, ENTRIES_PER_MEMBER, memberId, phoneOf } from './core-data.ts';
import { prng } from '../../shared/prng.ts';
import { size } from './scale.ts';
import { round, rssMb, summarize, time, type Timing } from './stats.ts';

const LOOKUPS = size('BENCH_CORE_LOOKUPS', 20_000, 500);
const COMMANDS = size('BENCH_CORE_COMMANDS', 5_000, 200);
const COMMITS = size('BENCH_CORE_COMMITS', 2_000, 200);
/** Every REDEEM_EVERY-th member sale also redeems REDEEM_POINTS (the programme's minimum). */
const REDEEM_EVERY = 4;
const REDEEM_POINTS = 500;

/**
 * Core figures on a chain-sized terminal database: card lookup and phone search
 * against a bare primary-key SELECT, and a durable member sale commit (one in
 * REDEEM_EVERY also redeeming points) against a bare single-row insert + commit,
 * on the same file in the same run.
 */
export function benchCore(log: (line: string) => void): Record<string, number> {
  const path = benchDatabase(log);

  const clock = new ManualClock(BENCH_NOW + 3_600_000);
  // The integrity check of a 2 GB file is start-up work, not part of these figures.
  const backend = createBackend({ dbPath: path, storeId: 'store-1', clock, open: { integrityCheck: 'off' } });
  const db = backend.store.db;
  // Earlier runs' sales are in the cached file: as a till that has synced since, start with an empty
  // queue, so every run measures the same state (a queue that grew run after run slowed the status
  // counts after each sale).
  db.prepare('UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL').run(clock.now());
  const dispatch = createSyncDispatcher(backend);
  const random = prng(7);
  const pick = (n: number) => Array.from({ length: n }, () => Math.floor(random() * BENCH_MEMBERS));

  // Lookups: the bare baseline is one prepared SELECT by primary key on the same file.
  const bare = db.prepare('SELECT * FROM members WHERE id = ?');
  const lookups = pick(LOOKUPS);
  // A full untimed pass first for each: both measure with the same warm caches.
  const bareLookup = time(lookups, (i) => bare.get(memberId(i)), lookups.length);
  const cardLookup = time(lookups, (i) => memberByCard(db, cardNumber(i)), lookups.length);
  const login = dispatch({ id: 0, method: 'staff.login', input: { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin } });
  if (!login.ok) throw new Error(`bench login failed: ${login.error.message}`);
  const token = (login.result as { token: string }).token;
  let requestId = 1;
  const cardCommand = time(pick(COMMANDS), (i) => {
    const response = dispatch({ id: requestId++, method: 'member.byCard', input: { card: cardNumber(i) }, token });
    if (!response.ok) throw new Error(response.error.message);
  });

  // Phone search: the first 7 digits of a real member's number, 20 results.
  const phoneSearch = time(pick(COMMANDS), (i) => membersByPhonePrefix(db, phoneOf(i).slice(0, 7), 20));

  // Durable commits. Baseline: a bare single-row insert + commit on the same file, also synchronous=FULL.
  db.exec('CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, payload TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO bench_baseline (payload) VALUES (?)');
  const bareCommit = time(
    Array.from({ length: COMMITS }, (_, i) => i),
    (i) => insert.run(`row ${i}`),
    50,
  );
  // Each sale a different member; a redeeming one has the points for it (read before, untimed).
  const balance = db.prepare('SELECT balance FROM members WHERE id = ?').pluck();
  const sales: { member: number; redeem: boolean }[] = [];
  const used = new Set<number>();
  while (sales.length < COMMITS + 50) {
    const member = Math.floor(random() * BENCH_MEMBERS);
    if (used.has(member)) continue;
    const redeem = sales.length % REDEEM_EVERY === REDEEM_EVERY - 1;
    if (redeem && (balance.get(memberId(member)) as number) < REDEEM_POINTS) continue;
    used.add(member);
    sales.push({ member, redeem });
  }
  const redeemMs: number[] = [];
  const commit = ({ member, redeem }: (typeof sales)[number]) => {
    clock.advance(1_000);
    const started = performance.now();
    const response = dispatch({
      id: requestId++,
      method: 'sale.commit',
      input: {
        saleId: uuidv7(clock.now()),
        memberId: memberId(member),
        lines: [
          { sku: 'COFFEE-1KG', quantity: 1 },
          { sku: 'BREAD', quantity: 2 },
          { category: 'organic', amountMinor: 1234 },
        ],
        redemption: redeem ? { kind: 'points', points: REDEEM_POINTS } : null,
      },
      token,
    });
    if (!response.ok) throw new Error(response.error.message);
    if (redeem && (response.result as { redemption: { points: number } | null }).redemption?.points !== REDEEM_POINTS)
      throw new Error('bench: a redeeming sale did not redeem');
    return performance.now() - started;
  };
  // Warm-up on sales of their own (time()'s would sell to the same members again).
  for (const sale of sales.splice(0, 50)) commit(sale);
  const saleCommit = time(
    sales,
    (sale) => {
      const ms = commit(sale);
      if (sale.redeem) redeemMs.push(ms);
    },
    0,
  );
  const redeemP99 = summarize(redeemMs).p99;
  db.exec('DROP TABLE bench_baseline');
  // The WAL checkpoint the commits left for the idle moment between sales.
  const checkpointStart = performance.now();
  backend.store.checkpointer?.run();
  const checkpointMs = performance.now() - checkpointStart;
  backend.store.db.close();

  const rows: [string, Timing][] = [
    ['bare SELECT by primary key', bareLookup],
    ['member lookup by card (store)', cardLookup],
    ['member.byCard command (dispatcher)', cardCommand],
    ['member search by phone prefix', phoneSearch],
    ['bare insert + commit (FULL)', bareCommit],
    [`sale.commit, member, 1 in ${REDEEM_EVERY} redeeming (FULL)`, saleCommit],
  ];
  log(`\ncore: ${BENCH_MEMBERS.toLocaleString('en')} members, ${(BENCH_MEMBERS * ENTRIES_PER_MEMBER).toLocaleString('en')} ledger entries`);
  const cols = ['p50', 'p95', 'p99', 'max'] as const;
  log(`${'measure'.padEnd(44)} ${'n'.padStart(6)} ${cols.map((c) => `${c} ms`.padStart(9)).join(' ')}`);
  for (const [name, t] of rows)
    log(`${name.padEnd(44)} ${String(t.n).padStart(6)} ${cols.map((c) => t[c].toFixed(4).padStart(9)).join(' ')}`);
  log(
    `${'  of which redeeming'.padEnd(44)} ${String(redeemMs.length).padStart(6)} ${' '.repeat(29)} ${redeemP99.toFixed(4).padStart(9)} (p99)`,
  );
  log(`${'WAL checkpoint left for idle time'.padEnd(44)} ${'1'.padStart(6)} ${checkpointMs.toFixed(1).padStart(9)}`);

  return {
    members: BENCH_MEMBERS,
    ledger_entries: BENCH_MEMBERS * ENTRIES_PER_MEMBER,
    bare_select_p99_ms: round(bareLookup.p99),
    lookup_card_p50_ms: round(cardLookup.p50),
    lookup_card_p99_ms: round(cardLookup.p99),
    lookup_card_ratio: round(cardLookup.p99 / bareLookup.p99, 2),
    lookup_card_command_p99_ms: round(cardCommand.p99),
    search_phone_p50_ms: round(phoneSearch.p50),
    search_phone_p99_ms: round(phoneSearch.p99),
    bare_commit_p99_ms: round(bareCommit.p99),
    commit_p50_ms: round(saleCommit.p50),
    commit_p99_ms: round(saleCommit.p99),
    commit_ratio: round(saleCommit.p99 / bareCommit.p99, 2),
    commit_p50_ratio: round(saleCommit.p50 / bareCommit.p50, 2),
    commit_redeeming_sales: redeemMs.length,
    commit_redeem_p99_ms: round(redeemP99),
    idle_checkpoint_ms: round(checkpointMs, 1),
    rss_mb: rssMb(),
  };
}
