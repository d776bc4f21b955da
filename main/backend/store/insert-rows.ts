import type { WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

/** Row counts of the multi-row statements, largest first: every count is a sum of them, at most eight statements cached per table. */
const CHUNKS = [128, 64, 32, 16, 8, 4, 2, 1];

/**
 * Inserts many rows with multi-row VALUES statements: one statement step per
 * up to 128 rows instead of one per row (the bulk of a first pull: a call into
 * SQLite per row was about a fifth of its writing). `head` is the statement up to VALUES
 * ("INSERT INTO t (a, b)"), `values` the rows' parameters flattened, `width`
 * per row; `tail` an optional ON CONFLICT clause.
 */
export function insertRows(db: WritableDb, head: string, width: number, values: unknown[], tail = ''): void {
  if (values.length % width !== 0) throw new Error(`insertRows: ${values.length} values are not rows of ${width}`);
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  let at = 0;
  for (const rows of CHUNKS) {
    const size = rows * width;
    if (values.length - at < size) continue;
    const statement = prepare(db, `${head} VALUES ${Array.from({ length: rows }, () => row).join(', ')} ${tail}`);
    for (; values.length - at >= size; at += size) statement.run(values.slice(at, at + size));
  }
}
