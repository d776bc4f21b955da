/**
 * The query-plan guard's two halves: record the SQL a process really runs (not a hand-written
 * list), then ask each database's planner how it would run every distinct statement, on a
 * database big enough that the planner's choice is the one a chain-sized one gets.
 */
import Database from 'better-sqlite3';
import type { Db, Queryable } from '../../server/store/db.ts';
import { shareMasterKey } from '../../server/tokens/master-key.ts';

export interface Recorded {
  sql: string;
  /** The first parameters it ran with: the plan is asked for with real values. */
  params: unknown[];
}

export interface Recorder {
  /** Statements run while recording, each text once, in first-run order. */
  readonly statements: Map<string, Recorded>;
  on(): void;
  off(): void;
}

function recorder(): Recorder & { note(sql: string, params: unknown[]): void } {
  let recording = false;
  const statements = new Map<string, Recorded>();
  return {
    statements,
    on: () => void (recording = true),
    off: () => void (recording = false),
    note(sql, params) {
      if (recording && !statements.has(sql)) statements.set(sql, { sql, params });
    },
  };
}

/**
 * Every better-sqlite3 statement of this process run while recording: the statement class's
 * run/get/all/iterate are wrapped (a statement prepared before recording started and run during
 * it counts, as the store's per-connection statement cache would hide it from `prepare`).
 */
export function recordSqlite(): Recorder & { restore(): void } {
  const r = recorder();
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const original = proto[name]!;
    originals.set(name, original);
    proto[name] = function (this: Database.Statement, ...args: unknown[]) {
      r.note(this.source, args);
      return original.apply(this, args);
    };
  }
  return { ...r, restore: () => originals.forEach((fn, name) => (proto[name] = fn)) };
}

/** The server's database with every query it runs recorded (its transactions' queries included). */
export function recordServer(db: Db): Recorder & { db: Db } {
  const r = recorder();
  const wrap = (q: Queryable): Queryable => ({
    query: <T>(sql: string, params?: readonly unknown[]) => {
      r.note(sql, [...(params ?? [])]);
      return q.query<T>(sql, params);
    },
    exec: (sql: string) => q.exec(sql),
  });
  const recording: Db = {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn, options) => db.transaction((tx) => fn(wrap(tx)), options),
    close: () => db.close(),
  };
  shareMasterKey(db, recording); // the recorder signs member tokens with the database's master key
  return { ...r, db: recording };
}

export interface PlanProblem {
  sql: string;
  table: string;
  plan: string;
}

const KEYWORDS = new Set([
  'where',
  'join',
  'left',
  'inner',
  'cross',
  'on',
  'set',
  'using',
  'order',
  'group',
  'limit',
  'values',
  'select',
  'natural',
  'as',
  'indexed',
  'not',
  'union',
  'returning',
  'default',
]);

/** The tables a statement names, with their aliases: a plan line names the alias (`SCAN p`). */
function aliases(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(?:AS\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi)) {
    const table = m[1]!.toLowerCase();
    names.set(table, table);
    const alias = m[2]?.toLowerCase();
    if (alias !== undefined && !KEYWORDS.has(alias)) names.set(alias, table);
  }
  return names;
}

function partialIndexes(db: Database.Database, table: string): Set<string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) return new Set();
  return new Set(
    (db.pragma(`index_list(${table})`) as { name: string; partial: number }[]).filter((i) => i.partial === 1).map((i) => i.name),
  );
}

/**
 * The child tables SQLite's plan scans for an `INSERT INTO parent (...) VALUES` that cannot run.
 * For a multi-row insert, or an insert into a table with triggers (members, since migration 0008's name
 * index), SQLite plans a scan of every table referencing the parent, executed only while the statement
 * has a foreign-key violation outstanding (to see whether the new parent row resolves it; a single-row
 * insert into a table without triggers plans none). The statement can only cause one through the
 * foreign-key columns it sets: when it sets none (the first pull's members and an enrolment: referred_by
 * is left NULL, an enrolment sets it with an UPDATE), the scans never run.
 */
