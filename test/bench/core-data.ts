import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lotExpiry } from '../../shared/loyalty/expiry.ts';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { openTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { loadMigrations } from '../../main/backend/store/migrations.ts';
import { upsertProduct } from '../../main/backend/store/products.ts';
import { installProgram } from '../../main/backend/store/program.ts';
import { upsertStaff } from '../../main/backend/store/staff.ts';
import { demoProgram } from '../fixtures/program.ts';
import { prng } from '../../shared/prng.ts';
import { PRODUCTS, STAFF } from '../helpers/terminal.ts';
import { size } from './scale.ts';

export const BENCH_NOW = Date.UTC(2025, 2, 11, 10);
/** Members in the benchmark database (`BENCH_MEMBERS=20000` for a quick look; 3,000 in a smoke run) and ledger entries each. */
export const BENCH_MEMBERS = size('BENCH_MEMBERS', 1_000_000, 3_000);
export const ENTRIES_PER_MEMBER = 10;
const CACHE = fileURLToPath(new URL('./.cache/', import.meta.url));
/** Bumped when ensureCoreDatabase writes a different file: a cached one from before is rebuilt. */
const GENERATOR = 2;

/**
 * The benchmark database, generated on first use and cached for the next runs. The file is named
 * for the migration set and generator it was built with: a schema change (a new index) builds a new
 * one, never measures a stale file; the stale file of the same size goes (they are gigabytes).
 */
export function benchDatabase(log: (line: string) => void): string {
  const migrations = createHash('sha256')
    .update([`generator ${GENERATOR}`, ...loadMigrations().map((m) => m.checksum)].join('\n'))
    .digest('hex')
    .slice(0, 12);
  const name = `core-${BENCH_MEMBERS}x${ENTRIES_PER_MEMBER}-${migrations}.sqlite`;
  // Also the files of the same size from before the name carried the migration set.
  const stale = (f: string) => f.startsWith(`core-${BENCH_MEMBERS}x${ENTRIES_PER_MEMBER}`) && !f.startsWith(name);
  if (existsSync(CACHE)) for (const f of readdirSync(CACHE).filter(stale)) rmSync(join(CACHE, f), { force: true });
  const path = join(CACHE, name);
  ensureCoreDatabase(path, BENCH_MEMBERS, ENTRIES_PER_MEMBER, log);
  return path;
}
const DAY = 86_400_000;
const FIRST = [
  'Ann',
  'Ben',
  'Chloé',
  'David',
  'Emma',
  'François',
  'Gabriel',
  'Hugo',
  'Inès',
  'Jules',
  'Léa',
  'Manon',
  'Noah',
  'Océane',
  'Paul',
  'Zoë',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
];

export const memberId = (i: number) => `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
export const cardNumber = (i: number) => `29${String(i).padStart(10, '0')}`;
export const phoneOf = (i: number) => `336${String((i * 7919) % 100_000_000).padStart(8, '0')}`;

/**
 * Builds (once, then cached) a terminal database with `members` members and
 * `entriesPerMember` ledger entries each, laid out as the app writes them:
 * one bonus and earn entries with their lots, cached balances that agree.
 */
export function ensureCoreDatabase(path: string, members: number, entriesPerMember: number, log: (line: string) => void): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const building = `${path}.building`;
  rmSync(building, { force: true });
  rmSync(`${building}-wal`, { force: true });
  const started = Date.now();
  const store = openTerminalDb(building, { migrations: loadMigrations() });
  const db = store.db;
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -512000');
  const random = prng(42);
  writeTransaction(store, (w) => {
    installProgram(w, demoProgram, BENCH_NOW);
    upsertStaff(w, {
      id: STAFF.cashier.id,
      name: 'Cashier One',
      role: 'cashier',
      pinHash: hashPin(STAFF.cashier.pin, 1024),
      active: true,
      now: BENCH_NOW,
    });
    for (const p of PRODUCTS) upsertProduct(w, { ...p, now: BENCH_NOW });
  });

  const member = db.prepare(
    `INSERT INTO members (id, name, name_key, phone, email, birth_date, status, tier, enrolled_store, enrolled_at, consent_marketing,
       consent_at, balance, updated_at) VALUES (?, ?, ?, ?, NULL, ?, 'active', 'bronze', 'store-1', ?, 0, NULL, ?, ?)`,
  );
  const card = db.prepare('INSERT INTO member_cards (card_number, member_id, issued_at) VALUES (?, ?, ?)');
  const entry = db.prepare('INSERT INTO ledger (member_id, kind, points, qualifying, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const lot = db.prepare(
    'INSERT INTO point_lots (member_id, entry_id, points, remaining, earned_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const batch = 50_000;
  for (let from = 0; from < members; from += batch) {
    db.transaction(() => {
      for (let i = from; i < Math.min(members, from + batch); i++) {
        const id = memberId(i);
        const first = FIRST[Math.floor(random() * FIRST.length)]!;
        const last = LAST[Math.floor(random() * LAST.length)]!;
        // Within the last year, so no lot is due for expiry at BENCH_NOW.
        const enrolledAt = BENCH_NOW - (1 + Math.floor(random() * 360)) * DAY;
        const birth = `19${50 + Math.floor(random() * 50)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
        // Entries first to know the balance; the member row must exist first for the foreign key.
        const points: { kind: string; points: number; at: number }[] = [{ kind: 'bonus', points: 100, at: enrolledAt }];
        for (let k = 1; k < entriesPerMember; k++) {
          points.push({
            kind: 'earn',
            points: 1 + Math.floor(random() * 120),
            at: enrolledAt + Math.floor(((BENCH_NOW - enrolledAt) * k) / entriesPerMember),
          });
        }
        const balance = points.reduce((s, p) => s + p.points, 0);
        const name = `${first} ${last}`;
        member.run(
          id,
          name,
          name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase(),
          phoneOf(i),
          birth,
          enrolledAt,
          balance,
          enrolledAt,
        );
        card.run(cardNumber(i), id, enrolledAt);
        for (const p of points) {
          const entryId = Number(entry.run(id, p.kind, p.points, p.kind === 'earn' ? p.points : 0, p.kind, p.at).lastInsertRowid);
          lot.run(id, entryId, p.points, p.points, p.at, lotExpiry(p.at, demoProgram));
        }
      }
    })();
    if ((from / batch) % 4 === 0) log(`  generated ${from + batch} of ${members} members (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  // No ANALYZE: the app never runs it, and statistics of the empty sales and outbox tables misled the
  // planner once the benchmark's sales filled them.
  db.close();
  renameSync(building, path);
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  log(`  generated ${members} members, ${members * entriesPerMember} ledger entries in ${Math.round((Date.now() - started) / 1000)} s`);
}
