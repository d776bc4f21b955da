/**
 * Push: outbox events in seq order, in batches. An event is marked sent only
 * after the server's answer, and then every event up to its appliedSeq. A
 * crash between the answer and the mark sends the batch again: the server
 * answers `duplicate` (it applies each id once, forever), so nothing doubles.
 */
import { pushResponseSchema, type EventResult, type PushResponse } from '../../../shared/sync-protocol.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { markSent, pushBody, recordAttempt, unsentBatch } from '../store/outbox.ts';
import { classifyFailure, SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';

export interface PushDeps {
  store: TerminalDb;
  client: SyncHttpClient;
  now: () => number;
  batchSize: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Test seam: runs after the server answered and before the answer is recorded (a crash here must be harmless). */
  afterAnswer?: (answer: PushResponse) => void;
}

export interface PushResult {
  batches: number;
  sent: number;
  flagged: number;
}

export async function pushOutbox(deps: PushDeps): Promise<PushResult> {
  const result: PushResult = { batches: 0, sent: 0, flagged: 0 };
  // Set when the server lost events we had marked sent (restored from a backup): resend from there on.
  let resendFrom: number | null = null;
  let gaps = 0;
  for (;;) {
    const rows = unsentBatch(deps.store.db, deps.batchSize, resendFrom);
    if (rows.length === 0) return result;
    let answer: PushResponse;
    try {
      answer = await deps.client.postJson('/v1/events', pushBody(rows), pushResponseSchema, { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    } catch (error) {
      if (error instanceof SyncFailure) {
        const plan = classifyFailure(error);
        if (plan.retry === 'resend' && plan.resendFrom !== undefined && gaps++ < 3) {
          resendFrom = plan.resendFrom;
          continue;
        }
        recordAttempt(deps.store.db, rows[0]!.seq, rows[rows.length - 1]!.seq, plan.reason);
      }
      throw error;
    }
    deps.afterAnswer?.(answer);
    const last = rows[rows.length - 1]!.seq;
    if (answer.appliedSeq < last) throw new SyncFailure('invalid_response', `the server applied up to ${answer.appliedSeq}, not ${last}`);
    const bySeq = new Map(answer.results.map((r) => [r.seq, { ...r, status: outcome(r) }]));
    writeTransaction(deps.store, () =>
      markSent(
        deps.store.db,
        answer.appliedSeq,
        rows.flatMap((r) => {
          const res = bySeq.get(r.seq);
          return res === undefined ? [] : [{ seq: r.seq, result: res.reasons === undefined ? { status: res.status } : { status: res.status, reasons: res.reasons } }];
        }),
        deps.now(),
      ),
    );
    result.batches++;
    result.sent += rows.length;
    result.flagged += answer.results.filter((r) => outcome(r) === 'applied_with_adjustment').length;
    if (resendFrom !== null) resendFrom = last + 1;
  }
}

/** What happened to the event on the server: a duplicate with reasons was applied with an adjustment the first time (that answer was lost). */
function outcome(r: EventResult): EventResult['status'] {
  return r.status === 'duplicate' && r.reasons !== undefined && r.reasons.length > 0 ? 'applied_with_adjustment' : r.status;
}
