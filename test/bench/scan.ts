import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanEvent } from '../../shared/scan.ts';
import { createBackend } from '../../main/backend/backend.ts';
import { ManualClock } from '../../main/backend/platform/clock.ts';
import { createScanHub } from '../../main/backend/scanning/scan-hub.ts';
import { startSerialScanner, type SerialScannerState } from '../../main/backend/scanning/serial-scanner.ts';
import type { ReadableDb } from '../../main/backend/store/connection.ts';
import { memberByCard, type MemberRow } from '../../main/backend/store/members.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { BENCH_MEMBERS, BENCH_NOW, benchDatabase, cardNumber, memberId } from './core-data.ts';
import { prng } from '../../shared/prng.ts';
import { size, SMOKE } from './scale.ts';
import { round, rssMb, summarize } from './stats.ts';

const SCANS = size('BENCH_SCAN_SCANS', 2_000, 100);
const WARMUP = SMOKE ? 20 : 200;

/**
 * The scan's meaning, as far as a card goes: a plain digits check, then the card lookup.
 * The one place to switch to the scan parser (check digit, member tokens) once it lands.
 */
export function memberForCardScan(db: ReadableDb, event: ScanEvent): MemberRow | undefined {
  return /^\d{6,20}$/.test(event.text) ? memberByCard(db, event.text) : undefined;
}

/**
 * Scan latency: from the last byte of a card number written to a real PTY (socat) to the
 * backend holding the resolved member, through the serial adapter, the scan hub and the
 * card lookup on the chain-sized database. One scan at a time, as a cashier scans.
 */
export async function benchScan(log: (line: string) => void): Promise<Record<string, number>> {
  const path = benchDatabase(log);
  // The integrity check of a multi-GB file is start-up work, not part of these figures.
  const backend = createBackend({
    dbPath: path,
    storeId: 'store-1',
    clock: new ManualClock(BENCH_NOW + 3_600_000),
    open: { integrityCheck: 'off' },
  });
  const db = backend.store.db;
  const dir = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  const pair = await startPtyPair(dir);

  // The receiving side: the hub subscriber resolves the member and settles the scan in flight.
  type Settled = { event: bigint; resolved: bigint; memberId: string | undefined };
  let settle: ((settled: Settled) => void) | undefined;
  const hub = createScanHub();
  hub.subscribe((event) => {
    const eventAt = process.hrtime.bigint();
    const member = memberForCardScan(db, event);
    settle?.({ event: eventAt, resolved: process.hrtime.bigint(), memberId: member?.id });
  });
  const diagnostics: string[] = [];
  let connected: () => void = () => {};
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const scanner = startSerialScanner({
    config: { path: pair.scannerPath, baudRate: 115200 },
    onScan: (event) => hub.publish(event),
    onState: (state: SerialScannerState) => state.status === 'connected' && connected(),
    onDiagnostic: (d) => diagnostics.push(d.code),
  });

  const toEvent: number[] = [];
  const toMember: number[] = [];
  try {
    await withTimeout(ready, 5_000, 'the serial adapter did not connect to the PTY');
    const random = prng(11);
    for (let n = 0; n < WARMUP + SCANS; n++) {
      const i = Math.floor(random() * BENCH_MEMBERS);
      const done = new Promise<Settled>((resolve) => (settle = resolve));
      pair.write(`${cardNumber(i)}\r`);
      const written = process.hrtime.bigint(); // the last byte is in the PTY
      const times = await withTimeout(done, 2_000, `scan ${n} was not resolved (diagnostics: ${diagnostics.join(', ') || 'none'})`);
      if (times.memberId !== memberId(i)) throw new Error(`bench: scan ${n} resolved to the wrong member`);
      if (n < WARMUP) continue;
      toEvent.push(Number(times.event - written) / 1e6);
      toMember.push(Number(times.resolved - written) / 1e6);
    }
  } finally {
    await scanner.close();
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
    db.close();
  }

  const serialToEvent = summarize(toEvent);
  const serialToMember = summarize(toMember);
  log(`\nscan: ${BENCH_MEMBERS.toLocaleString('en')} members, ${SCANS} card scans through a real PTY (socat), one at a time`);
  const cols = ['p50', 'p95', 'p99', 'max'] as const;
  log(`${'measure'.padEnd(38)} ${'n'.padStart(6)} ${cols.map((c) => `${c} ms`.padStart(9)).join(' ')}`);
  for (const [name, t] of [
    ['last byte written → ScanEvent', serialToEvent],
    ['last byte written → member resolved', serialToMember],
  ] as const) {
    log(`${name.padEnd(38)} ${String(t.n).padStart(6)} ${cols.map((c) => t[c].toFixed(4).padStart(9)).join(' ')}`);
  }
  log(`target: p99 ≤ 10 ms ${serialToMember.p99 <= 10 ? 'met' : 'NOT MET'}`);
  return {
    scan_members: BENCH_MEMBERS,
    serial_to_event_p99_ms: round(serialToEvent.p99),
    serial_to_member_p50_ms: round(serialToMember.p50),
    serial_to_member_p99_ms: round(serialToMember.p99),
    serial_to_member_max_ms: round(serialToMember.max),
    scan_rss_mb: rssMb(),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench: ${message} within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
