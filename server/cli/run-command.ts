/**
 * Runs one administration command and turns its outcome into what the
 * operator sees: output lines, `error: message`, an exit status (2 for a
 * refused or mistaken command, 1 for a failure). The CLI, in its own process,
 * and the admin channel, inside the running server, both run commands through
 * here, so a command answers the same wherever it ran.
 */
import { isAppError } from '../../shared/errors.ts';
import { AdminError } from '../admin/admin-error.ts';
import { HttpError } from '../http/errors.ts';
import { DataDirInUseError } from '../store/data-dir-lock.ts';
import { MasterKeyError } from '../tokens/master-key.ts';
import { SigningKeyError } from '../tokens/signing-keys.ts';
import { UsageError, type ParsedArgs } from './args.ts';
import { COMMANDS, usage, type Command, type CommandContext } from './commands.ts';

/** Refused by the admin channel (wrong token, server gone): the operator's to fix, like a usage error. */
export class AdminChannelError extends Error {
  override readonly name = 'AdminChannelError';
}

export function exitCodeFor(err: unknown): 1 | 2 {
  return err instanceof UsageError ||
    err instanceof AdminError ||
    err instanceof SigningKeyError ||
    err instanceof MasterKeyError ||
    err instanceof HttpError ||
    err instanceof DataDirInUseError ||
    err instanceof AdminChannelError ||
    isAppError(err)
    ? 2
    : 1;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The command named by the first positional, or UsageError with the usage text. */
export function findCommand(args: ParsedArgs): { name: string; command: Command } | null {
  const name = args.positionals[0];
  if (name === undefined) return null;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) throw new UsageError(`Unknown command "${name}".\n\n${usage()}`);
  return { name, command };
}

export interface CommandOutcome {
  exitCode: number;
  /** The message after `error: `, when it failed. */
  error?: string;
}

export async function runCommand(command: Command, args: ParsedArgs, ctx: CommandContext, input: unknown): Promise<CommandOutcome> {
  try {
    await command.run(args, ctx, input);
    return { exitCode: 0 };
  } catch (err) {
    return { exitCode: exitCodeFor(err), error: errorMessage(err) };
  }
}
