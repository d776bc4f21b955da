/**
 * `npm run bench -- scale`: a till of a 10,000,000-member chain. The chain is seeded on
 * a real PostgreSQL server (first-pull.ts), 100,000 members in the till's store scope,
 * and an empty terminal makes its first pull of all of them in a child process. Then,
 * on that pulled database: card lookups against a bare primary-key SELECT, and durable
 * member sale commits (members of the whole chain, so mostly out of scope) against a
 * bare single-row insert + commit, both on the same file in the same run.
 *
 * Targets: first pull ≤ 150 s, card lookup p99 ≤ 0.1 ms, commit p99 ≤ 5 ms, terminal
 * database ≤ 3 GB, bytes per out-of-scope member reported (target ≤ 300).
 * BENCH_SCALE_MEMBERS / BENCH_SCALE_IN_SCOPE make a smaller run; `--smoke` runs it at
 * thousands (inside `npm test`, test/bench-smoke.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../main/backend/context.ts';
import { createSyncDispatcher } from '../../main/backend/dispatch.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import type { TerminalDb } from '../../main/backend/store/connection.ts';
import { memberByCard } from '../../main/backend/store/members.ts';
import { importProducts, importProgram } from '../../server/admin/catalogue.ts';
import { createStore } from '../../server/admin/stores.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer } from '../../server/server.ts';
import { openDatabase } from '../../server/store/open.ts';
import { prng } from '../../shared/prng.ts';
import { demoProgram } from '../fixtures/program.ts';
import { PRODUCTS, STAFF } from '../helpers/terminal.ts';
import { startPostgres } from '../server/postgres.ts';
import { testMasterKeyFile } from '../server/master-key-file.ts';
import { chainCard, chainMemberId, checkFirstPull, OTHER_STORE, PULL_STORE, pullInChild, runFirstPull, seedChain } from './first-pull.ts';
import { size, SMOKE } from './scale.ts';
import { round, time } from './stats.ts';

const MEMBERS = size('BENCH_SCALE_MEMBERS', 10_000_000, 3_000);
const IN_SCOPE = Math.min(MEMBERS, size('BENCH_SCALE_IN_SCOPE', 100_000, 300));
const LOOKUPS = SMOKE ? 500 : 20_000;
const COMMITS = SMOKE ? 100 : 2_000;

/** In the pull child, after the pull: lookups and commits on the pulled database. */
function measureAfterPull(store: TerminalDb, backend: Backend): Record<string, number> {
  const db = store.db;
  const random = prng(11);
  const pick = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(random() * MEMBERS));
  const lookups = pick(LOOKUPS);
  const bare = db.prepare('SELECT * FROM members WHERE id = ?');
  const bareLookup = time(lookups, (i) => bare.get(chainMemberId(i)), lookups.length);
  const cardLookup = time(
    lookups,
    (i) => {
      if (memberByCard(db, chainCard(i)) === undefined) throw new Error(`bench: card ${chainCard(i)} not found`);
    },
    lookups.length,
  );
  db.exec('CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, payload TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO bench_baseline (payload) VALUES (?)');
  const bareCommit = time(
    Array.from({ length: COMMITS }, (_, i) => i),
    (i) => insert.run(`row ${i}`),
    50,
  );
  const dispatch = createSyncDispatcher(backend);
  const login = dispatch({ id: 0, method: 'staff.login', input: { staffId: STAFF.cashier.id, pin: STAFF.cashier.pin } });
  if (!login.ok) throw new Error(`bench login failed: ${login.error.message}`);
  const token = (login.result as { token: string }).token;
  let requestId = 1;
  const members = [...new Set(pick(COMMITS * 2))].slice(0, COMMITS + 50);
  const commit = time(
    members,
    (i) => {
      const response = dispatch({
        id: requestId++,
        method: 'sale.commit',
        input: {
          saleId: uuidv7(Date.now()),
          memberId: chainMemberId(i),
          lines: [
            { sku: 'COFFEE-1KG', quantity: 1 },
            { category: 'organic', amountMinor: 1234 },
          ],
          redemption: null,
        },
        token,
      });
      if (!response.ok) throw new Error(`bench: sale.commit: ${response.error.message}`);
    },
    50,
  );
  return {
    bare_select_p99_ms: bareLookup.p99,
    lookup_card_p50_ms: cardLookup.p50,
    lookup_card_p99_ms: cardLookup.p99,
    bare_commit_p99_ms: bareCommit.p99,
    commit_p50_ms: commit.p50,
    commit_p99_ms: commit.p99,
  };
}

