import { createWriteStream, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { openReadableDb, type ReadableDb } from '../store/connection.ts';
import { flaggedCount, outboxStats } from '../store/outbox.ts';
import { lastSyncSuccess, sealedCredentials } from '../store/sync-state.ts';
import { listBackups } from './backup.ts';
import { logFileNames } from './log-files.ts';
import { redact } from './logging.ts';
import { scrubText } from '../../../shared/log-redaction.ts';

/**
 * The support bundle IT sends when a terminal misbehaves: logs, versions,
 * configuration, database and queue statistics. Never the database itself,
 * its device key, the sync secret or anyone's personal data: logs are
 * re-redacted line by line, and free text is scrubbed of e-mail addresses and
 * long digit runs (phones, card numbers) in case a message carried one.
 */
export interface DiagnosticsInput {
  outPath: string;
  dbPath: string;
  logDir: string;
  backupDir: string | null;
  /** The resolved configuration (secrets are removed here as well). */
  config: unknown;
  problems: readonly unknown[];
  versions: Record<string, string | undefined>;
  now: number;
}

const SECRET_KEY = /secret|password|passwd|token|authorization|cookie|pin|key/i;

/** Removes secret-looking fields and scrubs every string (URLs lose their user:password and query). */
export function sanitize(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(stripUrlSecrets(value));
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(redact(value) as Record<string, unknown>))
    out[k] = SECRET_KEY.test(k) && v !== null ? '[removed]' : sanitize(v, depth + 1);
  return out;
}

export function sanitizeLogLine(line: string): string {
  try {
    return JSON.stringify(sanitize(JSON.parse(line)));
  } catch {
    return scrubText(line);
  }
}

function stripUrlSecrets(text: string): string {
  if (!/^https?:\/\//.test(text)) return text;
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.toString();
  } catch {
    return text;
  }
}

/** Figures about the database, read-only; a database that cannot be opened says why. */
export function databaseStatistics(dbPath: string, now: number): Record<string, unknown> {
  let bytes: number;
  try {
    bytes = statSync(dbPath).size;
  } catch {
    return { present: false };
  }
  let db: ReadableDb | undefined;
  try {
    db = openReadableDb(dbPath);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = (db.prepare(`SELECT count(*) AS n FROM "${t.replaceAll('"', '""')}"`).get() as { n: number }).n;
    const queue = attempt(() => outboxStats(db!));
    const lastSync = attempt(() => lastSyncSuccess(db!));
    return {
      present: true,
      bytes,
      userVersion: db.pragma('user_version', { simple: true }),
      journalMode: db.pragma('journal_mode', { simple: true }),
      pageSize: db.pragma('page_size', { simple: true }),
      pageCount: db.pragma('page_count', { simple: true }),
      freelistCount: db.pragma('freelist_count', { simple: true }),
      quickCheck: (db.pragma('quick_check') as Record<string, string>[]).map((r) => Object.values(r)[0]).slice(0, 10),
      rows,
      paired: attempt(() => sealedCredentials(db!) !== undefined),
      queue:
        'pending' in queue
          ? { pending: queue.pending, oldestPendingAgeMs: queue.oldestPendingAt === null ? null : now - queue.oldestPendingAt }
          : queue,
      flaggedEvents: attempt(() => flaggedCount(db!)),
      lastSyncSuccessAgeMs: typeof lastSync === 'number' ? now - lastSync : lastSync,
    };
  } catch (error) {
    return { present: true, bytes, error: scrubText(error instanceof Error ? error.message : String(error)) };
  } finally {
    db?.close();
  }
}

function attempt<T>(fn: () => T): T | { error: string } {
  try {
    return fn();
  } catch (error) {
    return { error: scrubText(error instanceof Error ? error.message : String(error)) };
  }
}

/** Writes the bundle atomically (a temporary file renamed into place); returns the files it holds. */
export async function writeDiagnostics(input: DiagnosticsInput): Promise<string[]> {
  const zip = new yazl.ZipFile();
  const names: string[] = [];
  const add = (name: string, text: string) => {
    zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime: new Date(input.now) });
    names.push(name);
  };
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  add(
    'versions.json',
    json(
      sanitize({
        ...input.versions,
        platform: platform(),
        arch: arch(),
        osRelease: release(),
        createdAt: new Date(input.now).toISOString(),
      }),
    ),
  );
  add('configuration.json', json(sanitize({ config: input.config, problems: input.problems })));
  add('database.json', json(sanitize({ file: basename(input.dbPath), ...databaseStatistics(input.dbPath, input.now) })));
  if (input.backupDir !== null) add('backups.json', json(listBackups(input.backupDir).map((b) => ({ name: b.name, bytes: b.bytes }))));
  for (const name of ['shell', 'backend', 'cli'].flatMap((n) => logFileNames(n))) {
    let text: string;
    try {
      text = readFileSync(join(input.logDir, name), 'utf8');
    } catch {
      continue;
    }
    const lines = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map(sanitizeLogLine);
    add(`logs/${name}`, lines.join('\n') + '\n');
  }
  const temp = `${input.outPath}.partial`;
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(temp, { mode: 0o600 }));
    renameSync(temp, input.outPath);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return names;
}
