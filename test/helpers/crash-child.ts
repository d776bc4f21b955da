/**
 * The process the crash test kills. It opens an already seeded terminal
 * database (it never seeds: a programme version cannot be installed twice),
 * signs staff in through the real dispatcher and then works like a busy till
 * until it is killed: sales (plain earn, points redemptions when the member
 * can afford them, product rewards), and now and then a refund of one unit or
 * a void, each through the dispatcher.
 *
 * Start-up (node, modules, integrity check, sign-in) costs far more than the
 * parent's kill window, so the parent starts the next child while the current
 * one still runs: the child opens the database and signs in, says STANDBY,
 * and waits for one line on stdin, `GO <json>` with { retry, maxOps }, sent
 * once the previous child is dead. Only then does it write anything else.
 *
 * Protocol on stdout, one line per event, written with fs.writeSync so a line
 * is on the pipe before the next command starts (each line is far below
 * PIPE_BUF, so it arrives whole or not at all):
 *   STANDBY                        opened and signed in; waiting for GO
 *   RETRIED <saleId> landed|lost   the sale handed over by the parent was sent again and
 *                                  answered ok; 'landed' if it was already in the database
 *   READY                          working from now on; the parent starts its kill timer
 *   BEGIN <json input>             about to call sale.commit with this input
 *   SALE <saleId> <memberId|-> <pointsAwarded> <pointsRedeemed>   sale.commit answered ok
 *   REFUND <refundId> <saleId>     sale.refund answered ok
 *   VOID <saleId>                  sale.void answered ok
 *   DONE                           maxOps reached (only in the final, unkilled run)
 * A command that fails although it was planned to succeed is reported on
 * stderr as `UNEXPECTED <method> <code> <message>`: the parent fails on it.
 *
 * Usage: child '<json options>' with options { dbPath, migrationsDir }; then
 * on stdin `GO {"retry": <sale.commit input> | null, "maxOps": number | null}`.
 */
import { writeSync } from 'node:fs';
import type { Input, Method, Output } from '../../shared/api.ts';
import { createBackend } from '../../main/backend/backend.ts';
import { createSyncDispatcher } from '../../main/backend/dispatch.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { loadMigrations } from '../../main/backend/store/migrations.ts';
import { PRODUCTS, STAFF } from './terminal.ts';

export interface CrashChildOptions {
  dbPath: string;
  migrationsDir: string;
}

export interface CrashChildGo {
  /** A sale that was in flight when the previous child died: sent again first, with the same id. */
  retry: Input<'sale.commit'> | null;
  /** Stop after this many operations and exit cleanly; null = run until killed. */
  maxOps: number | null;
}

const SKUS = PRODUCTS.map((p) => ({ sku: p.sku, priceMinor: p.priceMinor }));
const CATEGORIES = ['tobacco', 'organic', 'drinks', 'bakery', 'household'];

const options = JSON.parse(process.argv[2] ?? '{}') as CrashChildOptions;

function out(line: string): void {
  writeSync(1, `${line}\n`);
}

const backend = createBackend({ dbPath: options.dbPath, storeId: 'store-1', open: { migrations: loadMigrations(options.migrationsDir) } });
const dispatch = createSyncDispatcher(backend);
let requestId = 1;

type Answer<M extends Method> = { ok: true; result: Output<M> } | { ok: false; error: { code: string; message: string } };

function call<M extends Method>(method: M, input: Input<M>, token: string | null): Answer<M> {
  const response = dispatch({ id: requestId++, method, input, token });
  return response.ok ? { ok: true, result: response.result as Output<M> } : { ok: false, error: response.error };
}

function must<M extends Method>(method: M, input: Input<M>, token: string | null): Output<M> | null {
  const answer = call(method, input, token);
  if (answer.ok) return answer.result;
  process.stderr.write(`UNEXPECTED ${method} ${answer.error.code} ${answer.error.message}\n`);
  return null;
}

function login(who: 'cashier' | 'manager'): string {
  const result = must('staff.login', { staffId: STAFF[who].id, pin: STAFF[who].pin }, null);
  if (result === null) throw new Error(`cannot sign in ${who}`);
  return result.token;
}

const rand = (n: number): number => Math.floor(Math.random() * n);
const chance = (p: number): boolean => Math.random() < p;

const db = backend.store.db;
const memberIds = db.prepare('SELECT id FROM members ORDER BY id').pluck().all() as string[];
const cashier = login('cashier');
const manager = login('manager');

function commit(input: Input<'sale.commit'>): void {
  out(`BEGIN ${JSON.stringify(input)}`);
  const result = must('sale.commit', input, cashier);
  if (result === null) return;
  out(`SALE ${result.saleId} ${result.memberId ?? '-'} ${result.pointsAwarded} ${result.redemption?.points ?? 0}`);
}

