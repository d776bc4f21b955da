import type Database from 'better-sqlite3';

/**
 * WAL checkpoints between sales, not inside them. SQLite's automatic checkpoint
 * runs in whichever commit pushes the WAL past 1000 pages and, with
 * synchronous=FULL, fsyncs the database file there: a stall of tens of
 * milliseconds in the middle of a sale. Instead the WAL is checkpointed once
 * the terminal has been idle for a moment, and at the latest every
 * `maxWrites` transactions so it stays bounded.
 */
export class Checkpointer {
  private writes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly idleMs = 500,
    private readonly maxWrites = 1000,
  ) {
    db.pragma('wal_autocheckpoint = 0');
  }

  afterWrite(): void {
    this.writes++;
    if (this.writes >= this.maxWrites) {
      this.run();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.idleMs);
    this.timer.unref();
  }

  /** PASSIVE: never waits for readers; what it cannot copy now is copied next time. */
  run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(PASSIVE)');
    this.writes = 0;
  }
}
