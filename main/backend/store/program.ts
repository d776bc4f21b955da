import { AppError } from '../../../shared/errors.ts';
import { programConfigSchema, type ProgramConfig } from '../../../shared/program.ts';
import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

const parsed = new WeakMap<ReadableDb, { version: number; config: ProgramConfig }>();

/** The newest installed programme. Parsed and validated once per version, not per sale. */
export function currentProgram(db: ReadableDb): ProgramConfig {
  const version = prepare(db, 'SELECT max(version) FROM program_config').pluck().get() as number | null;
  if (version === null)
    throw new AppError('PROGRAM_MISSING', 'No loyalty programme is installed on this terminal yet. Sync with the server or install one.');
  const cached = parsed.get(db);
  if (cached && cached.version === version) return cached.config;
  const row = { version, config: prepare(db, 'SELECT config FROM program_config WHERE version = ?').pluck().get(version) as string };
  const result = programConfigSchema.safeParse(JSON.parse(row.config));
  if (!result.success) {
    throw new AppError('PROGRAM_MISSING', `The installed programme (version ${row.version}) is invalid.`, {
      issues: result.error.issues.slice(0, 5),
    });
  }
  parsed.set(db, { version: row.version, config: result.data });
  return result.data;
}

/** Installs a validated programme version; an older or equal version than the newest is refused. */
export function installProgram(db: WritableDb, input: unknown, now: number): ProgramConfig {
  const result = programConfigSchema.safeParse(input);
  if (!result.success) {
    throw new AppError('VALIDATION', 'The programme configuration is invalid.', { issues: result.error.issues.slice(0, 20) });
  }
  const newest = prepare(db, 'SELECT max(version) FROM program_config').pluck().get() as number | null;
  if (newest !== null && result.data.version <= newest) {
    throw new AppError('CONFLICT', `Programme version ${result.data.version} is not newer than the installed version ${newest}.`);
  }
  prepare(db, 'INSERT INTO program_config (version, config, installed_at) VALUES (?, ?, ?)').run(
    result.data.version,
    JSON.stringify(result.data),
    now,
  );
  return result.data;
}
