import { writeTransaction, type TerminalDb } from '../backend/store/connection.ts';
import { saveSealedCredentials } from '../backend/store/sync-state.ts';
import { sealCredentials, type DeviceKeySource } from '../backend/sync/credentials.ts';
import { loadCredentials } from '../backend/sync/pair.ts';

/**
 * A later start on another server port (LT_DEMO_SERVER_PORT) serves the same server data: the
 * pairing is kept (same terminal id and secret, so queued events and the pull cursor stay valid)
 * and only its address is changed. Before, the terminal kept calling the old port and stayed
 * offline without a word. True when the address changed.
 */
export function followServerAddress(store: TerminalDb, keySource: DeviceKeySource, serverUrl: string): boolean {
  const credentials = loadCredentials(store, keySource);
  if (credentials === null || credentials.serverUrl === serverUrl) return false;
  const moved = { ...credentials, serverUrl };
  writeTransaction(store, (db) => saveSealedCredentials(db, sealCredentials(moved, keySource())));
  return true;
}
