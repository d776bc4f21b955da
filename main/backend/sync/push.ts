/**
 * Push: outbox events in seq order, in batches. An event is marked sent only
 * with the server's answer for it (an event the server applied without
 * answering for it is sent again and answered `duplicate`, with its flags). A
 * crash between the answer and the mark sends the batch again: the server
 * answers `duplicate` (it applies each id once, forever), so nothing doubles.
 *
 * Up to `pipeline` batches are in flight: the next one travels and is parsed
 * while the server applies the current one (the server lets one terminal's
 * batches in by seq, server/apply/turnstile.ts). Answers are recorded in seq
 * order; after a failure the answers of later batches are dropped unrecorded,
 * as if lost: the next attempt sends those events again and the server
 * answers `duplicate`, with the reasons of their first application.
 *
 * Every answered event is marked sent, whatever the answer: one the server
 * holds for a person at head office (`held`) or refuses (`refused`) is recorded
 * there and never sent again, so the queue never sticks on it; the sync details
 * count and list them apart from the flagged ones.
 */
import { pushResponseSchema, type EventResult, type PushResponse } from '../../../shared/sync-protocol.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { markSent, outboxBatch, pushBody, recordAttempt, type OutboxRow } from '../store/outbox.ts';
import { classifyFailure, SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';

export interface PushDeps {
  store: TerminalDb;
  client: SyncHttpClient;
  now: () => number;
  batchSize: number;
  /** Batches in flight at once (default 1). */
  pipeline?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Test seam: runs after the server answered and before the answer is recorded (a crash here must be harmless). */
  afterAnswer?: (answer: PushResponse) => void;
}

export interface PushResult {
  batches: number;
  sent: number;
  /** Applied with an adjustment (the server's figure or bound replaced the till's, or a flag for review). */
  flagged: number;
  /** Recorded on the server, their points waiting for a person at head office. */
  held: number;
  /** Recorded on the server, nothing applied. */
  refused: number;
}

interface InFlight {
  rows: OutboxRow[];
  answer: Promise<PushResponse>;
}

export async function pushOutbox(deps: PushDeps): Promise<PushResult> {
  const result: PushResult = { batches: 0, sent: 0, flagged: 0, held: 0, refused: 0 };
  const depth = Math.max(1, deps.pipeline ?? 1);
  const options = { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
  // Set when the server lost events we had marked sent (restored from a backup): resend from there on.
  let resendFrom: number | null = null;
  let gaps = 0;
  const inFlight: InFlight[] = [];
  const send = (rows: OutboxRow[]): InFlight => {
    const answer = deps.client.postJson('/v1/events', pushBody(rows), pushResponseSchema, options);
    answer.catch(() => undefined); // awaited in turn below; a failure is handled there
    return { rows, answer };
  };
  for (;;) {
    while (inFlight.length < depth) {
      const last = inFlight[inFlight.length - 1]?.rows;
      const rows = outboxBatch(
        deps.store.db,
        deps.batchSize,
        last === undefined ? resendFrom : last[last.length - 1]!.seq + 1,
        resendFrom !== null,
      );
      if (rows.length === 0) break;
      inFlight.push(send(rows));
    }
    const head = inFlight.shift();
    if (head === undefined) return result;
    const { rows } = head;
    let answer: PushResponse;
    try {
      answer = await head.answer;
    } catch (error) {
      // Later batches' answers are dropped unrecorded; wait for them so no request outlives this push.
      await Promise.allSettled(inFlight.splice(0).map((f) => f.answer));
      if (error instanceof SyncFailure) {
        const plan = classifyFailure(error);
        if (plan.retry === 'resend' && plan.resendFrom !== undefined && gaps++ < 3) {
          resendFrom = plan.resendFrom;
          continue;
        }
        writeTransaction(deps.store, (db) => recordAttempt(db, rows[0]!.seq, rows[rows.length - 1]!.seq, plan.reason));
      }
      throw error;
    }
    deps.afterAnswer?.(answer);
    const last = rows[rows.length - 1]!.seq;
    if (answer.appliedSeq < last) {
      await Promise.allSettled(inFlight.splice(0).map((f) => f.answer));
      throw new SyncFailure('invalid_response', `the server applied up to ${answer.appliedSeq}, not ${last}`);
    }
    record(deps, rows, answer);
    result.batches++;
    result.sent += rows.length;
    for (const r of answer.results) {
      const status = outcome(r);
      if (status === 'applied_with_adjustment') result.flagged++;
      else if (status === 'held') result.held++;
      else if (status === 'refused') result.refused++;
    }
    if (resendFrom !== null) resendFrom = last + 1;
  }
}

/** Marks the batch's events sent with the server's answer for each. */
function record(deps: PushDeps, rows: readonly OutboxRow[], answer: PushResponse): void {
  const bySeq = new Map(answer.results.map((r) => [r.seq, { ...r, status: outcome(r) }]));
  const results = rows.flatMap((r) => {
    const res = bySeq.get(r.seq);
    return res === undefined
      ? []
      : [{ seq: r.seq, result: res.reasons === undefined ? { status: res.status } : { status: res.status, reasons: res.reasons } }];
  });
  writeTransaction(deps.store, (db) => markSent(db, results, deps.now()));
}

/**
 * What happened to the event on the server. A `duplicate` with reasons repeats a first answer this terminal
 * lost, which applied the event with an adjustment; it is recorded as that. (The server answers a held or
 * refused event sent again `held` or `refused` again, with the same reasons, never `duplicate`.)
 */
export function outcome(r: Pick<EventResult, 'status' | 'reasons'>): EventResult['status'] {
  return r.status === 'duplicate' && r.reasons !== undefined && r.reasons.length > 0 ? 'applied_with_adjustment' : r.status;
}
