import type { IpcMain, IpcMainEvent, MessagePortMain } from 'electron';
import { BRIDGE_CONNECT_CHANNEL, BRIDGE_PORT_CHANNEL } from '../../shared/bridge.ts';
import type { Logger } from '../backend/platform/logging.ts';
import { isTrustedSender } from './security.ts';
import type { UtilityBackend } from './utility-backend.ts';

/**
 * The preload asks for its port over IPC; that request is the only IPC
 * message the shell accepts, and only from the top frame of app://terminal.
 * A reload asks again and gets a fresh connection (the old one is dropped).
 */
export function installRendererLink(
  ipcMain: Pick<IpcMain, 'on'>,
  backend: Pick<UtilityBackend<MessagePortMain>, 'attach' | 'detach'>,
  log: Logger,
): void {
  const connOf = new Map<number, number>();
  ipcMain.on(BRIDGE_CONNECT_CHANNEL, (event: IpcMainEvent) => {
    if (!isTrustedSender(event.senderFrame)) {
      log.log('warn', 'ipc.refused_sender', { channel: BRIDGE_CONNECT_CHANNEL, url: safeUrl(event.senderFrame?.url) });
      return;
    }
    const contents = event.sender;
    const previous = connOf.get(contents.id);
    if (previous !== undefined) backend.detach(previous);
    const conn = backend.attach((port, restarted) => {
      if (!contents.isDestroyed()) contents.postMessage(BRIDGE_PORT_CHANNEL, { restarted }, [port]);
    });
    connOf.set(contents.id, conn);
    if (previous === undefined) {
      contents.once('destroyed', () => {
        const current = connOf.get(contents.id);
        if (current !== undefined) backend.detach(current);
        connOf.delete(contents.id);
      });
    }
  });
}

/** Only scheme and host of a refused sender go to the log (a URL could carry anything). */
function safeUrl(url: string | undefined): string {
  try {
    const u = new URL(url ?? '');
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'invalid';
  }
}
