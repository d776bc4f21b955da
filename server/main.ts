/**
 * `npm run server` starts the central loyalty server; `npm run server -- <command>`
 * runs an administration command (see server/cli/commands.ts). Exits non-zero
 * with a message, never a stack trace, on bad input.
 *
 * While a server runs, a command goes through its admin channel
 * (server/admin-channel/): on PGlite no second process may open the data
 * folder (server/store/data-dir-lock.ts), and on PostgreSQL the command then
 * also sees and updates what the server holds in memory. With no server for
 * the database, the command opens it here.
 */
import { mkdirSync } from 'node:fs';
import { findChannel, databaseIdentity } from './admin-channel/channel-file.ts';
import { sendAdminCommand } from './admin-channel/channel-client.ts';
import { openAdminChannel, type AdminChannel } from './admin-channel/channel-server.ts';
import { parseArgs, stringFlag, type ParsedArgs } from './cli/args.ts';
import { usage, type Command } from './cli/commands.ts';
import { errorMessage, exitCodeFor, findCommand, runCommand } from './cli/run-command.ts';
import { plainHttpWarning, serveConfig } from './cli/serve-config.ts';
import { masterKeyFile, masterKeyNotice, protocolPolicy, requireMasterKeyFile } from './cli/trust-config.ts';
import { startServer, type RunningServer } from './server.ts';
import { DataDirInUseError } from './store/data-dir-lock.ts';
import { DEFAULT_DATA_DIR, openDatabase } from './store/open.ts';

const print = (line: string) => console.log(line);

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.get('help') === true || args.positionals[0] === 'help') {
    print(usage());
    return 0;
  }
  const found = findCommand(args);
  const url = process.env.DATABASE_URL;
  const dataDir = stringFlag(args, 'data') ?? DEFAULT_DATA_DIR;
  return found === null ? serve(args, url, dataDir) : administer(found.command, argv, args, url, dataDir);
}

async function administer(command: Command, argv: string[], args: ParsedArgs, url: string | undefined, dataDir: string): Promise<number> {
  if (command.needsDb === false)
    return report(await runCommand(command, args, { db: null as never, now: Date.now(), out: print }, undefined));
  // Read files first, here: a missing file is the operator's to fix before anything runs anywhere.
  const input = command.input?.(args);

  const onMemory = (url === undefined || url === '') && dataDir === 'memory://';
  const channel = onMemory ? null : findChannel(dataDir, databaseIdentity({ url, dataDir }));
  if (channel !== null) {
    const answer = await sendAdminCommand(channel, { argv, ...(input === undefined ? {} : { input }) });
    for (const line of answer.output) print(line);
    return report(answer);
  }

  // With DATABASE_URL and no master key, a command that signs (issue-token, rotate-key) names the missing setting.
  const db = await openDatabase({ url, dataDir, holder: ADMIN_COMMAND, masterKeyFile: masterKeyFile(args, process.env) }).catch(
    (err: unknown) => {
      throw refusal(err, 'Run the command again when it has finished.', NO_CHANNEL);
    },
  );
  // Ctrl-C mid-command: let the running statement finish, close (and unlock) the database, then stop.
  const stop = (signal: NodeJS.Signals) => void db.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return report(await runCommand(command, args, { db, now: Date.now(), out: print }, input));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await db.close();
  }
}

const ADMIN_COMMAND = 'an admin command';
const NO_CHANNEL =
  'It takes no admin commands (it has no admin channel: a test, or a server still starting). ' +
  'Wait until the server has started, or stop that process, then run the command again.';

/** The lock's refusal with what to do next, which depends on who holds the folder. */
function refusal(err: unknown, whenCommand: string, otherwise?: string): unknown {
  if (!(err instanceof DataDirInUseError) || err.holder.pid === process.pid) return err;
  const advice = err.holder.holder === ADMIN_COMMAND ? whenCommand : otherwise;
  return advice === undefined ? err : new DataDirInUseError(err.dir, err.holder, advice);
}

function report(outcome: { exitCode: number; error?: string | undefined }): number {
  if (outcome.error !== undefined) console.error(`error: ${outcome.error}`);
  return outcome.exitCode;
}

async function serve(args: ParsedArgs, url: string | undefined, dataDir: string): Promise<number> {
  // TLS, the trusted proxy and the abuse limits: flags over LOYALTY_* variables over the defaults.
  const config = serveConfig(args, process.env);
  // The master key the token-signing keys are sealed under, and the end of HMAC signing (cli/trust-config.ts).
  const keyFile = masterKeyFile(args, process.env);
  requireMasterKeyFile(url, keyFile);
  const protocol = protocolPolicy(args, process.env);
  const db = await openDatabase({
    url,
    dataDir,
    holder: 'the loyalty server',
    masterKeyFile: keyFile,
    onMasterKey: (event) => print(masterKeyNotice(event)),
  }).catch((err: unknown) => {
    throw refusal(err, 'Start the server again when it has finished.');
  });
  let server: RunningServer | null = null;
  let channel: AdminChannel | null = null;
  try {
    server = await startServer({ db, ...config, protocol });
    if (dataDir !== 'memory://') {
      // On PostgreSQL the folder holds only the channel file; it is made if missing.
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      channel = await openAdminChannel({ db, dataDir, database: databaseIdentity({ url, dataDir }), log: server.app.log });
    }
  } catch (err) {
    // The port is taken, say: free the folder for the next attempt rather than keep it locked.
    await server?.close();
    await db.close();
    throw err;
  }
  print(`Loyalty server listening on ${server.url} (${db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'})`);
  const warning = plainHttpWarning(config);
  if (warning !== null) console.error(warning);
  const stop = async () => {
    await channel?.close();
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
    console.error(`error: ${errorMessage(err)}`);
    process.exitCode = exitCodeFor(err);
  },
);
