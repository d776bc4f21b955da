import { programConfigSchema, type ProgramConfig } from '../../shared/program.ts';
import type { Queryable } from './db.ts';

/** The newest programme version, or null before the first import. */
export async function currentProgram(q: Queryable): Promise<ProgramConfig | null> {
  const rows = await q.query<{ config: unknown }>('SELECT config FROM programs ORDER BY version DESC LIMIT 1');
  return rows[0] === undefined ? null : programConfigSchema.parse(rows[0].config);
}
