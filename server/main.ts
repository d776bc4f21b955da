/**
 * `npm run server` starts the central loyalty server; `npm run server -- <command>`
 * runs an administration command (see server/cli/commands.ts). Exits non-zero
 * with a message, never a stack trace, on bad input.
 */
import { isAppError } from '../shared/errors.ts';
import { AdminError } from './admin/admin-error.ts';
import { parseArgs, parsePort, stringFlag, UsageError } from './cli/args.ts';
import { COMMANDS, usage } from './cli/commands.ts';
import { HttpError } from './http/errors.ts';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from './server.ts';
import type { Db } from './store/db.ts';
import { openDatabase } from './store/open.ts';
import { SigningKeyError } from './tokens/signing-keys.ts';

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.get('help') === true || args.positionals[0] === 'help') {
    console.log(usage());
    return 0;
  }
  const name = args.positionals[0];
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name !== undefined && command === undefined) throw new UsageError(`Unknown command "${name}".\n\n${usage()}`);
  const open = () => openDatabase({ url: process.env.DATABASE_URL, dataDir: stringFlag(args, 'data') });

  if (command !== undefined) {
    const db: Db | null = command.needsDb === false ? null : await open();
    try {
      await command.run(args, { db: db as Db, now: Date.now(), out: (line) => console.log(line) });
    } finally {
      await db?.close();
    }
    return 0;
  }

  const port = parsePort(stringFlag(args, 'port') ?? String(DEFAULT_PORT));
  const host = stringFlag(args, 'host') ?? DEFAULT_HOST;
  const db = await open();
  const server = await startServer({ db, port, host });
  console.log(`Loyalty server listening on ${server.url} (${db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'})`);
  const stop = async () => {
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (
      err instanceof UsageError ||
      err instanceof AdminError ||
      err instanceof SigningKeyError ||
      err instanceof HttpError ||
      isAppError(err)
    ) {
      console.error(`error: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  },
);
