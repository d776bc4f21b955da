import { programConfigSchema, type ProgramConfig } from '../../shared/program.ts';
import type { Queryable } from './db.ts';

/**
 * Parsed programmes by the digest of their stored text: a batch needs its programme, and parsing it
 * (zod) on every push is work the text's digest lets the process do once. Keyed by content, not by
 * version, so two databases in one process (tests) never share a wrong entry.
 */
const parsedPrograms = new Map<string, ProgramConfig>();

interface Stamp {
  version: number;
  digest: string;
}

/** The programmes of these stamps, parsed once per process; a stamp's config is read only the first time. */
async function parsed(q: Queryable, stamps: readonly Stamp[]): Promise<Map<number, ProgramConfig>> {
  const missing = stamps.filter((r) => !parsedPrograms.has(r.digest));
  if (missing.length > 0) {
    const rows = await q.query<{ digest: string; config: unknown }>(
      `SELECT md5(config::text) AS digest, config FROM programs WHERE version = ANY (ARRAY(SELECT value::int FROM jsonb_array_elements_text($1::jsonb)))`,
      [JSON.stringify(missing.map((r) => String(r.version)))],
    );
    for (const r of rows) parsedPrograms.set(r.digest, programConfigSchema.parse(r.config));
  }
  return new Map(stamps.map((r) => [Number(r.version), parsedPrograms.get(r.digest)!]));
}

/** The newest programme version, or null before the first import. */
export async function currentProgram(q: Queryable): Promise<ProgramConfig | null> {
  const stamps = await q.query<Stamp>('SELECT version, md5(config::text) AS digest FROM programs ORDER BY version DESC LIMIT 1');
  return stamps[0] === undefined ? null : (await parsed(q, stamps)).get(Number(stamps[0].version))!;
}

/** The stored programme versions among these (a sale names the version it was priced with). */
export async function programVersions(q: Queryable, versions: ReadonlySet<number>): Promise<Map<number, ProgramConfig>> {
  if (versions.size === 0) return new Map();
  const stamps = await q.query<Stamp>(
    'SELECT version, md5(config::text) AS digest FROM programs WHERE version = ANY (ARRAY(SELECT value::int FROM jsonb_array_elements_text($1::jsonb)))',
    [JSON.stringify([...versions].map(String))],
  );
  return parsed(q, stamps);
}
