/**
 * One server process for the PostgreSQL concurrency tests and the sync
 * benchmark: the real server (startServer) on the database at argv[2], on an
 * ephemeral port, in a child process of its own (its own event loop, pool and
 * turnstile, as a second server process in production). Over IPC it says
 * { url } when listening, passes each log line as { log }, answers 'counts'
 * with { counts } (this process's deadlocks and retries, contention.ts), and
 * closes on 'close'. Its clock: argv[3] (ms) if given, else the system clock.
 */
import { Writable } from 'node:stream';
import { startServer } from '../../server/server.ts';
import { contentionCounts } from '../../server/store/contention.ts';
import { openDatabase } from '../../server/store/open.ts';
import { testMasterKeyFile } from '../server/master-key-file.ts';

const [url, fixedNow, level] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);
const stream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') send({ log: line });
    done();
  },
});
const db = await openDatabase({ url: url!, masterKeyFile: testMasterKeyFile() });
const server = await startServer({
  db,
  port: 0,
  host: '127.0.0.1',
  log: { level: level === 'warn' ? 'warn' : 'info', stream },
  ...(fixedNow === undefined || fixedNow === '' ? {} : { clock: () => Number(fixedNow) }),
  maintenanceIntervalMs: 0,
});
process.on('message', (message) => {
  if (message === 'counts') send({ counts: contentionCounts() });
  if (message === 'close') {
    void (async () => {
      await server.close();
      await db.close();
      process.exit(0);
    })();
  }
});
process.on('disconnect', () => process.exit(0));
send({ url: server.url });
