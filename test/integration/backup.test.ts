/**
 * Backups with SQLite's online backup API, taken from a live terminal database
 * while it is being written, then restored and opened with the real
 * openTerminalDb: integrity ok, data equal. Backups are encrypted under the
 * terminal's backup key (platform/sealed-backup.ts): see backup-sealed.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  backupDatabase,
  backupFileName,
  backupsToPrune,
  listBackups,
  restoreBackup,
  scheduleBackups,
} from '../../main/backend/platform/backup.ts';
import { silentLogger } from '../../main/backend/platform/logging.ts';
import { keysOf } from '../../main/backend/platform/sealed-keys.ts';
import { closeTerminalDb, openTerminalDb, type ReadableDb } from '../../main/backend/store/connection.ts';
import { createTestTerminal, tempDir } from '../helpers/terminal.ts';

const dir = tempDir('backup-');
afterAll(() => dir.remove());

function dump(db: ReadableDb): Record<string, string[]> {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
  ).map((t) => t.name);
  // Rows as JSON, sorted (some tables are WITHOUT ROWID, so no insertion order to rely on).
  return Object.fromEntries(
    tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]),
  );
}

describe('backup and restore', () => {
  test('a backup taken during writes restores to a sound database holding every write it saw', async () => {
    mkdirSync(join(dir.path, 'live'), { recursive: true });
    const t = createTestTerminal({ dir: join(dir.path, 'live'), now: Date.now() });
    const manager = t.login('manager');
    for (let i = 0; i < 1500; i++) t.enrol(manager, { name: `Member ${i}`, phone: `+4912345${String(i).padStart(5, '0')}` });

    // Keep enrolling while the backup copies pages (it yields to the event loop between steps).
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        t.enrol(manager, { name: `During ${writes}` });
        writes++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const backups = join(dir.path, 'backups');
    const key = keysOf(t.backend.store).backup();
    const path = await backupDatabase(t.backend.store.db, backups, { keep: 5, now: Date.now(), key });
    writing = false;
    await writer;
    expect(writes).toBeGreaterThan(0);
    expect(readdirSync(backups)).toEqual([path.split('/').pop()]); // no partial file left behind

    // Restore over a copy of the terminal's database path, then open it as the app would.
    const target = join(dir.path, 'restored', 'terminal.sqlite');
    mkdirSync(join(dir.path, 'restored'), { recursive: true });
    writeFileSync(target, 'a damaged database');
    const { movedAside } = await restoreBackup(path, target, Date.now(), key);
    expect(movedAside).not.toBeNull();
    expect(existsSync(movedAside!)).toBe(true);
    const restored = openTerminalDb(target);
    try {
      expect(restored.health).toEqual({ ok: true });
      expect(restored.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Every row the backup holds is identical in the live database (writes after it are simply absent).
      const live = dump(t.backend.store.db);
      const copy = dump(restored.db);
      expect(Object.keys(copy)).toEqual(Object.keys(live));
      for (const [table, rows] of Object.entries(copy)) {
        // FTS shadow tables are derived, and merged by later writes (encrypting takes a while, so writes go on).
        if (table === 'sync_state' || table.includes('_fts_')) continue;
        const liveRows = new Set(live[table]);
        expect(
          rows.filter((r) => !liveRows.has(r)),
          table,
        ).toEqual([]);
      }
      const restoredMembers = (copy.members ?? []).length;
      expect(restoredMembers).toBeGreaterThanOrEqual(1500);
      expect(restoredMembers).toBeLessThanOrEqual(1500 + writes);
      // The outbox holds one event per enrolment the backup saw: nothing half-written.
      expect((copy.outbox ?? []).length).toBe(restoredMembers);
    } finally {
      closeTerminalDb(restored);
    }

    // At rest: the backup equals the source exactly.
    const still = await backupDatabase(t.backend.store.db, backups, { keep: 5, now: Date.now() + 1000, key });
    const again = join(dir.path, 'restored-2.sqlite');
    await restoreBackup(still, again, Date.now(), key);
    const exact = openTerminalDb(again);
    try {
      expect(dump(exact.db)).toEqual(dump(t.backend.store.db));
    } finally {
      closeTerminalDb(exact);
    }
    t.close();
  }, 60_000);

  test('a damaged backup is refused and the current database is left alone', async () => {
    const target = join(dir.path, 'keep', 'terminal.sqlite');
    mkdirSync(join(dir.path, 'keep'), { recursive: true });
    writeFileSync(target, 'current');
    const bad = join(dir.path, 'bad.sqlite');
    writeFileSync(bad, 'not a database at all, not even close'.repeat(200));
    await expect(restoreBackup(bad, target, Date.now(), Buffer.alloc(32, 7))).rejects.toThrow();
    expect(readdirSync(join(dir.path, 'keep'))).toEqual(['terminal.sqlite']);
  });

  test('retention keeps the newest N; the schedule never overlaps', async () => {
    const t = createTestTerminal({ now: Date.now() });
    const backups = join(dir.path, 'retention');
    let now = Date.UTC(2026, 0, 1);
    const schedule = scheduleBackups(t.backend.store.db, {
      dir: backups,
      keep: 2,
      intervalMs: 3_600_000,
      now: () => (now += 60_000),
      log: silentLogger,
      key: () => keysOf(t.backend.store).backup(),
    });
    const first = schedule.runNow();
    expect(schedule.runNow()).toBe(first); // one at a time
    await first;
    await schedule.runNow();
    await schedule.runNow();
    await schedule.stop();
    expect(listBackups(backups).map((b) => b.name)).toEqual([
      backupFileName(Date.UTC(2026, 0, 1, 0, 3)),
      backupFileName(Date.UTC(2026, 0, 1, 0, 2)),
    ]);
    expect(
      backupsToPrune(
        [
          'terminal-20260101T000100000Z.sqlite.enc',
          'terminal-20260101T000300000Z.sqlite.enc',
          'notes.txt',
          'terminal-20260101T000200000Z.sqlite.enc',
        ],
        1,
      ),
    ).toEqual(['terminal-20260101T000200000Z.sqlite.enc', 'terminal-20260101T000100000Z.sqlite.enc']);
    t.close();
  });
});
