/**
 * The server's settings for keys and signatures, from flags over LOYALTY_*
 * variables (server/main.ts):
 * - `--master-key-file` / LOYALTY_MASTER_KEY_FILE: the master key the token-signing
 *   keys are sealed under (tokens/master-key.ts). Required with DATABASE_URL; for a
 *   PGlite folder the default is `<folder>.master-key`, made on first start.
 * - `--v1-accepted-until` / LOYALTY_V1_ACCEPTED_UNTIL: the ISO date after which HMAC
 *   request signatures (protocol version 1) are refused (auth/protocol-window.ts);
 *   default 90 days after this server first ran protocol version 2.
 */
import { parseV1AcceptedUntil, type ProtocolPolicy } from '../auth/protocol-window.ts';
import { MASTER_KEY_SETTING, MasterKeyError } from '../tokens/master-key.ts';
import { stringFlag, UsageError, type ParsedArgs } from './args.ts';

type Env = Record<string, string | undefined>;

/** The configured master key file, or undefined (the default applies: store/open.ts). */
export function masterKeyFile(args: ParsedArgs, env: Env): string | undefined {
  const given = stringFlag(args, 'master-key-file') ?? env.LOYALTY_MASTER_KEY_FILE;
  return given === undefined || given === '' ? undefined : given;
}

/** For serving: with DATABASE_URL a master key file must be configured; the message names the setting. */
export function requireMasterKeyFile(url: string | undefined, file: string | undefined): void {
  if (url === undefined || url === '' || file !== undefined) return;
  throw new MasterKeyError(
    `DATABASE_URL is set but no master key file is (${MASTER_KEY_SETTING}). The token-signing keys in PostgreSQL are sealed under it: ` +
      'give the file this database was used with, or for a new database make one (openssl rand -hex 32 > master.key; chmod 600 master.key) ' +
      'and keep a copy apart from the database backups.',
  );
}

export function protocolPolicy(args: ParsedArgs, env: Env): ProtocolPolicy {
  const given = stringFlag(args, 'v1-accepted-until') ?? env.LOYALTY_V1_ACCEPTED_UNTIL;
  if (given === undefined || given === '') return {};
  try {
    return { v1AcceptedUntil: parseV1AcceptedUntil(given, '--v1-accepted-until / LOYALTY_V1_ACCEPTED_UNTIL') };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** What the server prints about its master key file. */
export function masterKeyNotice(event: { path: string; created: boolean }): string {
  return event.created
    ? `Made a new master key file ${event.path} (mode 0600) for the token-signing keys. Back it up apart from the database: without it the keys cannot be opened.`
    : `Master key file: ${event.path}`;
}
