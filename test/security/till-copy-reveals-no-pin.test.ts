/**
 * "A copy of a till's database reveals no PIN" (docs/security.md): a till gets its
 * staff from a pull, as the server hashes their PINs (scrypt), and makes a backup.
 * An attacker copies the database file and the backup folder, but not the device
 * key kept beside them (or in the OS keyring), and tries EVERY 4-digit and EVERY
 * 6-digit PIN against every PIN verifier those files hold, the way the code builds
 * them (scrypt, then the HMAC, under the keys an attacker could guess). None
 * matches. The control: the same attack against the scrypt hashes the till
 * received (what it stored before keyed verifiers) finds both PINs, so the attack
 * is real and this test can fail.
 *
 * Cheap scrypt parameters (N = 2) and one salt for every hash make the 1,010,000
 * candidates affordable: scrypt runs once per candidate, split over worker threads.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, expect, test } from 'vitest';
import { pullResponseSchema } from '../../shared/sync-protocol.ts';
import { hashPin } from '../../node-shared/pin-hash.ts';
import { createBackend } from '../../main/backend/backend.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { backupDatabase } from '../../main/backend/platform/backup.ts';
import { keysOf, subKey } from '../../main/backend/platform/sealed-keys.ts';
import { checkPin } from '../../main/backend/staff/pin-check.ts';
import { closeTerminalDb, openReadableDb } from '../../main/backend/store/connection.ts';
import { applyPullPage } from '../../main/backend/sync/pull-page.ts';
import { SATURDAY, tempDir } from '../helpers/terminal.ts';

const dir = tempDir('till-copy-');
afterAll(() => dir.remove());

const CASHIER = { id: 'cashier-7', name: 'Casimir Kasse', role: 'cashier' as const, pin: '4821' };
const MANAGER = { id: 'manager-7', name: 'Magda Leiterin', role: 'manager' as const, pin: '730615' };
const CANDIDATES = 10_000 + 1_000_000;

interface Target {
  label: string;
  salt: string;
  n: number;
  r: number;
  p: number;
  len: number;
  /** The bytes an attacker compares a candidate's result with. */
  expected: string;
  /** For a keyed verifier: the text the code HMACs before the scrypt hash. */
  prefix: string | null;
}

/** Every PIN verifier or hash in the text of a file, as the attacker parses it. */
function verifiersIn(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  return [...new Set(text.match(/(?:keyed1\$\d+\$\d+\$\d+\$\d+|scrypt\$\d+\$\d+\$\d+)\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*/g) ?? [])];
}

function target(label: string, stored: string): Target {
  const parts = stored.split('$');
  if (parts[0] === 'scrypt') {
    const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
    return { label, salt, n: +n, r: +r, p: +p, len: Buffer.from(hash, 'base64').length, expected: hash, prefix: null };
  }
  const [, n, r, p, len, salt, mac] = parts as [string, string, string, string, string, string, string];
  return { label, salt, n: +n, r: +r, p: +p, len: +len, expected: mac, prefix: stored.slice(0, stored.lastIndexOf('$') + 1) };
}

