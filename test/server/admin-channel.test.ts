/**
 * Admin commands while the server runs, with real processes: the server and
 * each command are child processes started the way `npm run server` starts
 * them (node with tsx's loader; not the tsx binary, whose pid would be a
 * wrapper and whose SIGKILL would leave the real server running).
 *
 * On PGlite the running server holds its data folder alone
 * (server/store/data-dir-lock.ts) and commands go through its admin channel
 * (server/admin-channel/); issue 14 lost 1,810 of 2,062 acknowledged sales
 * when a command opened the folder beside the server.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_PATH } from '../../server/admin-channel/channel-server.ts';
import { openDatabase } from '../../server/store/open.ts';
import { authorizationFor, newDeviceKeyPair } from '../../main/backend/sync/request-signer.ts';
import type { PairResponse, PushResponse, SyncEventInput } from '../../shared/sync-protocol.ts';
import { demoProgram } from '../fixtures/program.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';
import { EventLog } from './events.ts';
import { pgliteDataDir } from './pglite-template.ts';
import { testMasterKeyFile } from './master-key-file.ts';
import { startPostgres, type PostgresCluster } from './postgres.ts';

const NODE_ARGS = ['--import', 'tsx', 'server/main.ts'];
const STORE = ['create-store', 'lyon-1', '--name', 'Lyon', '--timezone', 'Europe/Paris', '--currency', 'EUR'];

interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything it wrote so far (its JSON log and the listening line). */
  output(): string;
  /** The parsed JSON log lines. */
  log(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `npm run server` on a port of its own; resolves once it listens, rejects with its output if it exits first. */
function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, '--port', '0', '--data', dataDir], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /Loyalty server listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (url === undefined) return;
      clearInterval(timer);
      resolve({
        child,
        pid: child.pid!,
        url,
        output: () => text,
        log: () =>
          text
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        exited,
      });
    }, 50);
    void exited.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${text}`));
    });
  });
}

/** `npm run server -- <args>` as a child process: what an operator sees. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...NODE_ARGS, ...args],
      { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: '', ...env } },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

type PairedTerminal = PairResponse & { signingKey: string };

async function pair(url: string, code: string): Promise<{ status: number; body: PairedTerminal }> {
  const keys = newDeviceKeyPair();
  const res = await fetch(`${url}/v1/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, terminalName: 'Till 1', publicKey: keys.publicKey }),
  });
  return { status: res.status, body: { ...((await res.json()) as PairResponse), signingKey: keys.signingKey } };
}

async function push(url: string, terminal: PairedTerminal, events: SyncEventInput[]): Promise<PushResponse> {
  const body = JSON.stringify({ events });
  const authorization = await authorizationFor(
    { terminalId: terminal.terminalId, signingKey: terminal.signingKey },
    { method: 'POST', pathWithQuery: '/v1/events', body, ts: Date.now() },
  );
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
  if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as PushResponse;
}

const channelFiles = (dir: string) => readdirSync(dir).filter((f) => /^admin-channel-\d+\.json$/.test(f));
const firstLine = (text: string) => text.split('\n')[0]!;

