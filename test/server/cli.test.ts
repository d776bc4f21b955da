/**
 * The administration commands, run as child processes the way an operator runs
 * them (PGlite data dir or DATABASE_URL). Each process costs seconds (tsx, and
 * PGlite's WebAssembly start), so this covers the command plumbing and exit
 * codes; the admin functions' own rules are tested in-process in admin.test.ts.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMemberToken } from '../../main/backend/scanning/member-token-verify.ts';
import { pushEvents } from '../../server/apply/push.ts';
import { pairTerminal } from '../../server/auth/pair.ts';
import { publicKeys } from '../../server/tokens/signing-keys.ts';
import { EventLog, serverTestProgram } from './events.ts';
import { DRIVERS, openTestDb, usePostgresCluster, type Driver } from './harness.ts';
import { testMasterKeyFile } from './master-key-file.ts';
import { syncEventSchema } from '../../shared/sync-protocol.ts';
import { seedServerStaff } from './staff-seed.ts';

usePostgresCluster();
const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe.each(DRIVERS)('command line (%s)', (driver: Driver) => {
  let target: { dataDir?: string; url?: string; close: () => Promise<void> };
  const files = mkdtempSync(join(tmpdir(), 'lt-cli-'));
  beforeAll(async () => {
    const opened = await openTestDb(driver);
    await opened.db.close(); // the CLI opens it itself
    target = {
      ...(opened.url === undefined ? {} : { url: opened.url }),
      ...(opened.dataDir === undefined ? {} : { dataDir: opened.dataDir }),
      close: async () => opened.dispose(),
    };
  }, 60_000);
  afterAll(async () => {
    await target?.close();
    rmSync(files, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { ...process.env, DATABASE_URL: target.url ?? '', LOYALTY_MASTER_KEY_FILE: testMasterKeyFile() };
    const full = ['server/main.ts', ...args, ...(target.dataDir === undefined ? [] : ['--data', target.dataDir])];
    try {
      const { stdout, stderr } = await run(TSX, full, { env, cwd: process.cwd() });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const json = (name: string, value: unknown) => {
    const path = join(files, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  it('sets up a store, pairs, imports, shows members and flags, issues tokens and rotates keys', async () => {
    expect(
      await cli('create-store', 'lyon-2', '--name', 'Lyon Part-Dieu', '--timezone', 'Europe/Paris', '--currency', 'EUR'),
    ).toMatchObject({ code: 0 });
    const badZone = await cli('create-store', 'x', '--name', 'X', '--timezone', 'Mars/Olympus', '--currency', 'EUR');
    expect([badZone.code !== 0, badZone.stderr]).toEqual([true, expect.stringMatching(/unknown IANA time zone/)]);

    const code = await cli('pairing-code', '--store', 'lyon-2', '--ttl', '2h');
    expect(code.code).toBe(0);
    const pairing = code.stdout.split('\n')[0]!;
    expect(pairing).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    expect(await cli('import-program', json('program.json', serverTestProgram))).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/version 1 imported/),
    });

    // Pair and push through the library on the same database, then inspect from the CLI.
    const opened =
      target.url !== undefined
        ? await (await import('../../server/store/open.ts')).openDatabase({ url: target.url, masterKeyFile: testMasterKeyFile() })
        : await (await import('../../server/store/open.ts')).openDatabase({ dataDir: target.dataDir, masterKeyFile: testMasterKeyFile() });
    const m1 = randomUUID();
    const m2 = randomUUID();
    let terminalId: string;
    try {
      const now = Date.now();
      const paired = await pairTerminal(opened, { code: pairing, terminalName: 'Till' }, now);
      terminalId = paired.terminalId;
      const log = new EventLog('lyon-2');
      log.enrol(m1, { phone: '+33700000001', cardNumber: '2911111111116', bonus: 100, at: now });
      log.enrol(m2, { phone: '+33700000001', at: now });
      log.sale(m1, { redeem: 300, at: now });
      await seedServerStaff(opened);
      await pushEvents(
        opened,
        { terminalId: paired.terminalId, storeId: 'lyon-2' },
        log.events.map((e) => syncEventSchema.parse(e)),
        now,
      );
    } finally {
      await opened.close();
    }

    const shown = JSON.parse((await cli('show-member', '2911111111116')).stdout) as {
      member: { id: string; balance: number };
      ledgerSum: number;
    };
    expect(shown.member).toMatchObject({ id: m1, balance: -200 });
    expect(shown.ledgerSum).toBe(-200);
    const overdrafts = JSON.parse((await cli('flags', '--kind', 'overdraft')).stdout) as { memberId: string }[];
    expect(overdrafts.map((f) => f.memberId)).toEqual([m1]);

    const token = (await cli('issue-token', m1)).stdout.split('\n')[0]!.trim();
    const check = await openTestDbAgain();
    try {
      const keys = new Map((await publicKeys(check)).map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]));
      expect(keys.size).toBe(1);
      expect(verifyMemberToken(token, { keys, now: Date.now() })).toMatchObject({ ok: true, memberId: m1, keyId: 0 });
    } finally {
      await check.close();
    }
    expect(await cli('revoke-terminal', terminalId)).toMatchObject({ code: 0 });
    const unknown = await cli('frobnicate');
    expect([unknown.code !== 0, unknown.stderr]).toEqual([true, expect.stringMatching(/Unknown command/)]);
  }, 240_000);

  async function openTestDbAgain() {
    const { openDatabase } = await import('../../server/store/open.ts');
    const masterKeyFile = testMasterKeyFile();
    return openDatabase(target.url !== undefined ? { url: target.url, masterKeyFile } : { dataDir: target.dataDir, masterKeyFile });
  }
});
