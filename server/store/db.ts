/**
 * The server's one database interface, implemented by PGlite (embedded, the
 * default) and by a `pg` Pool (DATABASE_URL). Only PostgreSQL SQL is written
 * against it. BIGINT columns come back as JS numbers: every BIGINT here (ms
 * timestamps, points, money, sequence numbers) stays far below 2^53.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /** REPEATABLE READ: one snapshot for every statement (the pull's pages). */
  isolation?: 'read committed' | 'repeatable read';
  /** What the transaction is ('push', 'hold'…), for the log line of a retry (contention.ts). */
  name?: string;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * On PostgreSQL a deadlock or serialisation failure runs `fn` again (contention.ts):
   * `fn` does database work only, or work it may safely repeat. (PGlite runs one
   * statement at a time: nothing there waits for a lock.)
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Key of the transaction-scoped advisory lock every change-stamping writer takes. */
export const CHANGE_LOCK_KEY = 72_617_301;

/**
 * A write transaction that stamps rows with the change sequence. Taking one
 * server-wide lock first makes stamps commit in sequence order, so a pull
 * that has seen stamp N has seen every stamp below N (no change is skipped by
 * a cursor). Concurrent writers of pulled rows serialise; reads and holds do not.
 * The change lock is the first in the server's lock order (lock-order.ts).
 */
export function changeTransaction<T>(db: Db, fn: (tx: Queryable) => Promise<T>, name = 'change'): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOCK_KEY]);
      return fn(tx);
    },
    { name },
  );
}

/** Serialises async work: PGlite has a single connection, so a transaction must not interleave with other statements. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