// Plain JavaScript, so the workers need no TypeScript loader. A candidate's scrypt result is
// computed once per (salt, parameters) and tried against every target sharing them: compared
// as it is (an unkeyed hash, or a verifier that were only the hash) and, for a keyed verifier,
// HMACed under every guessed key the way the till builds it.
const ATTACK = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac, scryptSync } = require('node:crypto');
const { from, to, targets, guesses } = workerData;
const groups = new Map();
for (const t of targets) {
  const k = [t.salt, t.n, t.r, t.p, t.len].join('$');
  if (!groups.has(k)) groups.set(k, { salt: Buffer.from(t.salt, 'base64'), n: t.n, r: t.r, p: t.p, len: t.len, targets: [] });
  groups.get(k).targets.push({ label: t.label, expected: Buffer.from(t.expected, 'base64'), prefix: t.prefix });
}
const keys = guesses.map((g) => Buffer.from(g, 'base64'));
const found = [];
const tried = new Map(targets.map((t) => [t.label, 0]));
for (let i = from; i < to; i++) {
  const pin = i < 10000 ? String(i).padStart(4, '0') : String(i - 10000).padStart(6, '0');
  for (const g of groups.values()) {
    const hash = scryptSync(pin, g.salt, g.len, { N: g.n, r: g.r, p: g.p });
    for (const t of g.targets) {
      tried.set(t.label, tried.get(t.label) + 1);
      if (hash.equals(t.expected)) found.push({ label: t.label, pin });
      if (t.prefix !== null)
        for (const key of keys)
          if (createHmac('sha256', key).update(t.prefix).update(hash).digest().equals(t.expected)) found.push({ label: t.label, pin });
    }
  }
}
parentPort.postMessage({ found, tried: [...tried] });
`;

async function bruteForce(
  targets: Target[],
  guesses: Buffer[],
): Promise<{ found: { label: string; pin: string }[]; tried: Map<string, number> }> {
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  const per = Math.ceil(CANDIDATES / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const worker = new Worker(ATTACK, {
        eval: true,
        workerData: { from: w * per, to: Math.min(CANDIDATES, (w + 1) * per), targets, guesses: guesses.map((g) => g.toString('base64')) },
      });
      return new Promise<{ found: { label: string; pin: string }[]; tried: [string, number][] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }).finally(() => void worker.terminate());
    }),
  );
  const tried = new Map<string, number>();
  for (const part of parts) for (const [label, n] of part.tried) tried.set(label, (tried.get(label) ?? 0) + n);
  return { found: parts.flatMap((p) => p.found), tried };
}

test('a copy of a till’s database and its backups gives no PIN, though every 4- and 6-digit PIN is tried', async () => {
  const started = performance.now();
  const till = join(dir.path, 'till');
  const backups = join(till, 'backups');
  mkdirSync(till);
  const dbPath = join(till, 'terminal.sqlite');
  const clock = new ManualClock(SATURDAY);
  const backend = createBackend({ dbPath, storeId: 'store-1', clock });

  // The server's hashes, as a pull brings them (cheap parameters, one salt: see above).
  const salt = Buffer.alloc(16, 0x5a);
  const serverHashes = new Map([CASHIER, MANAGER].map((s) => [s.id, hashPin(s.pin, 2, salt)]));
  const page = pullResponseSchema.parse({
    members: [],
    programs: [],
    products: [],
    staff: [CASHIER, MANAGER].map((s) => ({ id: s.id, name: s.name, role: s.role, pinHash: serverHashes.get(s.id), active: true })),
    publicKeys: [],
    revokedTokens: [],
    nextCursor: 'c1',
    more: false,
    terminalAppliedSeq: 0,
    serverTime: SATURDAY,
  });
  applyPullPage(backend.store, page, SATURDAY);
  // The till itself still knows both PINs.
  const lockout = { attempts: 5, ms: 60_000 };
  for (const s of [CASHIER, MANAGER])
    expect(checkPin(backend.store, lockout, { staffId: s.id, pin: s.pin, least: 'cashier' }, SATURDAY).ok, s.id).toBe(true);
  await backupDatabase(backend.store.db, backups, { keep: 3, now: SATURDAY, key: keysOf(backend.store).backup() });
  await backupDatabase(backend.store.db, backups, { keep: 3, now: SATURDAY + 60_000, key: keysOf(backend.store).backup() });
  closeTerminalDb(backend.store);

  // The attacker's copy: the database and every backup, not the key beside them.
  const copy = join(dir.path, 'copy');
  mkdirSync(copy);
  copyFileSync(dbPath, join(copy, 'terminal.sqlite'));
  for (const name of readdirSync(backups)) copyFileSync(join(backups, name), join(copy, name));
  expect(readdirSync(till)).toContain('terminal.sqlite.key');
  expect(readdirSync(copy).filter((n) => n.includes('.key'))).toEqual([]);
  expect(readdirSync(copy).filter((n) => n.endsWith('.sqlite.enc'))).toHaveLength(2);

  // Everything the copy holds that looks like a PIN hash: the staff table, and any such text anywhere in any file.
  const readable = openReadableDb(join(copy, 'terminal.sqlite'));
  const fromTable = readable.prepare('SELECT pin_hash FROM staff').pluck().all() as string[];
  readable.close();
  const fromBytes = readdirSync(copy).map((name) => ({ name, found: verifiersIn(readFileSync(join(copy, name))) }));
  expect(fromBytes.filter((f) => f.name.endsWith('.enc')).flatMap((f) => f.found)).toEqual([]); // the backups are ciphertext
  const held = [...new Set([...fromTable, ...fromBytes.flatMap((f) => f.found)])];
  expect(held).toHaveLength(2);
  for (const v of held) expect(v).toMatch(/^keyed1\$/); // never the server's scrypt hash

  // Keys an attacker might guess: none, all zeros, and what an all-zero device key would give.
  const zero = Buffer.alloc(32);
  const guesses = [zero, subKey(zero, 'pin-verifier')];
  const targets = [...held.map((v, i) => target(`copy-${i}`, v)), ...[...serverHashes].map(([id, hash]) => target(`control-${id}`, hash))];
  const { found, tried } = await bruteForce(targets, guesses);

  for (const t of targets) expect(tried.get(t.label), t.label).toBe(CANDIDATES);
  expect(found.filter((f) => f.label.startsWith('copy-'))).toEqual([]);
  // The control: the unkeyed hashes give their PINs up to the same attack.
  expect(found.filter((f) => f.label.startsWith('control-')).sort((a, b) => a.label.localeCompare(b.label))).toEqual([
    { label: `control-${CASHIER.id}`, pin: CASHIER.pin },
    { label: `control-${MANAGER.id}`, pin: MANAGER.pin },
  ]);
  console.log(
    `till-copy brute force: ${CANDIDATES.toLocaleString('en')} candidates × ${targets.length} targets, ${Math.round(performance.now() - started)} ms`,
  );
}, 180_000);
