/**
 * A till's first pull of a chain, shared by `npm run bench -- sync` (1,000,000 members)
 * and `npm run bench -- scale` (10,000,000): the chain is seeded on PostgreSQL with
 * generate_series, a share of it enrolled at the till's store (its personal-data
 * scope, docs/privacy.md) and the rest at another store; an empty terminal pairs and
 * pulls everything in a child process, so its peak RSS is the terminal's alone.
 *
 * The in-scope members are the first in change order, so the database's size when
 * they are in is a clean split: what the rest add, divided by their number, is the
 * bytes an out-of-scope member costs a till.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../../main/backend/backend.ts';
import { systemClock } from '../../main/backend/platform/clock.ts';
import type { TerminalDb } from '../../main/backend/store/connection.ts';
import { closeTerminalDb } from '../../main/backend/store/connection.ts';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import type { Db } from '../../server/store/db.ts';
import { demoProgram } from '../fixtures/program.ts';
import { seed } from '../helpers/terminal.ts';
import { SMOKE } from './scale.ts';
import { rssMb } from './stats.ts';

export const PULL_STORE = 'store-1';
export const OTHER_STORE = 'store-other';

/** The seeded member number `i`'s id (1-based), time-ordered like UUIDv7 as a real chain's. */
export function chainMemberId(i: number): string {
  return `${i.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;
}

/** Member `i`'s card number. */
export function chainCard(i: number): string {
  return String(i).padStart(12, '0');
}

/**
 * `count` members with a card, a phone, an e-mail for a third, a birth date for half, and an
 * opening ledger entry and lot for 49 in 50 (import-members.ts's shapes); members 1..inScope
 * enrolled at PULL_STORE, the rest at OTHER_STORE. The stores must exist.
 */
export async function seedChain(db: Db, count: number, inScope: number): Promise<void> {
  const now = Date.now();
  const expires = lotExpiry(now, demoProgram);
  const id = "(lpad(to_hex(i), 8, '0') || '-0000-7000-8000-000000000000')::uuid";
  // In slices: one statement per table and slice (the trigger stamps each member with the change sequence, in id order).
  const slice = 1_000_000;
  for (let from = 1; from <= count; from += slice) {
    const to = Math.min(count, from + slice - 1);
    const series = `generate_series(${from}, ${to}) AS i`;
    await db.exec(`
      INSERT INTO members (id, status, name, phone, email, birth_date, consent_marketing, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
        SELECT ${id}, 'active', 'Member ' || i, '+336' || lpad(i::text, 8, '0'), CASE WHEN i % 3 = 0 THEN 'm' || i || '@example.com' END,
               CASE WHEN i % 2 = 0 THEN (1950 + i % 50) || '-' || lpad((1 + i % 12)::text, 2, '0') || '-' || lpad((1 + i % 28)::text, 2, '0') END,
               i % 2 = 0, CASE WHEN i <= ${inScope} THEN '${PULL_STORE}' ELSE '${OTHER_STORE}' END, ${now}, 'bronze', (i % 50) * 20, ${now}, ${now}
        FROM ${series} ORDER BY i;
      INSERT INTO member_cards (card, member_id, created_at) SELECT lpad(i::text, 12, '0'), ${id}, ${now} FROM ${series};
      INSERT INTO ledger (member_id, kind, points, created_at, applied_at, reason) SELECT ${id}, 'adjust', (i % 50) * 20, ${now}, ${now}, 'Opening balance (import)' FROM ${series} WHERE i % 50 <> 0;
      INSERT INTO point_lots (member_id, remaining, expires_at, created_at) SELECT ${id}, (i % 50) * 20, ${expires}, ${now} FROM ${series} WHERE i % 50 <> 0;`);
  }
  // A server's tables are at rest long before a terminal's first pull: vacuumed now, not by autovacuum during the
  // pull (the first reader of each fresh row also sets its hint bits). Its own statement: VACUUM runs outside a transaction.
  await db.exec('VACUUM ANALYZE members, member_cards, ledger, point_lots');
}

/** What the pulling child reports. */
export interface FirstPull {
  seconds: number;
  cpuSeconds: number;
  members: number;
  /** Members that arrived with personal data. */
  personal: number;
  state: string;
  reason: string | null;
  /** Members whose cached balance is not their opening plus their ledger entries (must be 0). */
  mismatched: number;
  rss: number;
  /** The terminal's database files (main, WAL) after the pull, checkpointed: MB. */
  dbMb: number;
  /** Database bytes each out-of-scope member added. */
  bytesPerOutOfScope: number;
  /** The child's extra measurements (the scale bench's lookups and commits), when asked for. */
  extra: Record<string, number>;
}

/** Bytes the database's live pages hold (its WAL included: the pragmas read through it). */
function usedBytes(store: TerminalDb): number {
  const db = store.db;
  const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  return pages * (db.pragma('page_size', { simple: true }) as number);
}

/**
 * In the child: pair an empty terminal, pull everything, then run `after` on the pulled terminal.
 * `inScope` members come first; the used bytes when they are in split the database's size.
 */
export async function runFirstPull(
  url: string,
  code: string,
  dir: string,
  inScope: number,
  after?: (store: TerminalDb, backend: ReturnType<typeof createBackend>) => Record<string, number>,
): Promise<void> {
  const dbPath = join(dir, 'pull.sqlite');
  let pulled = 0;
  let atScope: number | null = null;
  const backend = createBackend({
    dbPath,
    storeId: PULL_STORE,
    clock: systemClock,
    // A smoke run's chain fits in one page: smaller pages there, so the in-scope split is still measured.
    ...(SMOKE ? { sync: { pullPageSize: 100 } } : {}),
    syncTest: {
      hooks: {
        afterPullPage: (_page, stats) => {
          pulled += stats?.members ?? 0;
          if (atScope === null && pulled >= inScope) atScope = usedBytes(backend.store);
        },
      },
    },
  });
  seed(backend, demoProgram, Date.now());
  await backend.sync.pair({ serverUrl: url, code, terminalName: 'bench pull' });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const status = await backend.sync.syncNow();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const rss = rssMb();
  const db = backend.store.db;
  const members = db.prepare('SELECT count(*) FROM members').pluck().get() as number;
  const personal = db.prepare("SELECT count(*) FROM members WHERE name <> ''").pluck().get() as number;
  const mismatched = db
    .prepare(
      'SELECT count(*) FROM members m WHERE m.balance <> m.opening + (SELECT coalesce(sum(points), 0) FROM ledger l WHERE l.member_id = m.id)',
    )
    .pluck()
    .get() as number;
  const end = usedBytes(backend.store);
  await backend.sync.stop();
  const extra = after?.(backend.store, backend) ?? {};
  db.pragma('wal_checkpoint(TRUNCATE)');
  const fileBytes = [dbPath, `${dbPath}-wal`].reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  closeTerminalDb(backend.store);
  const result: FirstPull = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    members,
    personal,
    state: status.state,
    reason: status.reason,
    mismatched,
    rss,
    dbMb: fileBytes / 1e6,
    bytesPerOutOfScope: members > inScope ? (end - (atScope ?? 0)) / (members - inScope) : 0,
    extra,
  };
  console.log(JSON.stringify(result));
}

/** Runs `script --pull-child …args` (the benchmark's own file) in a new Node process and returns its report. */
export function pullInChild(script: string, args: string[]): Promise<FirstPull> {
  return new Promise((resolve, reject) => {
    // execFile, not execFileSync: this process serves the pull.
    execFile(process.execPath, [...process.execArgv, script, '--pull-child', ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`pull child failed: ${stderr.slice(-4000)}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as FirstPull);
    });
  });
}

/** The pull's check: every member in, online, every balance its opening and ledger's sum, and personal data for the scope only. */
export function checkFirstPull(pull: FirstPull, members: number, inScope: number): void {
  if (pull.state !== 'online' || pull.members < members || pull.mismatched !== 0 || pull.personal !== inScope)
    throw new Error(
      `bench: the pull ended ${pull.state} (${pull.reason}) with ${pull.members} members (${pull.personal} with personal data, ${inScope} in scope), ${pull.mismatched} balances ≠ ledger`,
    );
}
