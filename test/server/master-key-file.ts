/**
 * One master key file for every test process on this machine (tokens/master-key.ts):
 * a server on PostgreSQL needs one, and two server processes on one database
 * must share it (each would otherwise seal the signing keys under its own).
 */
import { join } from 'node:path';
import { ensureMasterKeyFile } from '../../server/tokens/master-key.ts';
import { scratchRoot } from '../helpers/scratch-dir.ts';

export function testMasterKeyFile(): string {
  const path = join(scratchRoot(), 'lt-test-master-key');
  ensureMasterKeyFile(path); // made once, race-safe ('wx'), mode 0600
  return path;
}