function unreachableChildScans(db: Database.Database, sql: string): Set<string> {
  const insert = /^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*VALUES\s*\(/i.exec(sql);
  if (insert === null) return new Set();
  const target = insert[1]!.toLowerCase();
  const columns = new Set(insert[2]!.split(',').map((c) => c.trim().toLowerCase()));
  const foreignKeys = (table: string) => db.pragma(`foreign_key_list(${table})`) as { table: string; from: string }[];
  if (foreignKeys(target).some((fk) => columns.has(fk.from.toLowerCase()))) return new Set();
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
  return new Set(tables.filter((t) => foreignKeys(t).some((fk) => fk.table.toLowerCase() === target)).map((t) => t.toLowerCase()));
}

/**
 * SQLite: a plan line that reads every row of a table that grows: `SCAN t`, or `SCAN t USING [COVERING]
 * INDEX i` through a whole index. One exception: a single-table statement's scan of a partial index that
 * covers it (`USING COVERING INDEX`) reads only the index entries of the subset the index's WHERE holds
 * (the unsent events' count and oldest for the sync status), which is what it asks for, from pages it
 * keeps small; a scan that also reads each row of the subset counts (1.1 ms a sale with 4,400 events
 * queued offline), and so does one in a join: the planner drove from the subset instead of the selective
 * side (the member's pending points read every unsent event).
 */
export function sqliteScans(
  db: Database.Database,
  statements: Iterable<Recorded>,
  growing: ReadonlySet<string>,
): { problems: PlanProblem[]; explained: number } {
  const problems: PlanProblem[] = [];
  let explained = 0;
  for (const { sql, params } of statements) {
    if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE)\b/i.test(sql)) continue;
    const lines = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    explained++;
    const names = aliases(sql);
    const neverRun = unreachableChildScans(db, sql);
    for (const line of lines) {
      const scan = /^SCAN ([A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(line);
      if (scan === null) continue;
      const table = names.get(scan[1]!.toLowerCase()) ?? scan[1]!.toLowerCase();
      const index = /USING COVERING INDEX (\S+)/.exec(scan[2]!)?.[1];
      // A statement of one table reads the subset on purpose; in a join it is the planner driving from it.
      if (index !== undefined && new Set(names.values()).size === 1 && partialIndexes(db, table).has(index)) continue;
      if (growing.has(table) && !neverRun.has(table)) problems.push({ sql, table, plan: lines.join('\n') });
    }
  }
  return { problems, explained };
}

/**
 * PostgreSQL (EXPLAIN with the recorded parameters): a `Seq Scan on t`, or an index scan of t with no
 * index condition (the whole index, in its order) through an index that is not partial, t a table that grows.
 */
export async function postgresScans(
  db: Queryable,
  statements: Iterable<Recorded>,
  growing: ReadonlySet<string>,
): Promise<{ problems: PlanProblem[]; explained: number }> {
  const partial = new Set(
    (await db.query<{ name: string }>('SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indpred IS NOT NULL')).map(
      (r) => r.name,
    ),
  );
  const problems: PlanProblem[] = [];
  let explained = 0;
  for (const { sql, params } of statements) {
    if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) continue;
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    explained++;
    const lines = rows.map((r) => r['QUERY PLAN']);
    const plan = lines.join('\n');
    lines.forEach((line, i) => {
      const seq = /Seq Scan on ([a-z_]+)/.exec(line);
      if (seq !== null && growing.has(seq[1]!)) problems.push({ sql, table: seq[1]!, plan });
      const index = /Index (?:Only )?Scan(?: Backward)? using ([a-z_]+) on ([a-z_]+)/.exec(line);
      if (index === null || !growing.has(index[2]!) || partial.has(index[1]!)) return;
      // The node's own detail lines: those after it up to the next node.
      const details = [];
      for (let j = i + 1; j < lines.length && !lines[j]!.includes('->'); j++) details.push(lines[j]!);
      if (!details.some((d) => d.includes('Index Cond:'))) problems.push({ sql, table: index[2]!, plan });
    });
  }
  return { problems, explained };
}

export function describeProblems(problems: PlanProblem[]): string {
  return problems
    .map((p) => `scans ${p.table}:\n  ${p.sql.replace(/\s+/g, ' ').trim()}\n  plan:\n    ${p.plan.replace(/\n/g, '\n    ')}`)
    .join('\n\n');
}
