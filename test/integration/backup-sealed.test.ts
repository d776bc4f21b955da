/**
 * Backups are encrypted under the terminal's backup key (platform/sealed-backup.ts):
 * no SQLite header and no personal data in the file; restore round-trips on the
 * terminal that made it; another terminal's backup, and a truncated, tampered or
 * reordered one, are refused with the database left as it was; plain backups
 * from before are encrypted (and deleted) at the next run.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli, type CliDeps } from '../../main/app/cli-commands.ts';
import { EXIT } from '../../main/app/cli-exit-codes.ts';
import { backupDatabase, listBackups, restoreBackup } from '../../main/backend/platform/backup.ts';
import { openSealedFile, SEALED_CHUNK_BYTES, SEALED_HEADER_BYTES, sealFile } from '../../main/backend/platform/sealed-backup.ts';
import { keysOf } from '../../main/backend/platform/sealed-keys.ts';
import { closeTerminalDb, openTerminalDb } from '../../main/backend/store/connection.ts';
import { keyFileSource } from '../../main/backend/sync/credentials.ts';
import { createTestTerminal, tempDir } from '../helpers/terminal.ts';

const dir = tempDir('backup-sealed-');
afterAll(() => dir.remove());

const OTHER_KEY = /made on another terminal or its key is gone/;
const DAMAGED = /damaged or incomplete/;

function fileBytes(path: string): Buffer {
  return readFileSync(path);
}

function folder(name: string): string {
  const path = join(dir.path, name);
  mkdirSync(path, { recursive: true });
  return path;
}

describe('encrypted backups', () => {
  test('a backup holds no SQLite header and no name; it restores on its own terminal', async () => {
    const t = createTestTerminal({ dir: folder('own'), now: Date.now() });
    const manager = t.login('manager');
    t.enrol(manager, { name: 'Zephyrine Quillfeather', phone: '+4915112345678' });
    const key = keysOf(t.backend.store).backup();
    const backups = folder('own-backups');
    const path = await backupDatabase(t.backend.store.db, backups, { keep: 3, now: Date.now(), key });
    expect(path.endsWith('.sqlite.enc')).toBe(true);
    expect(readdirSync(backups)).toEqual([path.split('/').pop()]);
    // No plain copy left beside the database either.
    expect(readdirSync(join(dir.path, 'own')).filter((n) => n.includes('backup'))).toEqual([]);

    const bytes = fileBytes(path);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    for (const secret of [
      'SQLite format',
      'Zephyrine',
      'Quillfeather',
      '4915112345678',
      'Cashier One',
      'Manager One',
      'keyed1$',
      'scrypt$',
    ])
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    expect(listBackups(backups).map((b) => b.encrypted)).toEqual([true]);

    const target = join(folder('own-restore'), 'terminal.sqlite');
    const { movedAside } = await restoreBackup(path, target, Date.now(), key);
    expect(movedAside).toBeNull();
    const restored = openTerminalDb(target);
    try {
      expect(restored.health).toEqual({ ok: true });
      expect(restored.db.prepare('SELECT name FROM members').pluck().all()).toContain('Zephyrine Quillfeather');
    } finally {
      closeTerminalDb(restored);
    }
    t.close();
  });

  test('a backup copied to another terminal is refused with a clear message, its database untouched', async () => {
    const a = createTestTerminal({ dir: folder('till-a'), now: Date.now() });
    const b = createTestTerminal({ dir: folder('till-b'), now: Date.now() });
    const backups = folder('till-a-backups');
    const path = await backupDatabase(a.backend.store.db, backups, { keep: 3, now: Date.now(), key: keysOf(a.backend.store).backup() });
    a.close();
    closeTerminalDb(b.backend.store);
    const before = readdirSync(join(dir.path, 'till-b')).sort();
    const content = fileBytes(b.dbPath);
    const copied = join(dir.path, 'till-b', 'from-a.sqlite.enc');
    copyFileSync(path, copied);

    const error = await restoreBackup(copied, b.dbPath, Date.now(), keysOf(b.backend.store).backup()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AppError', code: 'VALIDATION', details: { reason: 'backup_other_key' } });
    expect((error as Error).message).toMatch(OTHER_KEY);
    expect(readdirSync(join(dir.path, 'till-b')).sort()).toEqual([...before, 'from-a.sqlite.enc'].sort());
    expect(fileBytes(b.dbPath).equals(content)).toBe(true);
    b.close();
  });

  test('a truncated, tampered or reordered backup is refused; nothing is half-written', async () => {
    const t = createTestTerminal({ dir: folder('tamper'), now: Date.now() });
    const key = keysOf(t.backend.store).backup();
    const backups = folder('tamper-backups');
    const path = await backupDatabase(t.backend.store.db, backups, { keep: 3, now: Date.now(), key });
    closeTerminalDb(t.backend.store);
    const good = fileBytes(path);
    const content = fileBytes(t.dbPath);
    const variants: Record<string, Buffer> = {
      'cut in a chunk': good.subarray(0, good.length - 100),
      'tag cut off': good.subarray(0, good.length - 1),
      'a byte flipped': Buffer.from(good).fill(good[SEALED_HEADER_BYTES + 40]! ^ 1, SEALED_HEADER_BYTES + 40, SEALED_HEADER_BYTES + 41),
      'bytes appended': Buffer.concat([good, Buffer.alloc(32)]),
    };
    for (const [what, bytes] of Object.entries(variants)) {
      const bad = join(backups, `bad-${what.replace(/ /g, '-')}.sqlite.enc`);
      writeFileSync(bad, bytes);
      await expect(restoreBackup(bad, t.dbPath, Date.now(), key), what).rejects.toThrow(DAMAGED);
      expect(fileBytes(t.dbPath).equals(content), what).toBe(true);
      expect(existsSync(`${t.dbPath}.restoring`), what).toBe(false);
      expect(
        readdirSync(join(dir.path, 'tamper')).filter((n) => n.includes('before-restore')),
        what,
      ).toEqual([]);
    }
    t.close();
  });

  test('chunks: a file cut at a chunk boundary, or with two chunks swapped, fails; a whole one opens', async () => {
    const key = randomBytes(32);
    const folderPath = folder('chunks');
    const plain = join(folderPath, 'plain.bin');
    const data = randomBytes(SEALED_CHUNK_BYTES * 2 + 12345);
    writeFileSync(plain, data);
    const sealed = join(folderPath, 'sealed.enc');
    await sealFile(plain, sealed, key);
    const bytes = fileBytes(sealed);
    const chunk = SEALED_CHUNK_BYTES + 16;
    expect(bytes.length).toBe(SEALED_HEADER_BYTES + 2 * chunk + 12345 + 16);

    const opened = join(folderPath, 'opened.bin');
    await openSealedFile(sealed, opened, key);
    expect(fileBytes(opened).equals(data)).toBe(true);

    const atBoundary = join(folderPath, 'boundary.enc');
    writeFileSync(atBoundary, bytes.subarray(0, SEALED_HEADER_BYTES + 2 * chunk));
    await expect(openSealedFile(atBoundary, null, key)).rejects.toThrow(DAMAGED);
    const swapped = join(folderPath, 'swapped.enc');
    const head = bytes.subarray(0, SEALED_HEADER_BYTES);
    const c0 = bytes.subarray(SEALED_HEADER_BYTES, SEALED_HEADER_BYTES + chunk);
    const c1 = bytes.subarray(SEALED_HEADER_BYTES + chunk, SEALED_HEADER_BYTES + 2 * chunk);
    writeFileSync(swapped, Buffer.concat([head, c1, c0, bytes.subarray(SEALED_HEADER_BYTES + 2 * chunk)]));
    await expect(openSealedFile(swapped, null, key)).rejects.toThrow(DAMAGED);
    await expect(openSealedFile(sealed, null, randomBytes(32))).rejects.toThrow(OTHER_KEY);
    // The same plaintext sealed twice gives different files (own salt and nonce prefix each).
    const again = join(folderPath, 'again.enc');
    await sealFile(plain, again, key);
    expect(fileBytes(again).equals(bytes)).toBe(false);
  });

  test('plain backups left from before are encrypted, then deleted, at the next run', async () => {
    const t = createTestTerminal({ dir: folder('legacy'), now: Date.now() });
    const key = keysOf(t.backend.store).backup();
    const backups = folder('legacy-backups');
    // A plain backup as the old version made it.
    await t.backend.store.db.backup(join(backups, 'terminal-20250101T000000000Z.sqlite'));
    writeFileSync(join(backups, 'notes.txt'), 'not a backup');
    const path = await backupDatabase(t.backend.store.db, backups, { keep: 5, now: Date.UTC(2026, 0, 1), key });
    expect(readdirSync(backups).sort()).toEqual(['notes.txt', 'terminal-20250101T000000000Z.sqlite.enc', path.split('/').pop()].sort());
    for (const b of listBackups(backups)) {
      expect(b.encrypted).toBe(true);
      expect(fileBytes(b.path).includes(Buffer.from('SQLite format 3'))).toBe(false);
      expect(statSync(b.path).mode & 0o077).toBe(0);
    }
    // The encrypted old backup restores like any other.
    const target = join(folder('legacy-restore'), 'terminal.sqlite');
    await restoreBackup(join(backups, 'terminal-20250101T000000000Z.sqlite.enc'), target, Date.now(), key);
    const restored = openTerminalDb(target);
    expect(restored.health).toEqual({ ok: true });
    closeTerminalDb(restored);
    t.close();
  });

  test('loyalty-terminal --restore: restores on its own terminal; on another it fails, saying why, with nothing changed', async () => {
    const cli = async (dataDir: string, backup: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const deps: CliDeps = {
        keySource: (dbPath) => keyFileSource(`${dbPath}.key`),
        versions: { app: 'test' },
        env: { LT_CONFIG_FILE: join(dir.path, 'no-config.json'), LT_DATA_DIR: dataDir, LT_LOG_DIR: join(dataDir, 'logs') },
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        now: Date.now,
      };
      return { exit: await runCli(['--restore', backup], deps), out: out.join('\n'), err: err.join('\n') };
    };
    const own = folder('cli-own');
    const a = createTestTerminal({ dir: own, now: Date.now() });
    a.enrol(a.login('manager'), { name: 'Bartholomew Cliffhanger' });
    const backup = await backupDatabase(a.backend.store.db, folder('cli-backups'), {
      keep: 3,
      now: Date.now(),
      key: keysOf(a.backend.store).backup(),
    });
    a.close();

    const restored = await cli(own, backup);
    expect(restored.err).toBe('');
    expect(restored.exit).toBe(EXIT.OK);
    expect(restored.out).toContain('Restored');
    const store = openTerminalDb(join(own, 'terminal.sqlite'));
    expect(store.db.prepare('SELECT name FROM members').pluck().all()).toContain('Bartholomew Cliffhanger');
    closeTerminalDb(store);

    const other = folder('cli-other');
    const b = createTestTerminal({ dir: other, now: Date.now() });
    closeTerminalDb(b.backend.store);
    const before = fileBytes(b.dbPath);
    const refused = await cli(other, backup);
    expect(refused.exit).toBe(EXIT.FAILED);
    expect(refused.err).toMatch(/nothing was changed/);
    expect(refused.err).toMatch(OTHER_KEY);
    expect(fileBytes(b.dbPath).equals(before)).toBe(true);
    expect(readdirSync(other).filter((n) => n.includes('restor'))).toEqual([]);
    b.close();
  });
});
