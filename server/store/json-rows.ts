import type { Queryable } from './db.ts';

/**
 * Bulk writes through one JSON parameter (jsonb_to_recordset): one round trip
 * per table whatever the batch size, and the same SQL on PGlite and `pg`
 * (their array parameter encodings differ; JSON text does not).
 *
 * `columns` is the record definition, e.g. "id uuid, points bigint".
 */
export async function insertRows(tx: Queryable, table: string, columns: string, rows: readonly object[], suffix = ''): Promise<void> {
  await runWrites(tx, [insertWrite(table, columns, rows, suffix)]);
}

/** One bulk write: `sql` reads its rows from `source`, a jsonb expression holding their JSON array. */
export interface RowsWrite {
  sql: (source: string) => string;
  /** The rows as JSON array text. */
  json: string;
}

/** An INSERT of `rows` (objects, or their JSON array text); null when there are none. */
export function insertWrite(table: string, columns: string, rows: readonly object[] | string, suffix = ''): RowsWrite | null {
  if (rows.length === 0 || rows === '[]') return null;
  const names = columnNames(columns);
  return {
    sql: (source) => `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset(${source}) AS x(${columns}) ${suffix}`,
    json: typeof rows === 'string' ? rows : JSON.stringify(rows),
  };
}

/** An UPDATE of `table` rows by `key` (the first column) to the other columns of `rows`; null when there are none. */
export function updateWrite(table: string, columns: string, keyType: 'uuid' | 'bigint', rows: readonly object[]): RowsWrite | null {
  if (rows.length === 0) return null;
  const [key, ...rest] = columnNames(columns).split(', ');
  const set = rest.map((c) => `${c} = x.${c}`).join(', ');
  return {
    sql: (source) =>
      `UPDATE ${table} t SET ${set} FROM jsonb_to_recordset(${source}) AS x(${columns}) WHERE t.${key} = x.${key} AND t.${key} = ${anyKeyOf(source, key!, keyType)}`,
    json: JSON.stringify(rows),
  };
}

/**
 * Runs bulk writes as ONE statement (data-modifying CTEs) with one JSON
 * parameter: a push batch's writes cost one round trip, not one per table.
 * The CTEs see the same snapshot, so no two may touch the same row; foreign
 * keys are checked at the end of the statement, so a row and the rows that
 * reference it can be written together.
 */
export async function runWrites(tx: Queryable, writes: readonly (RowsWrite | null)[]): Promise<void> {
  const present = writes.filter((w): w is RowsWrite => w !== null);
  if (present.length === 0) return;
  if (present.length === 1) {
    await tx.query(present[0]!.sql('$1::jsonb'), [present[0]!.json]);
    return;
  }
  const sql = `WITH ${present.map((w, i) => `w${i} AS (${w.sql(`($1::jsonb->'w${i}')`)})`).join(', ')} SELECT 1`;
  await tx.query(sql, [`{${present.map((w, i) => `"w${i}":${w.json}`).join(',')}}`]);
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