describe('admin commands on a running server (PGlite)', () => {
  const files = mkdtempSync(join(tmpdir(), 'lt-admin-channel-'));
  afterAll(() => rmSync(files, { recursive: true, force: true }));

  it('go through the server: the printed pairing code pairs a terminal, usage errors read as if local, and the log names commands only', async () => {
    const dir = await pgliteDataDir();
    const server = await startServerProcess(dir);
    try {
      expect(await cli([...STORE, '--data', dir])).toMatchObject({ code: 0, stdout: 'Store lyon-1 created.\n' });
      const made = await cli(['pairing-code', '--store', 'lyon-1', '--data', dir]);
      expect(made).toMatchObject({ code: 0, stdout: expect.stringMatching(/^[0-9A-Z]{5}-[0-9A-Z]{5}\nSingle use; expires /) });
      const paired = await pair(server.url, firstLine(made.stdout));
      expect([paired.status, paired.body.storeId]).toEqual([200, 'lyon-1']);

      // The input is read here, sent, and imported by the server.
      const programme = join(files, 'program.json');
      writeFileSync(programme, JSON.stringify(demoProgram));
      expect(await cli(['import-program', programme, '--data', dir])).toMatchObject({ code: 0, stdout: 'Programme version 1 imported.\n' });
      expect(await cli(['import-program', join(files, 'missing.json'), '--data', dir])).toMatchObject({
        code: 2,
        stderr: `error: Cannot read ${join(files, 'missing.json')}.\n`,
      });
      expect(await cli(['pairing-code', '--data', dir])).toMatchObject({
        code: 2,
        stdout: '',
        stderr: 'error: --store is required (the store id).\n',
      });
      const phone = '+33799887766';
      expect(await cli(['show-member', phone, '--data', dir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: /) });

      const audited = server.log().filter((l) => l.msg === 'admin command');
      expect(audited.map((l) => [l.adminCommand, l.exitCode])).toEqual([
        ['create-store', 0],
        ['pairing-code', 0],
        ['import-program', 0],
        ['pairing-code', 2],
        ['show-member', 2],
      ]);
      expect(server.output()).not.toContain(phone);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    }
    // Stopped: its channel file and its lock are gone, and a command opens the folder itself.
    expect(channelFiles(dir)).toEqual([]);
    expect(existsSync(join(dir, 'loyalty-server.lock'))).toBe(false);
    expect(await cli(['pairing-code', '--store', 'lyon-1', '--data', dir])).toMatchObject({ code: 0 });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('refuses a second server on the folder at once, with what to do; the channel file is 0600 and a wrong token runs nothing', async () => {
    const dir = await pgliteDataDir();
    const server = await startServerProcess(dir);
    try {
      const started = Date.now();
      const second = await startServerProcess(dir).catch((err: Error) => err);
      expect(second).toBeInstanceOf(Error);
      expect((second as Error).message).toContain(`error: ${dir} is in use by the loyalty server (pid ${server.pid}, since `);
      expect((second as Error).message).toContain('they go through it automatically');
      expect(Date.now() - started).toBeLessThan(15_000); // refused, not left waiting (most of this is tsx starting)

      const [file] = channelFiles(dir);
      expect(file).toBe(`admin-channel-${server.pid}.json`);
      expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
      const { url, token } = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as { url: string; token: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const send = (authorization: string) =>
        fetch(url + COMMAND_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ argv: [...STORE] }),
        });
      expect((await send(`Bearer ${token.slice(0, -1)}x`)).status).toBe(401);
      expect((await send('')).status).toBe(401);
      // Nothing ran: the store does not exist, so no pairing code can be made for it.
      expect(await cli(['pairing-code', '--store', 'lyon-1', '--data', dir])).toMatchObject({ code: 2, stdout: '' });
      expect(server.log().filter((l) => l.msg === 'admin command refused: wrong or missing token')).toHaveLength(2);
      expect(server.log().filter((l) => l.adminCommand === 'create-store')).toEqual([]);
      // The right token does run it.
      expect(await (await send(`Bearer ${token}`)).json()).toEqual({ output: ['Store lyon-1 created.'], exitCode: 0 });
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('keeps every acknowledged event through admin commands and a SIGKILL; then a command takes over the stale lock', async () => {
    const dir = await pgliteDataDir();
    const server = await startServerProcess(dir);
    const log = new EventLog('lyon-1');
    let acknowledged = 0;
    let terminalId: string;
    try {
      expect(await cli([...STORE, '--data', dir])).toMatchObject({ code: 0 });
      const terminal = (await pair(server.url, firstLine((await cli(['pairing-code', '--store', 'lyon-1', '--data', dir])).stdout))).body;
      terminalId = terminal.terminalId;
      for (let batch = 0; batch < 6; batch++) {
        const events = Array.from({ length: 25 }, () => log.enrol(randomUUID(), { at: Date.now() }));
        const answer = await push(server.url, terminal, events);
        acknowledged = answer.appliedSeq;
        // Between batches, commands that write, as in the run.
        const command = batch % 2 === 0 ? ['pairing-code', '--store', 'lyon-1'] : ['rotate-key'];
        expect(await cli([...command, '--data', dir])).toMatchObject({ code: 0 });
      }
      expect(acknowledged).toBe(150);
    } finally {
      server.child.kill('SIGKILL');
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    }
    // The dead server's lock and channel file are left behind; a command sees it is gone and opens the folder.
    expect(existsSync(join(dir, 'loyalty-server.lock'))).toBe(true);
    const listed = await cli(['list-terminals', '--data', dir]);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((t) => t.id)).toEqual([terminalId!]);

    const db = await openDatabase({ dataDir: dir });
    try {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_events WHERE terminal_id = $1', [terminalId!]);
      expect(row!.n).toBe(acknowledged);
      const [keys] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM signing_keys');
      expect(keys!.n).toBe(1 + 3); // the key made for the first pairing, and three rotations
    } finally {
      await db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});

describe('admin commands on a running server (PostgreSQL)', () => {
  let cluster: PostgresCluster | null = null;
  afterAll(async () => cluster?.stop());

  it('go through a live server of the same database when several share the folder, and run directly when none runs', async () => {
    cluster = await startPostgres();
    // On PostgreSQL the server needs its master key file (both processes share it).
    const env = { DATABASE_URL: await cluster.createDatabase(), LOYALTY_MASTER_KEY_FILE: testMasterKeyFile() };
    const dir = scratchDir('lt-admin-channel-pg-');
    const first = await startServerProcess(dir, env);
    const second = await startServerProcess(dir, env);
    try {
      expect(channelFiles(dir).sort()).toEqual([`admin-channel-${first.pid}.json`, `admin-channel-${second.pid}.json`].sort());
      expect(await cli([...STORE, '--data', dir], env)).toMatchObject({ code: 0 });
      const audited = () => [...first.log(), ...second.log()].filter((l) => l.msg === 'admin command').length;
      expect(audited()).toBe(1);

      // One server dies without cleaning up: commands reach the other.
      first.child.kill('SIGKILL');
      await first.exited;
      const made = await cli(['pairing-code', '--store', 'lyon-1', '--data', dir], env);
      expect(made.code).toBe(0);
      expect(second.log().filter((l) => l.adminCommand === 'pairing-code')).toHaveLength(1);
      const paired = await pair(second.url, firstLine(made.stdout));
      expect([paired.status, paired.body.storeId]).toEqual([200, 'lyon-1']);

      // A server of another database in the same folder is not asked.
      const other = { DATABASE_URL: await cluster.createDatabase(), LOYALTY_MASTER_KEY_FILE: testMasterKeyFile() };
      expect(await cli(['pairing-code', '--store', 'lyon-1', '--data', dir], other)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^error: /),
      });
      expect(audited()).toBe(2);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    }
    expect(channelFiles(dir)).toEqual([`admin-channel-${first.pid}.json`]); // the killed one's, ignored: its process is gone
    const direct = await cli(['list-terminals', '--data', dir], env);
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.stdout)).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
