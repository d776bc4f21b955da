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

/** A JSON array parameter, for `anyOf`. */
export function jsonList(values: Iterable<string>): string {
  return JSON.stringify([...values]);
}

export function columnNames(columns: string): string {
  return columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0]!)
    .join(', ');
}

/**
 * `column = ${anyOf('$1', 'uuid')}` matches the values of a JSON array
 * parameter. `= ANY (ARRAY(...))` is an index lookup per value; the planner
 * may turn `IN (SELECT ...)` into a scan of the whole table when its
 * statistics lag behind a fast-growing table (seen on point_lots).
 */
export function anyOf(param: string, type: 'uuid' | 'text'): string {
  return `ANY (ARRAY(SELECT value::${type} FROM jsonb_array_elements_text(${param}::jsonb)))`;
}

/** Like `anyOf`, over one field of a JSON array of records: pins an UPDATE ... FROM jsonb_to_recordset to index lookups. */
export function anyKeyOf(param: string, field: string, type: 'uuid' | 'bigint'): string {
  return `ANY (ARRAY(SELECT (value->>'${field}')::${type} FROM jsonb_array_elements(${param}::jsonb)))`;
}
