/**
 * The CLI's side of the admin channel: sends a command (its arguments and the
 * input the CLI read) to the running server and returns the server's output
 * and exit status, to be printed as if the command had run here.
 */
import { AdminChannelError } from '../cli/run-command.ts';
import type { ChannelRecord } from './channel-file.ts';
import { ADMIN_BODY_LIMIT, adminResponseSchema, COMMAND_PATH, type AdminRequest, type AdminResponse } from './channel-server.ts';

export async function sendAdminCommand(channel: ChannelRecord, request: AdminRequest): Promise<AdminResponse> {
  let res: Response;
  try {
    res = await fetch(channel.url + COMMAND_PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${channel.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    // Whether the command ran is unknown (the server may have stopped mid-way): never rerun it here.
    throw new AdminChannelError(
      `The loyalty server (pid ${channel.pid}) did not answer on its admin channel ${channel.url}. ` +
        'If it has stopped, run the command again; else check the server.',
    );
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401)
    throw new AdminChannelError(
      `The loyalty server (pid ${channel.pid}) refused the admin channel's token: its channel file is out of date.`,
    );
  if (res.status === 413)
    throw new AdminChannelError(
      `The input is larger than the admin channel takes (${ADMIN_BODY_LIMIT / 1024 / 1024} MiB): split the file, or stop the server and run the command again.`,
    );
  const parsed = adminResponseSchema.safeParse(body);
  if (res.status !== 200 || !parsed.success) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : `status ${res.status}`;
    throw new AdminChannelError(`The loyalty server (pid ${channel.pid}) refused the admin command: ${message}`);
  }
  return parsed.data;
}