function basket(): { lines: Input<'sale.commit'>['lines']; totalMinor: number } {
  const lines: Input<'sale.commit'>['lines'] = [];
  let totalMinor = 0;
  const n = 1 + rand(4);
  for (let i = 0; i < n; i++) {
    if (chance(0.7)) {
      const product = SKUS[rand(SKUS.length)]!;
      const quantity = 1 + rand(3);
      lines.push({ sku: product.sku, quantity });
      totalMinor += product.priceMinor * quantity;
    } else {
      const amountMinor = rand(20_000);
      lines.push({ category: CATEGORIES[rand(CATEGORIES.length)]!, amountMinor });
      totalMinor += amountMinor;
    }
  }
  return { lines, totalMinor };
}

function sale(): void {
  const memberId = chance(0.9) && memberIds.length > 0 ? memberIds[rand(memberIds.length)]! : null;
  const { lines, totalMinor } = basket();
  let redemption: Input<'sale.commit'>['redemption'] = null;
  if (memberId !== null && chance(0.35)) {
    const member = must('member.get', { memberId }, cashier);
    if (member !== null) {
      // Demo programme: 100 points = 1.00, at least 500, steps of 100, at most half the basket.
      const cap = Math.floor(Math.floor(totalMinor / 2) / 100) * 100;
      const byBalance = Math.floor(member.available / 100) * 100;
      const points = Math.min(cap, byBalance);
      if (points >= 500) redemption = { kind: 'points', points: 500 + rand((points - 500) / 100 + 1) * 100 };
      else if (member.available >= 300 && chance(0.5)) {
        lines.push({ sku: 'COFFEE-CUP', quantity: 1 });
        redemption = { kind: 'reward', rewardId: 'free-coffee' };
      }
    }
  }
  commit({ saleId: uuidv7(), memberId, lines, redemption });
}

function refundOne(): void {
  // Among recent sales (the index keeps this cheap however big the file grows).
  const lines = db
    .prepare(
      `SELECT sl.sale_id, sl.line_no FROM (SELECT id FROM sales WHERE status = 'completed' ORDER BY created_at DESC LIMIT 40) s
       JOIN sale_lines sl ON sl.sale_id = s.id WHERE sl.refunded_quantity < sl.quantity`,
    )
    .all() as { sale_id: string; line_no: number }[];
  if (lines.length === 0) return;
  const line = lines[rand(lines.length)]!;
  const refundId = uuidv7();
  const result = must('sale.refund', { refundId, saleId: line.sale_id, lines: [{ lineNo: line.line_no, quantity: 1 }] }, manager);
  if (result !== null) out(`REFUND ${refundId} ${line.sale_id}`);
}

function voidOne(): void {
  const saleIds = db
    .prepare(
      `SELECT id FROM (SELECT id FROM sales WHERE status = 'completed' ORDER BY created_at DESC LIMIT 40) s
       WHERE NOT EXISTS (SELECT 1 FROM refunds r WHERE r.sale_id = s.id)`,
    )
    .pluck()
    .all() as string[];
  if (saleIds.length === 0) return;
  const saleId = saleIds[rand(saleIds.length)]!;
  const result = must('sale.void', { saleId }, manager);
  if (result !== null) out(`VOID ${saleId}`);
}

function work(go: CrashChildGo): void {
  // A till that crashed mid-sale sends the same sale again, with the same id.
  if (go.retry) {
    // 'landed': the killed child's commit reached the database although it was never reported (killed
    // between the commit and the SALE line, or after its WAL frames were written and a cold start
    // recovered them). 'lost': the transaction never completed. Either way the retry must leave one sale.
    const landed = db.prepare('SELECT 1 FROM sales WHERE id = ?').get(go.retry.saleId) !== undefined;
    const result = must('sale.commit', go.retry, cashier);
    if (result !== null) {
      out(`RETRIED ${result.saleId} ${landed ? 'landed' : 'lost'}`);
      out(`SALE ${result.saleId} ${result.memberId ?? '-'} ${result.pointsAwarded} ${result.redemption?.points ?? 0}`);
    }
  }
  out('READY');
  const maxOps = go.maxOps ?? Number.POSITIVE_INFINITY;
  for (let op = 0; op < maxOps; op++) {
    const r = Math.random();
    if (r < 0.07) refundOne();
    else if (r < 0.1) voidOne();
    else sale();
  }
  out('DONE');
  db.close();
  process.exit(0);
}

out('STANDBY');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  input += chunk;
  const end = input.indexOf('\n');
  if (end < 0) return;
  const line = input.slice(0, end);
  if (!line.startsWith('GO ')) throw new Error(`expected GO, got ${line.slice(0, 80)}`);
  process.stdin.pause();
  work(JSON.parse(line.slice(3)) as CrashChildGo);
});