export async function benchScale(log: (line: string) => void): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  const cluster = await startPostgres();
  try {
    const db = await openDatabase({ url: await cluster.createDatabase(), masterKeyFile: testMasterKeyFile() });
    await createStore(db, { id: PULL_STORE, name: 'Bench store', timeZone: 'Europe/Paris', currency: 'EUR' }, Date.now());
    await createStore(db, { id: OTHER_STORE, name: 'Other store', timeZone: 'Europe/Paris', currency: 'EUR' }, Date.now());
    await importProgram(db, demoProgram, Date.now());
    await importProducts(db, PRODUCTS);
    log(`\nscale: seeding ${MEMBERS.toLocaleString('en')} members on PostgreSQL, ${IN_SCOPE.toLocaleString('en')} in the till's scope`);
    const seedStart = Date.now();
    await seedChain(db, MEMBERS, IN_SCOPE);
    log(`scale: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s; pulling`);
    const server = await startServer({ db, port: 0, host: '127.0.0.1', log: { level: 'warn' }, maintenanceIntervalMs: 0 });
    const { code } = await createPairingCode(db, { storeId: PULL_STORE }, Date.now());
    const pull = await pullInChild(fileURLToPath(import.meta.url), [server.url, code, dir, String(IN_SCOPE)]);
    await server.close();
    await db.close();
    checkFirstPull(pull, MEMBERS, IN_SCOPE);
    const x = pull.extra;
    const figures = {
      scale_members: MEMBERS,
      scale_in_scope: IN_SCOPE,
      scale_pull_s: round(pull.seconds, 1),
      scale_pull_rss_mb: pull.rss,
      scale_terminal_db_mb: round(pull.dbMb, 0),
      scale_bytes_per_out_of_scope_member: round(pull.bytesPerOutOfScope, 0),
      scale_lookup_card_p99_ms: round(x.lookup_card_p99_ms!),
      scale_bare_select_p99_ms: round(x.bare_select_p99_ms!),
      scale_commit_p99_ms: round(x.commit_p99_ms!),
      scale_bare_commit_p99_ms: round(x.bare_commit_p99_ms!),
    };
    const row = (name: string, value: string, target = '') => log(`${name.padEnd(56)} ${value.padStart(12)}  ${target}`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    log(`${'measure'.padEnd(56)} ${'value'.padStart(12)}  target`);
    row(
      `first pull of ${MEMBERS.toLocaleString('en')} members: s`,
      figures.scale_pull_s.toFixed(1),
      `≤ 150 ${verdict(figures.scale_pull_s <= 150)}`,
    );
    row('  peak RSS of the pulling terminal: MB', String(figures.scale_pull_rss_mb));
    row('  terminal database: MB', String(figures.scale_terminal_db_mb), `≤ 3000 ${verdict(figures.scale_terminal_db_mb <= 3000)}`);
    row(
      '  bytes per out-of-scope member',
      String(figures.scale_bytes_per_out_of_scope_member),
      `≤ 300 ${verdict(figures.scale_bytes_per_out_of_scope_member <= 300)}`,
    );
    row('card lookup p99: ms', figures.scale_lookup_card_p99_ms.toFixed(3), `≤ 0.1 ${verdict(figures.scale_lookup_card_p99_ms <= 0.1)}`);
    row('  bare SELECT by primary key p99: ms', figures.scale_bare_select_p99_ms.toFixed(3));
    row('member sale commit p99: ms', figures.scale_commit_p99_ms.toFixed(2), `≤ 5 ${verdict(figures.scale_commit_p99_ms <= 5)}`);
    row('  bare insert + commit p99: ms', figures.scale_bare_commit_p99_ms.toFixed(2));
    return figures;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--pull-child') {
  await runFirstPull(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6]), measureAfterPull);
}
