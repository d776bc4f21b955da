/**
 * The running server's admin channel: a second HTTP listener on 127.0.0.1
 * only, on an ephemeral port, that runs administration commands inside the
 * server, on the database handle the server itself uses. While a server holds
 * a PGlite folder no other process may open it, so this is how commands reach
 * it; and because a command runs in the server, nothing the server keeps in
 * memory (the push turnstile, fastify state) can go stale behind its back.
 *
 * A random bearer token, written only to the 0600 channel file, guards it;
 * it is checked before the body is read. Every command is audited in the
 * server's log by its name only (and the counts it reports, such as tokens
 * revoked): arguments and imported files may hold personal data.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { parseArgs, UsageError } from '../cli/args.ts';
import { errorMessage, exitCodeFor, findCommand, runCommand } from '../cli/run-command.ts';
import type { Db } from '../store/db.ts';
import { removeDeadChannelFiles, writeChannelFile } from './channel-file.ts';

export const COMMAND_PATH = '/v1/admin/command';

/** Import files travel in the body; a few hundred thousand members fit. Larger: split the file, or stop the server. */
export const ADMIN_BODY_LIMIT = 64 * 1024 * 1024;

export const adminRequestSchema = z.strictObject({
  argv: z.array(z.string().max(4096)).min(1).max(64),
  input: z.unknown().optional(),
});
export type AdminRequest = z.infer<typeof adminRequestSchema>;

export const adminResponseSchema = z.strictObject({
  output: z.array(z.string()),
  exitCode: z.number().int(),
  error: z.string().optional(),
});
export type AdminResponse = z.infer<typeof adminResponseSchema>;

export interface AdminChannelOptions {
  db: Db;
  /** Where the channel file goes: the server's data folder. */
  dataDir: string;
  /** databaseIdentity() of `db`, so the CLI finds the server of its database. */
  database: string;
  log: FastifyBaseLogger;
  clock?: () => number;
}

export interface AdminChannel {
  url: string;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function openAdminChannel(options: AdminChannelOptions): Promise<AdminChannel> {
  const clock = options.clock ?? Date.now;
  const token = randomBytes(32).toString('base64url');
  const expected = digest(`Bearer ${token}`);
  const log = options.log;
  const app = Fastify({ logger: false, bodyLimit: ADMIN_BODY_LIMIT });

  app.addHook('onRequest', async (req, reply) => {
    // Equal-length digests: timingSafeEqual tells nothing about how much of the token matched.
    if (timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) return;
    log.warn({ adminChannel: 'refused' }, 'admin command refused: wrong or missing token');
    await reply.code(401).send({ code: 'UNAUTHORIZED', message: 'The admin channel needs the token from its channel file.' });
  });

  app.post(COMMAND_PATH, async (req, reply) => {
    const parsed = adminRequestSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ code: 'VALIDATION', message: 'The admin request is malformed.' });
    const output: string[] = [];
    let name = '(none)';
    const audited: Record<string, number> = {};
    let outcome: { exitCode: number; error?: string };
    try {
      const args = parseArgs(parsed.data.argv);
      const found = findCommand(args);
      if (found === null || found.command.needsDb === false) throw new UsageError('This command does not run in the server.');
      name = found.name;
      if (found.command.input !== undefined && parsed.data.input === undefined) throw new UsageError(`${name} needs its input.`);
      outcome = await runCommand(
        found.command,
        args,
        { db: options.db, now: clock(), out: (line) => output.push(line), audit: (fields) => Object.assign(audited, fields) },
        parsed.data.input,
      );
    } catch (err) {
      outcome = { exitCode: exitCodeFor(err), error: errorMessage(err) };
    }
    // Counts a command reports (tokens revoked…) beside its name: never its arguments.
    log.info({ adminCommand: name, exitCode: outcome.exitCode, ...audited }, 'admin command');
    return reply.code(200).send({ output, ...outcome } satisfies AdminResponse);
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  removeDeadChannelFiles(options.dataDir);
  const remove = writeChannelFile(options.dataDir, { url, token, database: options.database });
  return {
    url,
    close: async () => {
      remove();
      await app.close();
    },
  };
}
