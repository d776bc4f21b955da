import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { followServerAddress } from '../../../main/demo/server-address.ts';
import { closeTerminalDb, openTerminalDb, writeTransaction, type TerminalDb } from '../../../main/backend/store/connection.ts';
import { saveSealedCredentials } from '../../../main/backend/store/sync-state.ts';
import { keyFileSource, sealCredentials } from '../../../main/backend/sync/credentials.ts';
import { loadCredentials } from '../../../main/backend/sync/pair.ts';
import { tempDir } from '../../helpers/terminal.ts';

// `npm start` again with another LT_DEMO_SERVER_PORT: the terminal used to keep calling the old port
// and stayed offline without a word. The stored pairing now follows the server to its new address,
// keeping the terminal's id and secret (its queued events and pull cursor stay valid).
let store: TerminalDb | undefined;
const dir = tempDir();
afterEach(() => {
  if (store) closeTerminalDb(store);
  store = undefined;
});

test('a demo restarted on a new server port points the kept pairing at the new address; the same address changes nothing', () => {
  const dbPath = join(dir.path, 'terminal.sqlite');
  store = openTerminalDb(dbPath);
  const keySource = keyFileSource(`${dbPath}.key`);
  const paired = {
    serverUrl: 'http://127.0.0.1:8787',
    terminalId: '0195a0c0-0000-7000-8000-000000000001',
    storeId: 'demo-store',
    secret: 's'.repeat(43),
    caPem: null,
    storeName: 'Demo Market',
    terminalName: 'demo terminal',
  };
  writeTransaction(store, (db) => saveSealedCredentials(db, sealCredentials(paired, keySource())));

  expect(followServerAddress(store, keySource, 'http://127.0.0.1:8787')).toBe(false);
  expect(followServerAddress(store, keySource, 'http://127.0.0.1:9797')).toBe(true);
  expect(loadCredentials(store, keySource)).toEqual({ ...paired, serverUrl: 'http://127.0.0.1:9797' });
  expect(followServerAddress(store, keySource, 'http://127.0.0.1:9797')).toBe(false);
});

test('an unpaired terminal is left for the pairing step', () => {
  const dbPath = join(dir.path, 'fresh.sqlite');
  store = openTerminalDb(dbPath);
  expect(followServerAddress(store, keyFileSource(`${dbPath}.key`), 'http://127.0.0.1:9797')).toBe(false);
});
