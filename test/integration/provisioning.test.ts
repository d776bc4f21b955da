/**
 * Headless provisioning against the real central server (PGlite, in-process,
 * ephemeral port): `--pair CODE --server URL [--ca FILE]` and its exit codes.
 * The commands run through runCli, the code both the Node entry and the
 * Electron app run; one case runs the Node entry as a real process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, type CliDeps } from '../../main/app/cli-commands.ts';
import { EXIT } from '../../main/app/cli-exit-codes.ts';
import { keyFileSource, openCredentials } from '../../main/backend/sync/credentials.ts';
import { closeTerminalDb, openTerminalDb } from '../../main/backend/store/connection.ts';
import { sealedCredentials } from '../../main/backend/store/sync-state.ts';
import { DEMO_STORE } from '../../main/demo/demo-data.ts';
import { seedDemoServer } from '../../main/demo/seed-server.ts';
import { createPairingCode } from '../../server/admin/terminals.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { Db } from '../../server/store/db.ts';
import { openDatabase } from '../../server/store/open.ts';
import { tempDir } from '../helpers/terminal.ts';

const dir = tempDir('provisioning-');
let db: Db;
let server: RunningServer;
let tlsServer: Server;
let tlsUrl: string;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await seedDemoServer(db, Date.now(), 5);
  server = await startServer({ db, port: 0, host: '127.0.0.1', log: false, maintenanceIntervalMs: 0 });
  // A server whose certificate no one trusts: self-signed, made for this run.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir.path, 'tls.key'),
      '-out',
      join(dir.path, 'tls.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tlsServer = createServer({ key: readFileSync(join(dir.path, 'tls.key')), cert: readFileSync(join(dir.path, 'tls.pem')) }, (_req, res) =>
    res.writeHead(404).end(),
  );
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => tlsServer?.close(resolve));
  await db?.close();
  dir.remove();
});

let run = 0;
async function cli(args: string[]): Promise<{ exit: number; out: string; err: string; dataDir: string }> {
  const dataDir = join(dir.path, `terminal-${++run}`);
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    keySource: (dbPath) => keyFileSource(`${dbPath}.key`),
    versions: { app: 'test' },
    env: { LT_CONFIG_FILE: join(dir.path, 'no-config.json'), LT_DATA_DIR: dataDir, LT_LOG_DIR: join(dataDir, 'logs') },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: Date.now,
  };
  const exit = await runCli(args, deps);
  return { exit, out: out.join('\n'), err: err.join('\n'), dataDir };
}

const code = async () => (await createPairingCode(db, { storeId: DEMO_STORE.id }, Date.now())).code;

describe('--pair', () => {
  test('a good code pairs (exit 0) and seals the credentials with the device key', async () => {
    const r = await cli(['--pair', await code(), '--server', server.url, '--terminal-name', 'Till 3']);
    expect(r.err).toBe('');
    expect(r.exit).toBe(EXIT.OK);
    expect(r.out).toContain(`store ${DEMO_STORE.id}`);
    const dbPath = join(r.dataDir, 'terminal.sqlite');
    const store = openTerminalDb(dbPath);
    try {
      const credentials = openCredentials(sealedCredentials(store.db)!, keyFileSource(`${dbPath}.key`)());
      expect(credentials).toMatchObject({ serverUrl: server.url, storeId: DEMO_STORE.id });
    } finally {
      closeTerminalDb(store);
    }
    // The code and the secret are not in the CLI's log.
    const log = readFileSync(join(r.dataDir, 'logs', 'cli.log'), 'utf8');
    expect(log).toContain('sync.paired');
  });

  test('a code used twice, or never issued: exit 3', async () => {
    const once = await code();
    expect((await cli(['--pair', once, '--server', server.url])).exit).toBe(EXIT.OK);
    const again = await cli(['--pair', once, '--server', server.url]);
    expect(again.exit).toBe(EXIT.BAD_CODE);
    expect((await cli(['--pair', 'NOPE-NOPE-NOPE', '--server', server.url])).exit).toBe(EXIT.BAD_CODE);
  });

  test('an unreachable server: exit 4', async () => {
    const r = await cli(['--pair', await code(), '--server', 'http://127.0.0.1:9']);
    expect(r.exit).toBe(EXIT.UNREACHABLE);
    expect(r.err).toMatch(/could not be reached/);
  });

  test('an untrusted certificate: exit 5', async () => {
    const r = await cli(['--pair', 'ANY-CODE', '--server', tlsUrl]);
    expect(r.exit).toBe(EXIT.TLS);
    expect(r.err).toMatch(/certificate/);
  });

  test('a plain http:// server on another machine: exit 5, refused before the code is sent', async () => {
    const r = await cli(['--pair', 'ANY-CODE', '--server', 'http://192.0.2.1:8787']);
    expect(r.exit).toBe(EXIT.TLS);
    expect(r.err).toMatch(/http:\/\/192\.0\.2\.1:8787 is refused/);
    expect(r.err).toMatch(/sync\.allowInsecureHttp/);
  });

  test('bad arguments: exit 2', async () => {
    expect((await cli(['--pair', 'X'])).exit).toBe(EXIT.BAD_ARGUMENTS); // no server
    expect((await cli(['--pair'])).exit).toBe(EXIT.BAD_ARGUMENTS); // no code
    expect((await cli(['--pair', 'X', '--server', 'not a url'])).exit).toBe(EXIT.BAD_ARGUMENTS);
    expect((await cli(['--pair', 'X', '--server', server.url, '--bogus'])).exit).toBe(EXIT.BAD_ARGUMENTS);
    expect((await cli(['--pair', 'X', '--diagnostics', '/tmp/x.zip'])).exit).toBe(EXIT.BAD_ARGUMENTS);
    expect((await cli(['--pair', 'X', '--server', server.url, '--ca', join(dir.path, 'missing.pem')])).exit).toBe(EXIT.BAD_ARGUMENTS);
    writeFileSync(join(dir.path, 'not-a-cert.pem'), 'hello');
    expect((await cli(['--pair', 'X', '--server', server.url, '--ca', join(dir.path, 'not-a-cert.pem')])).exit).toBe(EXIT.BAD_ARGUMENTS);
  });

  test('an invalid machine configuration file: exit 7, naming the file and field', async () => {
    const file = join(dir.path, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ storeId: 'demo-store', display: { kiosk: 'yes' } }));
    const r = await cli(['--pair', 'X', '--server', server.url, '--config', file]);
    expect(r.exit).toBe(EXIT.NOT_CONFIGURED);
    expect(r.err).toContain(`${file}: display.kiosk:`);
  });

  test('the Node entry exits with the status (a real process)', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'main/app/cli.ts', '--pair', 'X'], {
      encoding: 'utf8',
      env: { ...process.env, LT_CONFIG_FILE: join(dir.path, 'none.json'), LT_DATA_DIR: join(dir.path, 'node-entry') },
    });
    expect(child.status).toBe(EXIT.BAD_ARGUMENTS);
    expect(child.stderr).toContain('--server URL is required');
  });
});
