/**
 * `--diagnostics OUT.zip`: logs, versions, configuration, database and queue
 * statistics — and nothing personal or secret. Every file in the zip is
 * scanned for this test's member names, phones, e-mails, card numbers, the
 * sync secret, the device key and the staff PIN.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../../main/app/cli-commands.ts';
import { EXIT } from '../../main/app/cli-exit-codes.ts';
import { rotatingLog } from '../../main/backend/platform/log-files.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { keyPinHash, pinKeyOf } from '../../main/backend/staff/pin-verifier.ts';
import { writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertStaff } from '../../main/backend/store/staff.ts';
import { saveSealedCredentials } from '../../main/backend/store/sync-state.ts';
import { keyFileSource, sealCredentials } from '../../main/backend/sync/credentials.ts';
import { createTestTerminal, tempDir } from '../helpers/terminal.ts';
import { unzip } from '../helpers/zip.ts';

const dir = tempDir('diagnostics-');
afterAll(() => dir.remove());

test('the bundle holds the figures IT needs and no personal data or secret', async () => {
  const dataDir = join(dir.path, 'data');
  const logDir = join(dir.path, 'logs');
  const logFile = rotatingLog({ dir: logDir, name: 'backend' });
  const log = jsonLogger((line) => logFile.write(line), 'debug');
  mkdirSync(dataDir, { recursive: true });
  const t = createTestTerminal({ dir: dataDir, now: Date.now(), log });

  const members = [
    { name: 'Zebulon Quackenbush', phone: '+33 6 12 34 56 78', email: 'zebulon.q@example.org', cardNumber: '2900000000012345' },
    { name: 'Philippa Thistlewood', phone: '0612987654', email: 'p.thistle@example.net', cardNumber: 'CARD-PT-774411' },
    { name: 'Ørjan Ødegård', phone: '+47 912 34 567', email: 'orjan@example.no', cardNumber: '2900000000099887' },
  ];
  const manager = t.login('manager');
  for (const m of members) t.enrol(manager, m);
  t.call('member.search', { phonePrefix: members[0]!.phone.slice(0, 6) }, t.login('cashier'));
  t.call('member.search', { namePrefix: 'Zebul' }, t.login('cashier'));
  const PIN = '7391548';
  writeTransaction(t.backend.store, (db) =>
    upsertStaff(db, {
      id: 'manager-9',
      name: 'Gwendolyn Pinsworth',
      role: 'manager',
      pinHash: keyPinHash(hashPin(PIN, 1024), pinKeyOf(t.backend.store)),
      active: true,
      now: Date.now(),
    }),
  );
  t.call('staff.login', { staffId: 'manager-9', pin: PIN });
  t.fail('staff.login', { staffId: 'manager-9', pin: '1111' });

  const SECRET = 'sekret-ZXCV-98765-qwerty-sync';
  const deviceKey = keyFileSource(`${t.dbPath}.key`)();
  writeTransaction(t.backend.store, (db) =>
    saveSealedCredentials(
      db,
      sealCredentials(
        { serverUrl: 'https://loyalty.example.org', terminalId: 'term-1', storeId: 'store-1', secret: SECRET, caPem: null },
        deviceKey,
      ),
    ),
  );
  // A careless log line: personal fields are redacted on write; free text is scrubbed in the bundle.
  log.log('warn', 'test.careless', {
    name: members[0]!.name,
    phone: members[0]!.phone,
    email: members[0]!.email,
    detail: `lookup failed for ${members[1]!.email} card 2900000000099887 tel +47 912 34 567`,
  });
  logFile.close();
  t.close();

  const out = join(dir.path, 'diag.zip');
  const lines: string[] = [];
  const exit = await runCli(['--diagnostics', out], {
    keySource: (p) => keyFileSource(`${p}.key`),
    versions: { app: '1.0.0-test', node: process.versions.node },
    env: {
      LT_CONFIG_FILE: join(dir.path, 'none.json'),
      LT_DATA_DIR: dataDir,
      LT_LOG_DIR: logDir,
      LT_STORE_ID: 'store-1',
      LT_UPDATE_URL: 'https://user:hunter2@updates.example.org/feed?token=abc',
    },
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    now: Date.now,
  });
  expect(lines.join('\n')).toContain('Wrote');
  expect(exit).toBe(EXIT.OK);

  const raw = readFileSync(out);
  const files = unzip(raw);
  expect([...files.keys()].sort()).toEqual([
    'backups.json',
    'configuration.json',
    'database.json',
    'logs/backend.log',
    'logs/cli.log',
    'versions.json',
  ]);
  const database = JSON.parse(files.get('database.json')!) as {
    rows: Record<string, number>;
    queue: { pending: number };
    paired: boolean;
    quickCheck: string[];
  };
  expect(database.rows.members).toBe(3);
  expect(database.queue.pending).toBeGreaterThanOrEqual(3);
  expect(database.paired).toBe(true);
  expect(database.quickCheck).toEqual(['ok']);
  expect(JSON.parse(files.get('versions.json')!)).toMatchObject({ app: '1.0.0-test' });
  const configuration = JSON.parse(files.get('configuration.json')!) as { config: { storeId: string; updates: { url: string } } };
  expect(configuration.config.storeId).toBe('store-1');
  expect(configuration.config.updates.url).toBe('https://updates.example.org/feed');
  expect(files.get('logs/backend.log')).toContain('test.careless');

  const forbidden = [
    ...members.flatMap((m) => [m.name, m.phone, m.phone.replace(/\s/g, ''), m.email, m.cardNumber]),
    'Quackenbush',
    'Thistlewood',
    'Gwendolyn',
    'Pinsworth',
    PIN,
    SECRET,
    deviceKey.toString('hex'),
    deviceKey.toString('base64'),
    'hunter2',
    'token=abc',
  ];
  for (const [name, text] of files) {
    for (const needle of forbidden) expect(text.includes(needle), `${name} contains ${needle}`).toBe(false);
  }
  for (const needle of forbidden) expect(raw.includes(Buffer.from(needle)), `the zip contains ${needle}`).toBe(false);
});
