import { createHash } from 'node:crypto';
import pg from 'pg';
import { retryOnContention } from './contention.ts';
import type { Db, Queryable, TransactionOptions } from './db.ts';

const INT8_OID = 20;

/**
 * Statements run as named prepared statements: each connection parses and
 * plans a text once, not on every batch (the push runs the same dozen texts).
 */
const names = new Map<string, string>();
function prepared(text: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined) {
    name = `lt_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values: values as unknown[] | undefined };
}

/** A real PostgreSQL server through a `pg` Pool. */
export async function openPostgres(connectionString: string, maxConnections = 10): Promise<Db> {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    // A statement on its own is its own transaction: retried as one (contention.ts).
    query: <T>(sql: string, params?: readonly unknown[]) =>
      retryOnContention('statement', async () => (await pool.query(prepared(sql, params))).rows as T[]),
    exec: async (sql: string) => void (await pool.query(sql)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions) =>
      retryOnContention(options?.name ?? 'transaction', async () => {
        const client = await pool.connect();
        try {
          await client.query(options?.isolation === 'repeatable read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ' : 'BEGIN');
          const result = await fn({
            query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(prepared(sql, params))).rows as R[],
            exec: async (sql: string) => void (await client.query(sql)),
          });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      }),
    close: () => pool.end(),
  };
}
