import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, TransactionOptions } from './db.ts';
import { Mutex } from './db.ts';

/** PGlite: PostgreSQL compiled to WebAssembly, in a data directory (or in memory when `dir` is undefined). */
export async function openPglite(dir: string | undefined): Promise<Db> {
  const pg = new PGlite(dir, { parsers: { [types.INT8]: (v: string) => Number(v) } });
  await pg.waitReady;
  const mutex = new Mutex();
  const query = async <T>(q: Queryable | PGlite, sql: string, params?: readonly unknown[]): Promise<T[]> => {
    const res = await (q as PGlite).query<T>(sql, params as unknown[] | undefined);
    return res.rows;
  };
  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: readonly unknown[]) => mutex.run(() => query<T>(pg, sql, params)),
    exec: (sql: string) => mutex.run(async () => void (await pg.exec(sql))),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions) =>
      mutex.run(() =>
        pg.transaction(async (tx) => {
          // One connection, so every transaction is alone: REPEATABLE READ holds trivially; set it anyway for clarity.
          if (options?.isolation === 'repeatable read') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
          return fn({
            query: async <R>(sql: string, params?: readonly unknown[]) => (await tx.query<R>(sql, params as unknown[] | undefined)).rows,
            exec: async (sql: string) => void (await tx.exec(sql)),
          });
        }),
      ),
    close: () => mutex.run(() => pg.close()),
  };
}
