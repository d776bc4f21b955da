import type { Queryable } from './db.ts';

/**
 * Bulk writes through one JSON parameter (jsonb_to_recordset): one round trip
 * per table whatever the batch size, and the same SQL on PGlite and `pg`
 * (their array parameter encodings differ; JSON text does not).
 *
 * `columns` is the record definition, e.g. "id uuid, points bigint".
 */
export async function insertRows(tx: Queryable, table: string, columns: string, rows: readonly object[], suffix = ''): Promise<void> {
  if (rows.length === 0) return;
  const names = columnNames(columns);
  await tx.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${columns}) ${suffix}`, [JSON.stringify(rows)]);
}

/** A JSON array parameter usable as `IN (SELECT value FROM jsonb_array_elements_text($n::jsonb))`. */
export function jsonList(values: Iterable<string>): string {
  return JSON.stringify([...values]);
}

export function columnNames(columns: string): string {
  return columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0]!)
    .join(', ');
}
